#include "util/quiet_hours.h"

#include <charconv>

namespace assist {

std::optional<int> parse_wall_clock(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  int h = 0, m = 0;
  auto [e1, c1] = std::from_chars(s.data(), s.data() + 2, h);
  auto [e2, c2] = std::from_chars(s.data() + 3, s.data() + 5, m);
  if (c1 != std::errc{} || c2 != std::errc{} || e1 != s.data() + 2 || e2 != s.data() + 5 || h > 23 ||
      m > 59)
    return std::nullopt;
  return h * 60 + m;
}

QuietHoursParse parse_quiet_hours(const std::string& text) {
  if (text.empty()) return {};
  const auto dash = text.find('-');
  std::optional<int> start, end;
  if (dash != std::string::npos) {
    start = parse_wall_clock(std::string_view(text).substr(0, dash));
    end = parse_wall_clock(std::string_view(text).substr(dash + 1));
  }
  if (!start || !end) return {std::nullopt, "must be HH:MM-HH:MM, e.g. 21:00-08:00 (got '" + text + "')"};
  if (*start == *end) return {std::nullopt, "start and end must differ (got '" + text + "')"};
  return {QuietHours{*start, *end}, ""};
}

UnixSeconds defer_past_quiet_hours(UnixSeconds at, const QuietHours& q, const TimeZone& zone) {
  const auto l = zone.local(at);
  const int minute = l.hour * 60 + l.minute;
  const bool crosses_midnight = q.start > q.end;
  const bool quiet = crosses_midnight ? (minute >= q.start || minute < q.end)
                                      : (minute >= q.start && minute < q.end);
  if (!quiet) return at;
  // The quiet span ends today unless it started today before midnight.
  const int add_days = crosses_midnight && minute >= q.start ? 1 : 0;
  return zone.instant(l.year, l.month, l.day + add_days, q.end / 60, q.end % 60);
}

}  // namespace assist
