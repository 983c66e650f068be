#include "util/opening_hours.h"

#include <algorithm>
#include <array>
#include <sstream>
#include <string_view>

#include "util/quiet_hours.h"

namespace assist {
namespace {

constexpr std::array<std::string_view, 7> day_names = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr int days_per_week = 7;

std::optional<int> weekday(std::string_view name) {
  for (int d = 0; d < days_per_week; ++d)
    if (day_names[d] == name) return d;
  return std::nullopt;
}

// "mon-fri" (wrapping: "sat-mon" is sat, sun, mon) or "mon,wed"; the weekdays it names.
std::optional<std::vector<int>> parse_days(std::string_view text) {
  std::vector<int> days;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const auto dash = item.find('-');
    const auto first = weekday(item.substr(0, dash));
    const auto last = dash == std::string_view::npos ? first : weekday(item.substr(dash + 1));
    if (!first || !last) return std::nullopt;
    for (int d = *first;; d = (d + 1) % days_per_week) {
      days.push_back(d);
      if (d == *last) break;
    }
  }
  if (days.empty()) return std::nullopt;
  return days;
}

std::optional<std::pair<int, int>> parse_span(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto start = parse_wall_clock(text.substr(0, dash));
  const auto end_text = text.substr(dash + 1);
  const auto end = end_text == "24:00" ? std::optional<int>(24 * 60) : parse_wall_clock(end_text);
  if (!start || !end || *end <= *start) return std::nullopt;
  return std::pair{*start, *end};
}

}  // namespace

OpeningHoursParse parse_opening_hours(const std::string& text) {
  OpeningHours hours;
  std::stringstream groups(text);
  std::string group;
  const auto problem = [&](const std::string& what) {
    return OpeningHoursParse{std::nullopt, what + " in '" + group +
                                               "'; write e.g. 'mon-fri 09:00-17:00; sat 10:00-12:30'"};
  };
  while (std::getline(groups, group, ';')) {
    std::stringstream words(group);
    std::string days_text, span_text;
    if (!(words >> days_text)) continue;  // "a; ; b" or a trailing ';'
    std::transform(days_text.begin(), days_text.end(), days_text.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const auto days = parse_days(days_text);
    if (!days) return problem("days must be mon…sun, a range like mon-fri or a list like mon,wed");
    bool any = false;
    while (words >> span_text) {
      const auto span = parse_span(span_text);
      if (!span) return problem("a time span must be HH:MM-HH:MM with the end after the start");
      for (int d : *days) hours.spans[d].push_back(*span);
      any = true;
    }
    if (!any) return problem("each group needs at least one time span");
    hours.always = false;
  }
  for (auto& day : hours.spans) {
    std::sort(day.begin(), day.end());
    for (std::size_t i = 1; i < day.size(); ++i)
      if (day[i].first < day[i - 1].second) return {std::nullopt, "opening hours overlap in '" + text + "'"};
  }
  return {hours, ""};
}

bool is_open_at(const OpeningHours& hours, UnixSeconds at, const TimeZone& zone) {
  if (hours.always) return true;
  const auto l = zone.local(at);
  const int minute = l.hour * 60 + l.minute;
  for (auto [start, end] : hours.spans[l.weekday])
    if (minute >= start && minute < end) return true;
  return false;
}

std::optional<UnixSeconds> next_opening(const OpeningHours& hours, UnixSeconds at, const TimeZone& zone) {
  if (hours.always) return std::nullopt;
  const auto today = zone.local(at);
  for (int d = 0; d <= days_per_week; ++d) {
    // Noon of the day d days on: its weekday, safe from DST changes near midnight.
    const auto noon = zone.local(zone.instant(today.year, today.month, today.day + d, 12, 0));
    for (auto [start, end] : hours.spans[noon.weekday]) {
      const auto opens = zone.instant(noon.year, noon.month, noon.day, start / 60, start % 60);
      if (opens > at) return opens;
    }
  }
  return std::nullopt;
}

}  // namespace assist
