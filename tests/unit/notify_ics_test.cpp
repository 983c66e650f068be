// ICS invitations round-trip through libical's own parser.
#include <gtest/gtest.h>

#include <libical/ical.h>
#include <nlohmann/json.hpp>

#include <memory>

#include "config/config.h"
#include "domain/appointments.h"
#include "notify/compose.h"
#include "notify/ics.h"
#include "notify/outbox.h"
#include "temp_db.h"
#include "util/time.h"

namespace assist {
namespace {

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};

IcsEvent sample() {
  IcsEvent e;
  e.uid = appointment_uid(42, "0123456789abcdef0123456789abcdef", "https://assist.example.org:8443");
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
  EXPECT_STREQ(icalcomponent_get_uid(event), "appointment-42-0123456789abcdef0123456789abcdef@assist.example.org");
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
  EXPECT_STREQ(icalcomponent_get_uid(event), "appointment-42-0123456789abcdef0123456789abcdef@assist.example.org");
  EXPECT_EQ(icalcomponent_get_sequence(event), 2);
  EXPECT_EQ(icalcomponent_get_status(event), ICAL_STATUS_CANCELLED);
}

TEST(NotifyIcs, UidWithoutAnInstallationIsTheFormerOne) {
  EXPECT_EQ(appointment_uid(7, "", "https://assist.example.org"), "appointment-7@assist.example.org");
}

// The UID and SEQUENCE of the invitation and the cancellation for appointment `id` of a database.
struct SentCalendar {
  std::string invitation_uid, cancellation_uid;
  int invitation_sequence = -1, cancellation_sequence = -1;
};

SentCalendar send_invitation_then_cancel(Db& db, std::int64_t id_to_expect) {
  auto loaded = load_config_text("notify:\n  email: {smtp_url: 'smtp://127.0.0.1:2525', from: 'a@example.org'}\n"
                                 "server:\n  public_url: https://assist.example.org\n", "t");
  const auto& config = *loaded.config;
  const Principal admin{Role::admin, std::nullopt, "control-socket", false, {}};
  NewAppointment n;
  n.customer_name = "Ada";
  n.customer_email = "ada@example.org";
  n.starts_at = now_seconds() + 86400;
  Transaction tx(db);
  auto a = create_appointment(db, n, admin);
  EXPECT_EQ(a.id, id_to_expect);
  auto parse = [&](const Notification& sent, std::string& uid, int& sequence) {
    const auto ics = nlohmann::json::parse(find_notification(db, sent.id)->payload).at("ics").get<std::string>();
    std::unique_ptr<icalcomponent, ComponentFree> cal(icalparser_parse_string(ics.c_str()));
    auto* event = icalcomponent_get_first_component(cal.get(), ICAL_VEVENT_COMPONENT);
    uid = icalcomponent_get_uid(event);
    sequence = icalcomponent_get_sequence(event);
  };
  SentCalendar out;
  parse(send_link(db, config, a, Channel::email, admin, now_seconds()), out.invitation_uid, out.invitation_sequence);
  a = transition_appointment(db, a.id, AppointmentState::cancelled, admin.actor);
  notify_appointment_change(db, config, a, NotifyKind::cancellation, admin, now_seconds());
  parse(list_notifications(db, std::nullopt, 0, 500).back(), out.cancellation_uid, out.cancellation_sequence);
  tx.commit();
  return out;
}

// std::regex is avoided: GCC 12 at -O2 warns inside <regex> (maybe-uninitialized), and we build with -Werror.
bool is_installation_uid(const std::string& uid, const std::string& prefix, const std::string& suffix) {
  if (uid.size() != prefix.size() + 32 + suffix.size()) return false;
  if (uid.compare(0, prefix.size(), prefix) != 0 || uid.compare(uid.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  const auto id = uid.substr(prefix.size(), 32);
  return id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(NotifyIcs, AResetDatabaseGivesNewUidsAndACancelOutranksTheInvitation) {
  testing::TempDb first, after_reset;
  const auto one = send_invitation_then_cancel(*first.db, 1);
  const auto two = send_invitation_then_cancel(*after_reset.db, 1);
  EXPECT_TRUE(is_installation_uid(one.invitation_uid, "appointment-1-", "@assist.example.org")) << one.invitation_uid;
  EXPECT_NE(one.invitation_uid, two.invitation_uid);
  EXPECT_EQ(one.cancellation_uid, one.invitation_uid);
  EXPECT_EQ(one.invitation_sequence, 0);
  EXPECT_EQ(one.cancellation_sequence, 1);
}

TEST(NotifyIcs, AppointmentsFromBeforeTheInstallationIdKeepTheirUids) {
  testing::TempDb t;
  t.db->exec("UPDATE installation SET first_appointment_id = 2");  // as migration 8 leaves a database with one
  EXPECT_EQ(send_invitation_then_cancel(*t.db, 1).invitation_uid, "appointment-1@assist.example.org");
  EXPECT_NE(send_invitation_then_cancel(*t.db, 2).invitation_uid.find("appointment-2-"), std::string::npos);
}

}  // namespace
}  // namespace assist
