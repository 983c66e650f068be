// Who may enter a call (lib/domain/admission), who is in it and how presence moves the
// appointment (lib/domain/participants), and how the sweeper closes what is over
// (lib/domain/appointment_sweep).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "audit/audit_log.h"
#include "domain/admission.h"
#include "domain/appointment_sweep.h"
#include "domain/credentials.h"
#include "domain/errors.h"
#include "domain/participants.h"
#include "domain/users.h"
#include "temp_db.h"
#include "test_people.h"
#include "util/time.h"

namespace assist {
namespace {

using S = AppointmentState;
const Principal admin{Role::admin, std::nullopt, "control-socket", false, {}};
constexpr std::int64_t lead = 15 * 60;

struct ParticipantRow {
  std::string role;
  std::optional<std::int64_t> user_id;
  std::optional<std::int64_t> left_at;
  std::optional<std::string> left_reason;
};

class World {
 public:
  testing::TempDb t;
  Db& db = *t.db;
  testing::People people = testing::create_people(db);
  const User &alice = people.alice, &bob = people.bob, &sue = people.sue, &root = people.root;


  // An appointment of alice's starting `starts_in` seconds from now.
  Appointment appointment(std::int64_t starts_in = -60, std::int64_t duration = 1800) {
    NewAppointment n;
    n.customer_name = "Ada";
    n.starts_at = now_seconds() + starts_in;
    n.duration = duration;
    n.specialist_id = alice.id;
    Transaction tx(db);
    auto a = create_appointment(db, n, admin);
    tx.commit();
    return a;
  }

  IssuedToken token(const Appointment& a, JoinRole role = JoinRole::customer) {
    Transaction tx(db);
    auto issued = issue_join_token(db, a, role, lead, admin);
    tx.commit();
    return issued;
  }

  Admission customer(const Appointment& a) {
    auto r = admit_with_token(db, token(a).token, now_seconds(), lead, "192.0.2.1");
    EXPECT_TRUE(r.admission) << describe(r.refusal).code;
    return *r.admission;
  }

  // A customer's admission without the link's time check (for windows that already passed).
  Admission customer_unchecked(const Appointment& a) {
    auto t = token(a);
    return {CallRole::customer, *find_appointment(db, a.id), "customer:link/" + std::to_string(t.id), a.customer_name,
            std::nullopt, t.id};
  }

  Admission staff(const Appointment& a, const User& user) {
    auto r = admit_with_session(db, user, a.id);
    EXPECT_TRUE(r.admission) << describe(r.refusal).code;
    return *r.admission;
  }

  void move(std::int64_t id, std::initializer_list<S> states) {
    Transaction tx(db);
    for (auto s : states) transition_appointment(db, id, s, admin.actor);
    tx.commit();
  }

  S state(std::int64_t id) { return find_appointment(db, id)->state; }

  ParticipantRow row(std::int64_t id) {
    auto stmt = db.prepare("SELECT role, user_id, left_at, left_reason FROM participants WHERE id = ?");
    stmt.bind(1, id);
    EXPECT_TRUE(stmt.step()) << "participant " << id;
    return {stmt.text(0), stmt.optional_integer(1), stmt.optional_integer(2), stmt.optional_text(3)};
  }

  std::vector<AuditEvent> audit(std::int64_t appointment_id, const std::string& action) {
    AuditQuery q;
    q.object_type = "appointment";
    q.object_id = std::to_string(appointment_id);
    q.action = action;
    q.limit = 1000;
    return audit_list(db, q);
  }

