// ICS invitations round-trip through libical's own parser.
#include <gtest/gtest.h>

#include <libical/ical.h>

#include <memory>

#include "notify/ics.h"
#include "util/time.h"

namespace assist {
namespace {

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};

IcsEvent sample() {
  IcsEvent e;
  e.uid = appointment_uid(42, "https://assist.example.org:8443");
  e.sequence = 0;
  e.starts_at = *parse_iso8601("2026-12-01T09:30:00Z");
  e.ends_at = e.starts_at + 1800;
  e.stamp = *parse_iso8601("2026-11-20T08:00:00Z");
  e.summary = "Votre rendez-vous vidéo";
  e.description = "Bonjour,\nLien : https://assist.example.org/j/abc";
  e.location = "https://assist.example.org/j/abc";
  e.organizer = "assist@example.org";
  e.attendee = "ada@example.org";
  e.attendee_name = "Ada";
  return e;
}

TEST(NotifyIcs, RequestParsesBack) {
  const auto text = build_ics(sample());
  std::unique_ptr<icalcomponent, ComponentFree> cal(icalparser_parse_string(text.c_str()));
  ASSERT_TRUE(cal) << text;
  EXPECT_EQ(icalcomponent_get_method(cal.get()), ICAL_METHOD_REQUEST);
  auto* event = icalcomponent_get_first_component(cal.get(), ICAL_VEVENT_COMPONENT);
  ASSERT_NE(event, nullptr);
  EXPECT_STREQ(icalcomponent_get_uid(event), "appointment-42@assist.example.org");
  EXPECT_EQ(icalcomponent_get_sequence(event), 0);
  EXPECT_EQ(icaltime_as_timet(icalcomponent_get_dtstart(event)), *parse_iso8601("2026-12-01T09:30:00Z"));
  EXPECT_EQ(icaltime_as_timet(icalcomponent_get_dtend(event)), *parse_iso8601("2026-12-01T10:00:00Z"));
  EXPECT_STREQ(icalcomponent_get_summary(event), "Votre rendez-vous vidéo");
  EXPECT_STREQ(icalcomponent_get_location(event), "https://assist.example.org/j/abc");
  EXPECT_NE(text.find("DTSTART:20261201T093000Z"), std::string::npos) << text;
  EXPECT_NE(text.find("\r\n"), std::string::npos);  // RFC 5545 line ends
}

TEST(NotifyIcs, CancelKeepsTheUidAndCarriesTheSequence) {
  auto e = sample();
  e.method = IcsMethod::cancel;
  e.sequence = 2;
  std::unique_ptr<icalcomponent, ComponentFree> cal(icalparser_parse_string(build_ics(e).c_str()));
  ASSERT_TRUE(cal);
  EXPECT_EQ(icalcomponent_get_method(cal.get()), ICAL_METHOD_CANCEL);
  auto* event = icalcomponent_get_first_component(cal.get(), ICAL_VEVENT_COMPONENT);
  EXPECT_STREQ(icalcomponent_get_uid(event), "appointment-42@assist.example.org");
  EXPECT_EQ(icalcomponent_get_sequence(event), 2);
  EXPECT_EQ(icalcomponent_get_status(event), ICAL_STATUS_CANCELLED);
}

}  // namespace
}  // namespace assist
