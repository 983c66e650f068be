// Quiet hours ("21:00-08:00"): parsing, and moving an instant past them in a time zone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/time.h"
#include "util/timezone.h"

namespace assist {

// "HH:MM" (00:00 to 23:59) as minutes after midnight.
std::optional<int> parse_wall_clock(std::string_view text);

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

}  // namespace assist