  std::size_t audit_count() {
    AuditQuery q;
    q.limit = 100000;
    return audit_list(db, q).size();
  }
};

// ---- admission ----

TEST(AdmissionRefusals, CodesAreUniqueAndEveryRefusalIsDescribed) {
  std::set<std::string_view> codes;
  for (const auto& r : refusal_table()) {
    EXPECT_TRUE(codes.insert(r.code).second) << r.code;
    EXPECT_GE(r.http_status, 400) << r.code;
    EXPECT_LT(r.http_status, 500) << r.code;
    EXPECT_FALSE(r.message.empty()) << r.code;
  }
  for (auto r : {Refusal::invalid_token, Refusal::too_early, Refusal::link_expired, Refusal::appointment_closed,
                 Refusal::authentication_required, Refusal::appointment_not_found}) {
    EXPECT_EQ(describe(r).refusal, r) << describe(r).code;
  }
  EXPECT_EQ(refusal_table().size(), 6u);
  EXPECT_EQ(describe(Refusal::too_early).code, "too_early");
  EXPECT_EQ(describe(Refusal::link_expired).code, "link_expired");
  EXPECT_EQ(describe(Refusal::link_expired).http_status, 410);
  EXPECT_EQ(describe(Refusal::authentication_required).http_status, 401);
}

TEST(AdmissionRefusals, EveryJoinCheckHasItsRefusal) {
  EXPECT_EQ(refusal_for(JoinCheck::ok), std::nullopt);
  EXPECT_EQ(refusal_for(JoinCheck::unknown), Refusal::invalid_token);
  EXPECT_EQ(refusal_for(JoinCheck::too_early), Refusal::too_early);
  EXPECT_EQ(refusal_for(JoinCheck::expired), Refusal::link_expired);
  EXPECT_EQ(refusal_for(JoinCheck::closed), Refusal::appointment_closed);
  std::set<Refusal> distinct;
  for (auto c : {JoinCheck::unknown, JoinCheck::too_early, JoinCheck::expired, JoinCheck::closed})
    distinct.insert(*refusal_for(c));
  EXPECT_EQ(distinct.size(), 4u);
}

TEST(Admission, JoinLinksNameTheirRoleAndLink) {
  World w;
  auto a = w.appointment();
  auto c = w.token(a, JoinRole::customer);
  auto s = w.token(a, JoinRole::specialist);
  auto rc = admit_with_token(w.db, c.token, now_seconds(), lead, "192.0.2.1");
  ASSERT_TRUE(rc.admission);
  EXPECT_EQ(rc.admission->role, CallRole::customer);
  EXPECT_EQ(rc.admission->actor, "customer:link/" + std::to_string(c.id));
  EXPECT_EQ(rc.admission->token_id, c.id);
  EXPECT_EQ(rc.admission->user_id, std::nullopt);
  EXPECT_EQ(rc.admission->appointment.id, a.id);
  auto rs = admit_with_token(w.db, s.token, now_seconds(), lead, "192.0.2.1");
  ASSERT_TRUE(rs.admission);
  EXPECT_EQ(rs.admission->role, CallRole::specialist);
  EXPECT_EQ(rs.admission->actor, "specialist:link/" + std::to_string(s.id));
  EXPECT_TRUE(is_staff(rs.admission->role));
  EXPECT_FALSE(is_staff(rc.admission->role));
}

TEST(Admission, RefusedLinksAreAuditedWithTheirReason) {
  World w;
  auto a = w.appointment(3 * 3600);
  auto c = w.token(a);
  EXPECT_EQ(admit_with_token(w.db, "", now_seconds(), lead, "p").refusal, Refusal::invalid_token);
  EXPECT_EQ(admit_with_token(w.db, std::string(300, 'x'), now_seconds(), lead, "p").refusal, Refusal::invalid_token);
  EXPECT_EQ(admit_with_token(w.db, "no-such-token", now_seconds(), lead, "p").refusal, Refusal::invalid_token);
  EXPECT_TRUE(w.audit(a.id, "join.refused").empty());  // unknown links name no appointment
  auto r = admit_with_token(w.db, c.token, now_seconds(), lead, "198.51.100.7");
  EXPECT_FALSE(r.admission);
  EXPECT_EQ(r.refusal, Refusal::too_early);
  auto refused = w.audit(a.id, "join.refused");
  ASSERT_EQ(refused.size(), 1u);
  auto details = nlohmann::json::parse(refused[0].details);
  EXPECT_EQ(details["reason"], "too_early");
  EXPECT_EQ(details["peer"], "198.51.100.7");
  EXPECT_EQ(details["token_id"], c.id);
  // The same link with a lead time long enough is in.
  EXPECT_TRUE(admit_with_token(w.db, c.token, now_seconds(), 4 * 3600, "p").admission);
}

TEST(Admission, ConsoleUsersSeeOnlyWhatTheyMay) {
  World w;
  auto a = w.appointment();
  EXPECT_EQ(admit_with_session(w.db, std::nullopt, a.id).refusal, Refusal::authentication_required);
  auto mine = admit_with_session(w.db, w.alice, a.id);
  ASSERT_TRUE(mine.admission);
  EXPECT_EQ(mine.admission->role, CallRole::specialist);
  EXPECT_EQ(mine.admission->actor, "user:alice");
  EXPECT_EQ(mine.admission->user_id, w.alice.id);
  EXPECT_EQ(mine.admission->token_id, std::nullopt);
  // Another specialist's appointment is refused exactly like one that does not exist.
  auto other = admit_with_session(w.db, w.bob, a.id);
  auto missing = admit_with_session(w.db, w.bob, a.id + 1000);
  EXPECT_FALSE(other.admission);
  EXPECT_EQ(other.refusal, Refusal::appointment_not_found);
  EXPECT_EQ(missing.refusal, Refusal::appointment_not_found);
  for (const auto& u : {w.sue, w.root}) {
    auto r = admit_with_session(w.db, u, a.id);
    ASSERT_TRUE(r.admission) << u.username;
    EXPECT_EQ(r.admission->role, CallRole::supervisor) << u.username;
    EXPECT_EQ(r.admission->actor, "user:" + u.username);
  }
  w.move(a.id, {S::cancelled});
  EXPECT_EQ(admit_with_session(w.db, w.alice, a.id).refusal, Refusal::appointment_closed);
}

// ---- participants ----

TEST(Participants, PresenceMovesTheAppointment) {
  World w;
  auto a = w.appointment();
  const auto customer = w.customer(a);
  const auto now = now_seconds();

  auto c = join_call(w.db, customer, "p1", "192.0.2.1", now);
  EXPECT_EQ(c.appointment.state, S::waiting);
  EXPECT_EQ(w.state(a.id), S::waiting);
  EXPECT_EQ(presence(w.db, a.id).customers, 1);
  EXPECT_EQ(presence(w.db, a.id).staff, 0);
  EXPECT_FALSE(c.appointment.call_started_at);
  auto joined = w.audit(a.id, "participant.joined");
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0].actor, customer.actor);
  EXPECT_EQ(joined[0].actor, "customer:link/" + std::to_string(*customer.token_id));
  EXPECT_EQ(nlohmann::json::parse(joined[0].details)["participant"], "p1");
  ASSERT_EQ(w.audit(a.id, "appointment.waiting").size(), 1u);
  EXPECT_EQ(w.audit(a.id, "appointment.waiting")[0].actor, customer.actor);

