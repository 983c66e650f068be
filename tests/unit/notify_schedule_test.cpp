// Reminder timing and quiet hours in the recipient's zone, with an injected "now".
#include <gtest/gtest.h>

#include "notify/schedule.h"
#include "util/timezone.h"
#include "util/time.h"

namespace assist {
namespace {

UnixSeconds at(const char* iso) { return *parse_iso8601(iso); }

TEST(NotifySchedule, ParsesQuietHours) {
  auto q = parse_quiet_hours("21:00-08:00");
  ASSERT_TRUE(q.hours);
  EXPECT_EQ(q.hours->start, 21 * 60);
  EXPECT_EQ(q.hours->end, 8 * 60);
  EXPECT_FALSE(parse_quiet_hours("").hours);
  EXPECT_TRUE(parse_quiet_hours("").error.empty());
  EXPECT_FALSE(parse_quiet_hours("21-08").error.empty());
  EXPECT_FALSE(parse_quiet_hours("25:00-08:00").error.empty());
  EXPECT_FALSE(parse_quiet_hours("08:00-08:00").error.empty());
}

TEST(NotifySchedule, ReminderDueAt2300LocalIsDeferredTo0800) {
  const auto paris = *TimeZone::find("Europe/Paris");
  const QuietHours quiet{21 * 60, 8 * 60};
  // 23:00 in Paris in winter (UTC+1) is 22:00Z; the deferral is to 08:00 Paris, 07:00Z.
  EXPECT_EQ(defer_past_quiet_hours(at("2026-12-01T22:00:00Z"), quiet, paris), at("2026-12-02T07:00:00Z"));
  // After midnight the same morning's 08:00.
  EXPECT_EQ(defer_past_quiet_hours(at("2026-12-02T02:30:00Z"), quiet, paris), at("2026-12-02T07:00:00Z"));
  // Daytime is left alone; 08:00 itself is no longer quiet, 21:00 is.
  EXPECT_EQ(defer_past_quiet_hours(at("2026-12-01T12:00:00Z"), quiet, paris), at("2026-12-01T12:00:00Z"));
  EXPECT_EQ(defer_past_quiet_hours(at("2026-12-02T07:00:00Z"), quiet, paris), at("2026-12-02T07:00:00Z"));
  EXPECT_EQ(defer_past_quiet_hours(at("2026-12-01T20:00:00Z"), quiet, paris), at("2026-12-02T07:00:00Z"));
  // Summer time: 23:00 Paris is 21:00Z, 08:00 is 06:00Z.
  EXPECT_EQ(defer_past_quiet_hours(at("2026-07-01T21:00:00Z"), quiet, paris), at("2026-07-02T06:00:00Z"));
}

TEST(NotifySchedule, QuietHoursWithinOneDay) {
  const auto utc = *TimeZone::find("UTC");
  const QuietHours lunch{12 * 60, 14 * 60};
  EXPECT_EQ(defer_past_quiet_hours(at("2026-12-01T13:00:00Z"), lunch, utc), at("2026-12-01T14:00:00Z"));
  EXPECT_EQ(defer_past_quiet_hours(at("2026-12-01T14:00:00Z"), lunch, utc), at("2026-12-01T14:00:00Z"));
}

TEST(NotifySchedule, OnlyTheCurrentReminderOffsetIsDue) {
  const auto start = at("2026-12-02T10:00:00Z");
  const std::vector<std::int64_t> offsets = {86400, 3600};
  EXPECT_FALSE(current_reminder_offset(start, offsets, at("2026-12-01T09:59:59Z")));
  EXPECT_EQ(current_reminder_offset(start, offsets, at("2026-12-01T10:00:00Z")), 86400);
  EXPECT_EQ(current_reminder_offset(start, offsets, at("2026-12-02T08:59:59Z")), 86400);
  EXPECT_EQ(current_reminder_offset(start, offsets, at("2026-12-02T09:00:00Z")), 3600);
  EXPECT_FALSE(current_reminder_offset(start, offsets, start));
}

TEST(NotifySchedule, ReminderSendTimeNeverAfterTheStart) {
  const auto paris = *TimeZone::find("Europe/Paris");
  const QuietHours quiet{21 * 60, 8 * 60};
  // Due 23:00 Paris for a 10:00 appointment: sent at 08:00.
  EXPECT_EQ(reminder_send_time(at("2026-12-01T22:00:00Z"), at("2026-12-02T09:00:00Z"), quiet, paris),
            at("2026-12-02T07:00:00Z"));
  // Due 06:00 for a 07:00 appointment: deferring to 08:00 would be too late, so it goes now.
  EXPECT_EQ(reminder_send_time(at("2026-12-02T05:00:00Z"), at("2026-12-02T06:00:00Z"), quiet, paris),
            at("2026-12-02T05:00:00Z"));
  EXPECT_EQ(reminder_send_time(at("2026-12-01T22:00:00Z"), at("2026-12-02T09:00:00Z"), std::nullopt, paris),
            at("2026-12-01T22:00:00Z"));
}

TEST(NotifySchedule, UnknownZoneIsRefused) {
  EXPECT_FALSE(TimeZone::find("Mars/Olympus_Mons"));
  EXPECT_FALSE(TimeZone::find("../../etc/passwd"));
  EXPECT_TRUE(TimeZone::find("America/New_York"));
}

}  // namespace
}  // namespace assist
