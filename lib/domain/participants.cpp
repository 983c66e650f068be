#include "domain/participants.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "domain/errors.h"
#include "domain/waiting_room.h"

namespace assist {
namespace {

constexpr const char* system_actor = "system";

// The presence rule. Inside the caller's transaction.
void follow_presence(Db& db, std::int64_t appointment_id, const std::string& actor) {
  auto a = find_appointment(db, appointment_id);
  if (!a || is_final(a->state)) return;
  const auto p = presence(db, appointment_id);
  const auto target = p.customers > 0 && p.staff > 0 ? AppointmentState::in_call : AppointmentState::waiting;
  if (a->state == target) return;
  if (a->state == AppointmentState::scheduled && target == AppointmentState::in_call)
    transition_appointment(db, appointment_id, AppointmentState::waiting, actor);
  else if (!transition_allowed(a->state, target))
    return;
  transition_appointment(db, appointment_id, target, actor);
}

}  // namespace

std::string_view to_string(LeaveReason reason) {
  switch (reason) {
    case LeaveReason::disconnected: return "disconnected";
    case LeaveReason::hung_up: return "hung up";
    case LeaveReason::replaced: return "replaced";
    case LeaveReason::call_ended: return "call ended";
    case LeaveReason::error: return "error";
    case LeaveReason::daemon_restart: return "daemon restart";
  }
  return "disconnected";
}

Presence presence(Db& db, std::int64_t appointment_id) {
  auto stmt = db.prepare(
      "SELECT coalesce(sum(role = 'customer'), 0), coalesce(sum(role <> 'customer'), 0) "
      "FROM participants WHERE appointment_id = ? AND left_at IS NULL");
  stmt.bind(1, appointment_id);
  stmt.step();
  return {static_cast<int>(stmt.integer(0)), static_cast<int>(stmt.integer(1))};
}

std::map<std::int64_t, int> connected_participants(Db& db) {
  auto stmt = db.prepare("SELECT appointment_id, count(*) FROM participants WHERE left_at IS NULL GROUP BY appointment_id");
  std::map<std::int64_t, int> out;
  while (stmt.step()) out[stmt.integer(0)] = static_cast<int>(stmt.integer(1));
  return out;
}

Joined join_call(Db& db, const Admission& admission, const std::string& label, const std::string& peer,
                 std::int64_t now) {
  const auto id = admission.appointment.id;
  Transaction tx(db);
  db.prepare("INSERT INTO participants (appointment_id, role, user_id, joined_at) VALUES (?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, to_string(admission.role))
      .bind(3, admission.user_id)
      .bind(4, now)
      .run();
  const auto row = db.last_insert_id();
  audit_append(db, admission.actor, "participant.joined", "appointment", std::to_string(id),
               {{"participant", label}, {"participant_id", row}, {"role", to_string(admission.role)},
                {"peer", peer}});
  if (is_staff(admission.role))
    admit_in_transaction(db, id, admission.role == CallRole::specialist ? admission.user_id : std::nullopt,
                         admission.actor, now);
  else
    db.prepare("UPDATE appointments SET waiting_since = ? WHERE id = ? AND waiting_since IS NULL AND admitted_at IS NULL")
        .bind(1, now)
        .bind(2, id)
        .run();
  follow_presence(db, id, admission.actor);
  auto after = find_appointment(db, id);
  tx.commit();
  return {row, *after};
}

std::optional<Appointment> leave_call(Db& db, std::int64_t participant_id, LeaveReason reason,
                                      const std::string& actor, std::int64_t now) {
  Transaction tx(db);
  std::int64_t appointment_id = 0;
  {
    auto stmt = db.prepare("SELECT appointment_id FROM participants WHERE id = ? AND left_at IS NULL");
    stmt.bind(1, participant_id);
    if (!stmt.step()) return std::nullopt;
    appointment_id = stmt.integer(0);
  }
  db.prepare("UPDATE participants SET left_at = ?, left_reason = ? WHERE id = ?")
      .bind(1, now)
      .bind(2, to_string(reason))
      .bind(3, participant_id)
      .run();
  audit_append(db, actor, "participant.left", "appointment", std::to_string(appointment_id),
               {{"participant_id", participant_id}, {"reason", to_string(reason)}});
  follow_presence(db, appointment_id, actor);
  auto after = find_appointment(db, appointment_id);
  tx.commit();
  return after;
}

Appointment end_for_all(Db& db, std::int64_t appointment_id, const std::string& actor) {
  Transaction tx(db);
  auto a = find_appointment(db, appointment_id);
  if (a && transition_allowed(a->state, AppointmentState::ended))
    a = transition_appointment(db, appointment_id, AppointmentState::ended, actor, "ended for all");
  tx.commit();
  if (!a) throw DomainError(ErrorKind::not_found, "appointment_not_found", "no such appointment");
  return *a;
}

Recovery recover_interrupted_calls(Db& db, std::int64_t now) {
  Recovery r;
  Transaction tx(db);
  std::vector<std::pair<std::int64_t, std::int64_t>> open;  // participant, appointment
  {
    auto stmt = db.prepare("SELECT id, appointment_id FROM participants WHERE left_at IS NULL ORDER BY id");
    while (stmt.step()) open.emplace_back(stmt.integer(0), stmt.integer(1));
  }
  for (const auto& [participant, appointment] : open) {
    db.prepare("UPDATE participants SET left_at = ?, left_reason = ? WHERE id = ?")
        .bind(1, now)
        .bind(2, to_string(LeaveReason::daemon_restart))
        .bind(3, participant)
        .run();
    audit_append(db, system_actor, "participant.left", "appointment", std::to_string(appointment),
                 {{"participant_id", participant}, {"reason", to_string(LeaveReason::daemon_restart)}});
    ++r.participants;
  }
  std::vector<std::int64_t> in_call;
  {
    auto stmt = db.prepare("SELECT id FROM appointments WHERE state = 'in_call' ORDER BY id");
    while (stmt.step()) in_call.push_back(stmt.integer(0));
  }
  for (auto id : in_call) {
    transition_appointment(db, id, AppointmentState::waiting, system_actor,
                           std::string(to_string(LeaveReason::daemon_restart)));
    ++r.appointments;
  }
  tx.commit();
  return r;
}

}  // namespace assist