  auto s = join_call(w.db, w.staff(a, w.alice), "p2", "192.0.2.2", now);
  EXPECT_EQ(s.appointment.state, S::in_call);
  EXPECT_TRUE(s.appointment.call_started_at);
  EXPECT_EQ(presence(w.db, a.id).staff, 1);
  ASSERT_EQ(w.audit(a.id, "appointment.in_call").size(), 1u);
  EXPECT_EQ(w.audit(a.id, "appointment.in_call")[0].actor, "user:alice");
  EXPECT_EQ(w.row(s.participant_id).role, "specialist");
  EXPECT_EQ(w.row(s.participant_id).user_id, w.alice.id);
  EXPECT_EQ(w.row(c.participant_id).user_id, std::nullopt);

  auto after = leave_call(w.db, c.participant_id, LeaveReason::disconnected, customer.actor, now + 5);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->state, S::waiting);
  EXPECT_EQ(w.state(a.id), S::waiting);
  auto row = w.row(c.participant_id);
  EXPECT_EQ(row.left_at, now + 5);
  EXPECT_EQ(row.left_reason, "disconnected");
  auto left = w.audit(a.id, "participant.left");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].actor, customer.actor);
  EXPECT_EQ(nlohmann::json::parse(left[0].details)["reason"], "disconnected");
  EXPECT_EQ(w.audit(a.id, "appointment.waiting").back().actor, customer.actor);

  // Back again: a new row, and the call's start stays the first one.
  const auto started = *s.appointment.call_started_at;
  auto again = join_call(w.db, customer, "p3", "192.0.2.1", now + 10);
  EXPECT_NE(again.participant_id, c.participant_id);
  EXPECT_EQ(again.appointment.state, S::in_call);
  EXPECT_EQ(again.appointment.call_started_at, started);
  EXPECT_TRUE(audit_verify(w.db).ok);
}

