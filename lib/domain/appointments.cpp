#include "domain/appointments.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "domain/errors.h"
#include "util/time.h"

namespace assist {
namespace {

constexpr const char* select_columns =
    "SELECT a.id, a.kind, a.state, a.customer_name, a.customer_phone, a.customer_email, "
    "a.locale, a.starts_at, a.duration, a.specialist_id, u.username, a.queue_id, q.name, "
    "a.created_at, a.updated_at, a.timezone, a.call_started_at, a.reason, a.waiting_since, a.admitted_at, "
    "a.ended_at, a.closing_reason, a.closing_message FROM appointments a "
    "LEFT JOIN users u ON u.id = a.specialist_id LEFT JOIN queues q ON q.id = a.queue_id ";

Appointment read_appointment(const Stmt& s) {
  Appointment a;
  a.id = s.integer(0);
  a.kind = s.text(1);
  a.state = parse_appointment_state(s.text(2)).value_or(AppointmentState::scheduled);
  a.customer_name = s.text(3);
  a.customer_phone = s.optional_text(4);
  a.customer_email = s.optional_text(5);
  a.locale = s.text(6);
  a.starts_at = s.integer(7);
  a.duration = s.integer(8);
  a.specialist_id = s.optional_integer(9);
  a.specialist = s.optional_text(10);
  a.queue_id = s.optional_integer(11);
  a.queue = s.optional_text(12);
  a.created_at = s.integer(13);
  a.updated_at = s.integer(14);
  a.timezone = s.optional_text(15);
  a.call_started_at = s.optional_integer(16);
  a.reason = s.optional_text(17);
  a.waiting_since = s.optional_integer(18);
  a.admitted_at = s.optional_integer(19);
  a.ended_at = s.optional_integer(20);
  a.closing_reason = s.optional_text(21);
  a.closing_message = s.optional_text(22);
  return a;
}

Appointment require(Db& db, std::int64_t id) {
  auto a = find_appointment(db, id);
  if (!a)
    throw DomainError(ErrorKind::not_found, "appointment_not_found",
                      "no appointment " + std::to_string(id));
  return *a;
}

}  // namespace

Appointment create_appointment(Db& db, const NewAppointment& in, const Principal& by) {
  const auto now = now_seconds();
  const bool on_demand = !in.starts_at;
  db.prepare(
        "INSERT INTO appointments (kind, state, customer_name, customer_phone, customer_email, "
        "locale, starts_at, duration, specialist_id, queue_id, created_at, updated_at, timezone, reason) "
        "VALUES (?, 'scheduled', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, on_demand ? "on_demand" : "scheduled")
      .bind(2, in.customer_name)
      .bind(3, in.customer_phone)
      .bind(4, in.customer_email)
      .bind(5, in.locale)
      .bind(6, in.starts_at.value_or(now))
      .bind(7, in.duration)
      .bind(8, in.specialist_id)
      .bind(9, in.queue_id)
      .bind(10, now)
      .bind(11, now)
      .bind(12, in.timezone)
      .bind(13, in.reason)
      .run();
  auto a = require(db, db.last_insert_id());
  audit_append(db, by.actor, "appointment.create", "appointment", std::to_string(a.id),
               {{"kind", a.kind},
                {"starts_at", format_iso8601(a.starts_at)},
                {"duration", a.duration},
                {"specialist", a.specialist ? nlohmann::json(*a.specialist) : nullptr},
                {"queue", a.queue ? nlohmann::json(*a.queue) : nullptr}});
  return a;
}

Appointment transition_appointment(Db& db, std::int64_t id, AppointmentState to,
                                   const std::string& actor, const std::string& reason) {
  auto a = require(db, id);
  if (!transition_allowed(a.state, to))
    throw DomainError(ErrorKind::conflict, "illegal_transition",
                      "appointment " + std::to_string(id) + " is " +
                          std::string(to_string(a.state)) + " and cannot become " +
                          std::string(to_string(to)));
  const auto now = now_seconds();
  db.prepare(
        "UPDATE appointments SET state = ?1, updated_at = ?2, "
        "call_started_at = CASE WHEN ?1 = 'in_call' THEN coalesce(call_started_at, ?2) "
        "ELSE call_started_at END, ended_at = CASE WHEN ?4 THEN ?2 ELSE ended_at END WHERE id = ?3")
      .bind(1, to_string(to))
      .bind(2, now)
      .bind(3, id)
      .bind(4, is_final(to) ? 1 : 0)
      .run();
  nlohmann::json details = {{"from", to_string(a.state)}, {"to", to_string(to)}};
  if (!reason.empty()) details["reason"] = reason;
  audit_append(db, actor, "appointment." + std::string(to_string(to)), "appointment",
               std::to_string(id), details);
  return require(db, id);
}

Appointment reschedule_appointment(Db& db, std::int64_t id, std::int64_t starts_at,
                                   std::int64_t duration, const Principal& by) {
  auto a = require(db, id);
  if (a.state != AppointmentState::scheduled)
    throw DomainError(ErrorKind::conflict, "illegal_transition",
                      "appointment " + std::to_string(id) + " is " +
                          std::string(to_string(a.state)) +
                          "; only a scheduled appointment can be rescheduled");
  db.prepare("UPDATE appointments SET starts_at = ?, duration = ?, updated_at = ? WHERE id = ?")
      .bind(1, starts_at)
      .bind(2, duration)
      .bind(3, now_seconds())
      .bind(4, id)
      .run();
  audit_append(db, by.actor, "appointment.reschedule", "appointment", std::to_string(id),
               {{"from", format_iso8601(a.starts_at)},
                {"to", format_iso8601(starts_at)},
                {"duration", duration}});
  return require(db, id);
}

std::optional<Appointment> find_appointment(Db& db, std::int64_t id) {
  auto stmt = db.prepare(std::string(select_columns) + "WHERE a.id = ?");
  stmt.bind(1, id);
  if (!stmt.step()) return std::nullopt;
  return read_appointment(stmt);
}

std::vector<Appointment> list_appointments(Db& db, const AppointmentFilter& f) {
  auto stmt = db.prepare(std::string(select_columns) +
                         "WHERE a.id > ?1 AND (?2 IS NULL OR a.state = ?2) "
                         "AND (?3 IS NULL OR a.specialist_id = ?3 OR (?7 IS NOT NULL AND a.specialist_id IS NULL AND a.queue_id IN "
                         "(SELECT queue_id FROM queue_members WHERE user_id = ?7))) "
                         "AND (?4 IS NULL OR a.starts_at >= ?4) "
                         "AND (?5 IS NULL OR a.starts_at < ?5) ORDER BY a.id LIMIT ?6");
  stmt.bind(1, f.after_id);
  if (f.state)
    stmt.bind(2, to_string(*f.state));
  else
    stmt.bind(2, nullptr);
  stmt.bind(3, f.specialist_id).bind(4, f.from).bind(5, f.to).bind(6, f.limit).bind(7, f.or_queues_of);
  std::vector<Appointment> out;
  while (stmt.step()) out.push_back(read_appointment(stmt));
  return out;
}

std::vector<std::pair<std::string, std::int64_t>> count_appointments_by_state(Db& db) {
  auto stmt = db.prepare("SELECT state, count(*) FROM appointments GROUP BY state ORDER BY state");
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (stmt.step()) out.emplace_back(stmt.text(0), stmt.integer(1));
  return out;
}

std::map<std::int64_t, int> count_per_appointment(Db& db, std::string_view table,
                                                  const std::vector<std::int64_t>& appointment_ids) {
  auto stmt = db.prepare("SELECT appointment_id, count(*) FROM " + std::string(table) +
                         " WHERE appointment_id IN (SELECT value FROM json_each(?)) GROUP BY appointment_id");
  stmt.bind(1, nlohmann::json(appointment_ids).dump());
  std::map<std::int64_t, int> out;
  while (stmt.step()) out[stmt.integer(0)] = static_cast<int>(stmt.integer(1));
  return out;
}

}  // namespace assist
