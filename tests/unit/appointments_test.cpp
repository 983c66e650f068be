#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "domain/appointments.h"
#include "domain/errors.h"
#include "temp_db.h"
#include "util/time.h"

namespace assist {
namespace {

using S = AppointmentState;
const Principal admin{Role::admin, std::nullopt, "control-socket", false, {}};

TEST(AppointmentState, LegalMoves) {
  EXPECT_TRUE(transition_allowed(S::scheduled, S::waiting));
  EXPECT_TRUE(transition_allowed(S::waiting, S::in_call));
  EXPECT_TRUE(transition_allowed(S::in_call, S::ended));
  EXPECT_TRUE(transition_allowed(S::scheduled, S::cancelled));
  EXPECT_TRUE(transition_allowed(S::waiting, S::no_show));
  EXPECT_TRUE(transition_allowed(S::scheduled, S::expired));
}

TEST(AppointmentState, IllegalMoves) {
  for (auto final_state : {S::ended, S::cancelled, S::no_show, S::expired})
    for (auto to : {S::scheduled, S::waiting, S::in_call, S::ended, S::cancelled, S::no_show, S::expired})
      EXPECT_FALSE(transition_allowed(final_state, to))
          << to_string(final_state) << " -> " << to_string(to);
  EXPECT_FALSE(transition_allowed(S::scheduled, S::ended));
  EXPECT_FALSE(transition_allowed(S::in_call, S::no_show));  // someone was there
  EXPECT_FALSE(transition_allowed(S::in_call, S::scheduled));
  EXPECT_TRUE(transition_allowed(S::in_call, S::cancelled));  // ends the live call for all
}

TEST(AppointmentState, NamesRoundTrip) {
  for (auto s : {S::scheduled, S::waiting, S::in_call, S::ended, S::cancelled, S::no_show, S::expired})
    EXPECT_EQ(parse_appointment_state(to_string(s)), s);
  EXPECT_FALSE(parse_appointment_state("done"));
}

Appointment make(Db& db, std::optional<std::int64_t> starts_at = std::nullopt) {
  NewAppointment n;
  n.customer_name = "Ada";
  n.starts_at = starts_at;
  Transaction tx(db);
  auto a = create_appointment(db, n, admin);
  tx.commit();
  return a;
}

TEST(Appointments, CreateIsAudited) {
  testing::TempDb t;
  auto a = make(*t.db, now_seconds() + 3600);
  EXPECT_EQ(a.kind, "scheduled");
  EXPECT_EQ(a.state, S::scheduled);
  AuditQuery q;
  q.object_id = std::to_string(a.id);
  auto events = audit_list(*t.db, q);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].action, "appointment.create");
  EXPECT_EQ(events[0].actor, "control-socket");
}

TEST(Appointments, OnDemandStartsNow) {
  testing::TempDb t;
  const auto before = now_seconds();
  auto a = make(*t.db);
  EXPECT_EQ(a.kind, "on_demand");
  EXPECT_GE(a.starts_at, before);
}

TEST(Appointments, TransitionWritesStateAndAuditTogether) {
  testing::TempDb t;
  auto a = make(*t.db);
  {
    Transaction tx(*t.db);
    transition_appointment(*t.db, a.id, S::waiting, admin.actor);
    transition_appointment(*t.db, a.id, S::in_call, admin.actor);
    // Not committed: neither the state nor the audit events may survive.
  }
  EXPECT_EQ(find_appointment(*t.db, a.id)->state, S::scheduled);
  EXPECT_EQ(audit_list(*t.db, {}).size(), 1u);

  Transaction tx(*t.db);
  auto after = transition_appointment(*t.db, a.id, S::cancelled, admin.actor, "customer asked");
  tx.commit();
  EXPECT_EQ(after.state, S::cancelled);
  auto events = audit_list(*t.db, {});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].action, "appointment.cancelled");
  EXPECT_NE(events[1].details.find("customer asked"), std::string::npos);
}

TEST(Appointments, IllegalTransitionIsRefusedAndNotAudited) {
  testing::TempDb t;
  auto a = make(*t.db);
  {
    Transaction tx(*t.db);
    transition_appointment(*t.db, a.id, S::cancelled, admin.actor);
    tx.commit();
  }
  Transaction tx(*t.db);
  try {
    transition_appointment(*t.db, a.id, S::cancelled, admin.actor);
    FAIL();
  } catch (const DomainError& e) {
    EXPECT_EQ(e.code(), "illegal_transition");
    EXPECT_EQ(e.kind(), ErrorKind::conflict);
  }
  EXPECT_EQ(audit_list(*t.db, {}).size(), 2u);
}

TEST(Appointments, RescheduleOnlyWhileScheduled) {
  testing::TempDb t;
  auto a = make(*t.db, now_seconds() + 3600);
  Transaction tx(*t.db);
  auto moved = reschedule_appointment(*t.db, a.id, a.starts_at + 600, 2700, admin);
  EXPECT_EQ(moved.starts_at, a.starts_at + 600);
  EXPECT_EQ(moved.duration, 2700);
  transition_appointment(*t.db, a.id, S::waiting, admin.actor);
  EXPECT_THROW(reschedule_appointment(*t.db, a.id, a.starts_at, 1800, admin), DomainError);
}

TEST(Appointments, ListFiltersAndPages) {
  testing::TempDb t;
  const auto base = now_seconds() + 3600;
  for (int i = 0; i < 5; ++i) make(*t.db, base + i * 60);
  AppointmentFilter f;
  f.limit = 2;
  auto page1 = list_appointments(*t.db, f);
  ASSERT_EQ(page1.size(), 2u);
  f.after_id = page1.back().id;
  auto page2 = list_appointments(*t.db, f);
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_GT(page2.front().id, page1.back().id);
  f = {};
  f.from = base + 60;
  f.to = base + 180;
  EXPECT_EQ(list_appointments(*t.db, f).size(), 2u);
  f = {};
  f.state = S::cancelled;
  EXPECT_TRUE(list_appointments(*t.db, f).empty());
}

}  // namespace
}  // namespace assist
