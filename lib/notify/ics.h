// iCalendar (RFC 5545 / iTIP RFC 5546) invitations built with libical.
#pragma once

#include <cstdint>
#include <string>

#include "util/time.h"

namespace assist {

enum class IcsMethod { request, cancel };

struct IcsEvent {
  IcsMethod method = IcsMethod::request;
  std::string uid;       // stable per appointment, so calendars update the same event
  int sequence = 0;      // raised on each reschedule and by the cancellation
  UnixSeconds starts_at = 0;
  UnixSeconds ends_at = 0;
  UnixSeconds stamp = 0;  // DTSTAMP: when this version was produced
  std::string summary;
  std::string description;
  std::string location;   // the join link
  std::string organizer;  // email address
  std::string attendee;   // email address
  std::string attendee_name;
};

std::string build_ics(const IcsEvent& event);

// "appointment-42-INSTALLATION@host" for the public URL https://host:8443: another database's
// appointment 42 is another event. "appointment-42@host" when `installation` is empty, the form
// sent before databases had an id, which their appointments keep.
std::string appointment_uid(std::int64_t appointment_id, const std::string& installation,
                            const std::string& public_url);

}  // namespace assist