TEST(Participants, StaffAloneIsWaitingAndSupervisorsCountAsStaff) {
  World w;
  auto a = w.appointment();
  auto sup = join_call(w.db, w.staff(a, w.sue), "p1", "x", now_seconds());
  EXPECT_EQ(sup.appointment.state, S::waiting);
  EXPECT_EQ(w.row(sup.participant_id).role, "supervisor");
  EXPECT_EQ(join_call(w.db, w.customer(a), "p2", "y", now_seconds()).appointment.state, S::in_call);
  auto after = leave_call(w.db, sup.participant_id, LeaveReason::disconnected, "user:sue", now_seconds());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->state, S::waiting);
}

TEST(Participants, LeavingTwiceIsHarmless) {
  World w;
  auto a = w.appointment();
  const auto customer = w.customer(a);
  auto c = join_call(w.db, customer, "p1", "x", now_seconds());
  join_call(w.db, w.staff(a, w.alice), "p2", "y", now_seconds());
  ASSERT_TRUE(leave_call(w.db, c.participant_id, LeaveReason::replaced, customer.actor, 1000));
  const auto events = w.audit_count();
  EXPECT_EQ(leave_call(w.db, c.participant_id, LeaveReason::error, customer.actor, 2000), std::nullopt);
  EXPECT_EQ(leave_call(w.db, 99999, LeaveReason::error, customer.actor, 2000), std::nullopt);
  EXPECT_EQ(w.audit_count(), events);
  EXPECT_EQ(w.row(c.participant_id).left_at, 1000);
  EXPECT_EQ(w.row(c.participant_id).left_reason, "replaced");
  EXPECT_EQ(w.state(a.id), S::waiting);
  EXPECT_EQ(presence(w.db, a.id).customers, 0);
  EXPECT_EQ(presence(w.db, a.id).staff, 1);
}

TEST(Participants, LeaveReasonsHaveStableNames) {
  EXPECT_EQ(to_string(LeaveReason::disconnected), "disconnected");
  EXPECT_EQ(to_string(LeaveReason::replaced), "replaced");
  EXPECT_EQ(to_string(LeaveReason::call_ended), "call ended");
  EXPECT_EQ(to_string(LeaveReason::error), "error");
  EXPECT_EQ(to_string(LeaveReason::daemon_restart), "daemon restart");
}

