// IANA time zones (from the system's zoneinfo, through libical): UTC instants to local wall
// time and back. GCC 12's <chrono> has no time zone database.
#pragma once

#include <optional>
#include <string>

#include "util/time.h"

struct _icaltimezone;

namespace assist {

struct LocalTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int weekday = 0;  // 0 = Sunday
};

class TimeZone {
 public:
  // "Europe/Paris", "UTC"; nullopt when the zone is unknown.
  static std::optional<TimeZone> find(const std::string& name);

  LocalTime local(UnixSeconds t) const;
  // The instant of a local wall time (a time skipped by a DST change lands after the gap).
  UnixSeconds instant(int year, int month, int day, int hour, int minute) const;
  const std::string& name() const { return name_; }

 private:
  TimeZone(_icaltimezone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}
  _icaltimezone* zone_;  // owned by libical's zone cache, lives until exit
  std::string name_;
};

}  // namespace assist
