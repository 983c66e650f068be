#include <gtest/gtest.h>

#include "util/time.h"

namespace assist {
namespace {

TEST(Time, ParsesUtcAndOffsets) {
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso8601("2026-12-01T09:30:00Z"), 1796117400);
  EXPECT_EQ(parse_iso8601("2026-12-01T10:30:00+01:00"), 1796117400);
  EXPECT_EQ(parse_iso8601("2026-12-01T09:30Z"), 1796117400);
  EXPECT_EQ(parse_iso8601("2026-12-01T09:30:00.250Z"), 1796117400);
}

TEST(Time, RefusesAmbiguousOrBrokenTimes) {
  EXPECT_FALSE(parse_iso8601("2026-12-01T09:30:00"));  // no zone
  EXPECT_FALSE(parse_iso8601("2026-02-30T09:30:00Z"));
  EXPECT_FALSE(parse_iso8601("2026-12-01T25:00:00Z"));
  EXPECT_FALSE(parse_iso8601("tomorrow"));
  EXPECT_FALSE(parse_iso8601("2026-12-01T09:30:00Zjunk"));
  EXPECT_FALSE(parse_iso8601(""));
}

TEST(Time, FormatsRoundTrip) {
  EXPECT_EQ(format_iso8601(1796117400), "2026-12-01T09:30:00Z");
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00Z");
  for (UnixSeconds t : {UnixSeconds{951782400}, UnixSeconds{4102444799}, UnixSeconds{1}})
    EXPECT_EQ(parse_iso8601(format_iso8601(t)), t);
}

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(parse_duration("45s"), 45);
  EXPECT_EQ(parse_duration("15m"), 900);
  EXPECT_EQ(parse_duration("1h30m"), 5400);
  EXPECT_EQ(parse_duration("2d"), 172800);
  EXPECT_FALSE(parse_duration("15"));
  EXPECT_FALSE(parse_duration("m"));
  EXPECT_FALSE(parse_duration("-5m"));
  EXPECT_FALSE(parse_duration("5x"));
  EXPECT_EQ(format_duration(5400), "1h30m");
  EXPECT_EQ(format_duration(0), "0s");
}

}  // namespace
}  // namespace assist
