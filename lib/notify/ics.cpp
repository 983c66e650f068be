#include "notify/ics.h"

#include <libical/ical.h>

#include <cstdlib>
#include <memory>

namespace assist {
namespace {

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentFree>;

struct CharFree {
  void operator()(char* p) const { std::free(p); }
};

icaltimetype utc(UnixSeconds t) {
  return icaltime_from_timet_with_zone(static_cast<time_t>(t), 0, icaltimezone_get_utc_timezone());
}

icalproperty* person(icalproperty* (*make)(const char*), const std::string& email,
                     const std::string& name) {
  auto* p = make(("mailto:" + email).c_str());
  if (!name.empty()) icalproperty_add_parameter(p, icalparameter_new_cn(name.c_str()));
  return p;
}

}  // namespace

std::string build_ics(const IcsEvent& e) {
  const bool cancel = e.method == IcsMethod::cancel;
  ComponentPtr calendar(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
  icalcomponent_add_property(calendar.get(), icalproperty_new_prodid("-//assist//notifications//EN"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(calendar.get(),
                             icalproperty_new_method(cancel ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST));

  // Ownership passes to the calendar once added.
  auto* event = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  icalcomponent_add_component(calendar.get(), event);
  icalcomponent_add_property(event, icalproperty_new_uid(e.uid.c_str()));
  icalcomponent_add_property(event, icalproperty_new_sequence(e.sequence));
  icalcomponent_add_property(event, icalproperty_new_dtstamp(utc(e.stamp)));
  icalcomponent_add_property(event, icalproperty_new_dtstart(utc(e.starts_at)));
  icalcomponent_add_property(event, icalproperty_new_dtend(utc(e.ends_at)));
  icalcomponent_add_property(event, icalproperty_new_summary(e.summary.c_str()));
  if (!e.description.empty())
    icalcomponent_add_property(event, icalproperty_new_description(e.description.c_str()));
  if (!e.location.empty())
    icalcomponent_add_property(event, icalproperty_new_location(e.location.c_str()));
  icalcomponent_add_property(
      event, icalproperty_new_status(cancel ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
  icalcomponent_add_property(event, person(icalproperty_new_organizer, e.organizer, ""));
  icalcomponent_add_property(event, person(icalproperty_new_attendee, e.attendee, e.attendee_name));

  std::unique_ptr<char, CharFree> text(icalcomponent_as_ical_string_r(calendar.get()));
  return text ? std::string(text.get()) : std::string();
}

std::string appointment_uid(std::int64_t appointment_id, const std::string& installation,
                            const std::string& public_url) {
  auto host = public_url.substr(public_url.find("://") + 3);
  host = host.substr(0, host.find_first_of(":/"));
  return "appointment-" + std::to_string(appointment_id) + (installation.empty() ? "" : "-" + installation) +
         "@" + host;
}

}  // namespace assist
