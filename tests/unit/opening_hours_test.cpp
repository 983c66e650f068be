// Queue opening hours in the queue's zone: what they parse to, open or not, the next opening.
#include <gtest/gtest.h>

#include "util/opening_hours.h"
#include "util/time.h"

namespace assist {
namespace {

UnixSeconds at(const char* iso) { return *parse_iso8601(iso); }

OpeningHours hours(const char* text) {
  auto parsed = parse_opening_hours(text);
  EXPECT_TRUE(parsed.hours) << parsed.error;
  return parsed.hours.value_or(OpeningHours{});
}

TEST(OpeningHours, EmptyMeansAlwaysOpen) {
  const auto h = hours("");
  const auto utc = *TimeZone::find("UTC");
  EXPECT_TRUE(h.always);
  EXPECT_TRUE(is_open_at(h, at("2026-12-06T03:00:00Z"), utc));
  EXPECT_FALSE(next_opening(h, at("2026-12-06T03:00:00Z"), utc));
}

TEST(OpeningHours, ParsesRangesListsAndSeveralSpans) {
  const auto h = hours("mon-fri 09:00-12:00 14:00-18:00; SAT,sun 10:00-24:00");
  EXPECT_EQ(h.spans[1], (std::vector<std::pair<int, int>>{{540, 720}, {840, 1080}}));
  EXPECT_EQ(h.spans[5], h.spans[1]);
  EXPECT_EQ(h.spans[6], (std::vector<std::pair<int, int>>{{600, 1440}}));
  EXPECT_EQ(h.spans[0], h.spans[6]);
  EXPECT_EQ(hours("fri-mon 08:00-09:00").spans[0].size(), 1u);  // wraps over the weekend
  EXPECT_TRUE(hours("fri-mon 08:00-09:00").spans[3].empty());
}

TEST(OpeningHours, RefusesWhatItCannotRead) {
  for (const char* bad : {"monday 09:00-17:00", "mon 9-17", "mon 17:00-09:00", "mon", "mon 09:00-25:00",
                          "mon 09:00-12:00; mon 11:00-13:00", "mon-xyz 09:00-10:00"}) {
    const auto parsed = parse_opening_hours(bad);
    EXPECT_FALSE(parsed.hours) << bad;
    EXPECT_FALSE(parsed.error.empty()) << bad;
  }
}

TEST(OpeningHours, OpenAndClosedInTheQueueZone) {
  const auto paris = *TimeZone::find("Europe/Paris");
  const auto h = hours("mon-fri 09:00-17:00");
  // Wednesday 2 December 2026; Paris is UTC+1 in winter.
  EXPECT_FALSE(is_open_at(h, at("2026-12-02T07:59:00Z"), paris));
  EXPECT_TRUE(is_open_at(h, at("2026-12-02T08:00:00Z"), paris));
  EXPECT_TRUE(is_open_at(h, at("2026-12-02T15:59:00Z"), paris));
  EXPECT_FALSE(is_open_at(h, at("2026-12-02T16:00:00Z"), paris));
}

TEST(OpeningHours, NextOpeningSkipsTheWeekendAndFollowsDst) {
  const auto paris = *TimeZone::find("Europe/Paris");
  const auto h = hours("mon-fri 09:00-17:00");
  // Friday 18:00 in Paris → Monday 09:00 in Paris.
  EXPECT_EQ(next_opening(h, at("2026-12-04T17:00:00Z"), paris), at("2026-12-07T08:00:00Z"));
  // Before opening on a weekday: the same day.
  EXPECT_EQ(next_opening(h, at("2026-12-02T05:00:00Z"), paris), at("2026-12-02T08:00:00Z"));
  // Summer time starts on Sunday 29 March 2026: Monday 09:00 is then 07:00Z.
  EXPECT_EQ(next_opening(h, at("2026-03-27T17:00:00Z"), paris), at("2026-03-30T07:00:00Z"));
}

}  // namespace
}  // namespace assist