TEST(Participants, PresenceDoesNotReopenAClosedAppointment) {
  World w;
  auto a = w.appointment();
  const auto customer = w.customer(a);
  auto c = join_call(w.db, customer, "p1", "x", now_seconds());
  auto s = join_call(w.db, w.staff(a, w.alice), "p2", "y", now_seconds());
  auto ended = end_for_all(w.db, a.id, "user:alice");
  EXPECT_EQ(ended.state, S::ended);
  auto events = w.audit(a.id, "appointment.ended");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "user:alice");
  EXPECT_EQ(nlohmann::json::parse(events[0].details)["reason"], "ended for all");
  ASSERT_TRUE(leave_call(w.db, c.participant_id, LeaveReason::call_ended, customer.actor, now_seconds()));
  EXPECT_EQ(w.state(a.id), S::ended);
  ASSERT_TRUE(leave_call(w.db, s.participant_id, LeaveReason::call_ended, "user:alice", now_seconds()));
  EXPECT_EQ(w.state(a.id), S::ended);
  EXPECT_EQ(w.row(c.participant_id).left_reason, "call ended");
}

TEST(Participants, EndForAll) {
  World w;
  // While the other side is away (waiting) it ends too.
  auto waiting = w.appointment();
  join_call(w.db, w.staff(waiting, w.alice), "p1", "x", now_seconds());
  EXPECT_EQ(end_for_all(w.db, waiting.id, "user:alice").state, S::ended);
  // A closed appointment stays as it is.
  auto cancelled = w.appointment();
  w.move(cancelled.id, {S::cancelled});
  EXPECT_EQ(end_for_all(w.db, cancelled.id, "user:alice").state, S::cancelled);
  EXPECT_TRUE(w.audit(cancelled.id, "appointment.ended").empty());
  try {
    end_for_all(w.db, 12345, "user:alice");
    FAIL() << "no error for a missing appointment";
  } catch (const DomainError& e) {
    EXPECT_EQ(e.code(), "appointment_not_found");
    EXPECT_EQ(e.kind(), ErrorKind::not_found);
  }
  EXPECT_TRUE(audit_verify(w.db).ok);
}

TEST(Participants, RecoverInterruptedCalls) {
  World w;
  auto live = w.appointment();
  auto half = w.appointment();
  const auto customer = w.customer(live);
  auto c = join_call(w.db, customer, "p1", "x", 100);
  auto s = join_call(w.db, w.staff(live, w.alice), "p2", "y", 100);
  auto gone = join_call(w.db, w.staff(half, w.sue), "p3", "z", 100);
  ASSERT_TRUE(leave_call(w.db, gone.participant_id, LeaveReason::disconnected, "user:sue", 150));
  auto alone = join_call(w.db, w.staff(half, w.alice), "p4", "z", 160);
  ASSERT_EQ(w.state(live.id), S::in_call);
  ASSERT_EQ(w.state(half.id), S::waiting);

  const auto r = recover_interrupted_calls(w.db, 500);
  EXPECT_EQ(r.participants, 3);
  EXPECT_EQ(r.appointments, 1);
  EXPECT_EQ(w.state(live.id), S::waiting);
  EXPECT_EQ(w.state(half.id), S::waiting);
  for (auto id : {c.participant_id, s.participant_id, alone.participant_id}) {
    EXPECT_EQ(w.row(id).left_at, 500) << id;
    EXPECT_EQ(w.row(id).left_reason, "daemon restart") << id;
  }
  EXPECT_EQ(w.row(gone.participant_id).left_at, 150);  // left before: untouched
  EXPECT_EQ(w.row(gone.participant_id).left_reason, "disconnected");
  EXPECT_EQ(presence(w.db, live.id).customers + presence(w.db, live.id).staff, 0);
  auto back = w.audit(live.id, "appointment.waiting");
  ASSERT_FALSE(back.empty());
  EXPECT_EQ(back.back().actor, "system");
  EXPECT_EQ(nlohmann::json::parse(back.back().details)["reason"], "daemon restart");
  auto left = w.audit(live.id, "participant.left");
  ASSERT_EQ(left.size(), 2u);
  for (const auto& e : left) EXPECT_EQ(e.actor, "system");

  // Nothing left to recover.
  const auto again = recover_interrupted_calls(w.db, 600);
  EXPECT_EQ(again.participants, 0);
  EXPECT_EQ(again.appointments, 0);
  EXPECT_TRUE(audit_verify(w.db).ok);
}

