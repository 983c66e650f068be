#include "util/timezone.h"

#include <libical/ical.h>

namespace assist {

std::optional<TimeZone> TimeZone::find(const std::string& name) {
  if (name == "UTC") return TimeZone(icaltimezone_get_utc_timezone(), name);
  if (name.empty() || name.find("..") != std::string::npos) return std::nullopt;
  auto* zone = icaltimezone_get_builtin_timezone(name.c_str());
  if (!zone) return std::nullopt;
  return TimeZone(zone, name);
}

LocalTime TimeZone::local(UnixSeconds t) const {
  const auto tt = icaltime_from_timet_with_zone(static_cast<time_t>(t), 0, zone_);
  return {tt.year, tt.month, tt.day, tt.hour, tt.minute, tt.second, icaltime_day_of_week(tt) - 1};
}

UnixSeconds TimeZone::instant(int year, int month, int day, int hour, int minute) const {
  auto tt = icaltime_null_time();
  tt.year = year;
  tt.month = month;
  tt.day = day;
  tt.hour = hour;
  tt.minute = minute;
  tt = icaltime_normalize(tt);
  return static_cast<UnixSeconds>(icaltime_as_timet_with_zone(tt, zone_));
}

}  // namespace assist
