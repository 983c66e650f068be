// A queue's opening hours ("mon-fri 09:00-17:00; sat 10:00-12:30"): parsing, whether an instant
// is inside them, and when they next open, in the queue's time zone.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/time.h"
#include "util/timezone.h"

namespace assist {

struct OpeningHours {
  bool always = true;  // no hours given: open around the clock
  // By weekday (0 = Sunday): [start, end) in minutes after local midnight, sorted.
  std::array<std::vector<std::pair<int, int>>, 7> spans;
};

// Groups separated by ';', each "DAYS SPAN [SPAN…]": DAYS is "mon", "mon-fri" or
// "mon,wed,fri"; SPAN is "HH:MM-HH:MM" (end after start; "24:00" ends at midnight).
// "" means always open.
struct OpeningHoursParse {
  std::optional<OpeningHours> hours;
  std::string error;
};
OpeningHoursParse parse_opening_hours(const std::string& text);

bool is_open_at(const OpeningHours& hours, UnixSeconds at, const TimeZone& zone);
// The first opening after `at` within a week; nullopt when the hours never open (or always are).
std::optional<UnixSeconds> next_opening(const OpeningHours& hours, UnixSeconds at, const TimeZone& zone);

}  // namespace assist