// ---- the sweeper ----

TEST(Sweep, ClosesWhatIsOverByTheRules) {
  World w;
  const auto now = now_seconds();
  // Windows that ended half an hour ago.
  auto scheduled = w.appointment(-3600);
  auto talked = w.appointment(-3600);
  w.move(talked.id, {S::waiting, S::in_call, S::waiting});
  auto lonely = w.appointment(-3600);
  w.move(lonely.id, {S::waiting});
  auto dropped = w.appointment(-3600);
  w.move(dropped.id, {S::waiting, S::in_call});  // in_call, nobody connected any more
  auto overrun = w.appointment(-3600);
  join_call(w.db, w.customer_unchecked(overrun), "p1", "x", now);
  join_call(w.db, w.staff(overrun, w.alice), "p2", "y", now);
  auto staff_waiting = w.appointment(-3600);
  join_call(w.db, w.staff(staff_waiting, w.alice), "p3", "y", now);
  // Windows still open.
  auto current = w.appointment(-60);
  auto current_waiting = w.appointment(-60);
  w.move(current_waiting.id, {S::waiting});
  auto future = w.appointment(3600);
  auto cancelled = w.appointment(-3600);
  w.move(cancelled.id, {S::cancelled});
  ASSERT_EQ(w.state(overrun.id), S::in_call);

  auto swept = sweep_appointments(w.db, now);
  std::map<std::int64_t, SweptAppointment> by_id;
  for (const auto& s : swept) by_id[s.id] = s;
  EXPECT_EQ(swept.size(), 4u);
  auto expect = [&](const Appointment& a, S from, S to) {
    ASSERT_TRUE(by_id.count(a.id)) << "appointment " << a.id << " was not swept";
    EXPECT_EQ(by_id[a.id].from, from) << a.id;
    EXPECT_EQ(by_id[a.id].to, to) << a.id;
    EXPECT_EQ(w.state(a.id), to) << a.id;
    auto events = w.audit(a.id, "appointment." + std::string(to_string(to)));
    ASSERT_EQ(events.size(), 1u) << a.id;
    EXPECT_EQ(events[0].actor, "system");
    EXPECT_EQ(nlohmann::json::parse(events[0].details)["reason"], "window passed");
  };
  expect(scheduled, S::scheduled, S::no_show);
  expect(talked, S::waiting, S::ended);
  expect(lonely, S::waiting, S::expired);
  expect(dropped, S::in_call, S::ended);
  // Still connected past the window: calls may overrun.
  EXPECT_EQ(w.state(overrun.id), S::in_call);
  EXPECT_EQ(w.state(staff_waiting.id), S::waiting);
  EXPECT_EQ(w.state(current.id), S::scheduled);
  EXPECT_EQ(w.state(current_waiting.id), S::waiting);
  EXPECT_EQ(w.state(future.id), S::scheduled);
  EXPECT_EQ(w.state(cancelled.id), S::cancelled);
  // Nothing more to do on a second pass.
  EXPECT_TRUE(sweep_appointments(w.db, now).empty());
  EXPECT_TRUE(audit_verify(w.db).ok);
}

TEST(Sweep, TheWindowEndIsExclusive) {
  World w;
  auto a = w.appointment(-600, 600);  // ends now (give or take a second)
  const auto end = find_appointment(w.db, a.id)->ends_at();
  EXPECT_TRUE(sweep_appointments(w.db, end - 1).empty());
  EXPECT_EQ(w.state(a.id), S::scheduled);
  auto swept = sweep_appointments(w.db, end);
  ASSERT_EQ(swept.size(), 1u);
  EXPECT_EQ(swept[0].to, S::no_show);
}

}  // namespace
}  // namespace assist
