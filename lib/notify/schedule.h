// When notifications go out: which reminders are due, and quiet hours in the recipient's zone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "notify/timezone.h"
#include "util/time.h"

namespace assist {

// Minutes after local midnight; start > end means the span crosses midnight (21:00–08:00).
struct QuietHours {
  int start = 0;
  int end = 0;
};

// "21:00-08:00"; "" means no quiet hours (nullopt); an error text otherwise.
struct QuietHoursParse {
  std::optional<QuietHours> hours;
  std::string error;
};
QuietHoursParse parse_quiet_hours(const std::string& text);

// `at` itself when it is outside quiet hours, else the end of those quiet hours.
UnixSeconds defer_past_quiet_hours(UnixSeconds at, const QuietHours& quiet, const TimeZone& zone);

// The one reminder offset (seconds before the start) that is current at `now`, if any: the
// smallest offset whose time has come. An appointment created 30 minutes ahead gets only its
// 1h reminder, never a late 24h one as well.
std::optional<std::int64_t> current_reminder_offset(UnixSeconds starts_at,
                                                    std::vector<std::int64_t> offsets,
                                                    UnixSeconds now);

// When a reminder found due at `now` should go out: after quiet hours, unless that would be
// after the start itself (a reminder after the fact is useless; an early one is tolerable).
UnixSeconds reminder_send_time(UnixSeconds now, UnixSeconds starts_at,
                               const std::optional<QuietHours>& quiet, const TimeZone& zone);

}  // namespace assist
