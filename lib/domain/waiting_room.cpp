#include "domain/waiting_room.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "domain/errors.h"
#include "domain/join_tokens.h"

namespace assist {
namespace {

// An appointment whose customer is in line now.
constexpr const char* in_line =
    "a.admitted_at IS NULL AND a.waiting_since IS NOT NULL AND a.state IN ('scheduled', 'waiting') "
    "AND EXISTS (SELECT 1 FROM participants p WHERE p.appointment_id = a.id AND p.role = 'customer' "
    "AND p.left_at IS NULL) ";
// A queue entry whose customer has not opened the link yet still holds a place for this long.
constexpr std::int64_t entry_grace = 10 * 60;
constexpr std::int64_t queue_entry_duration = 2 * 3600;
// The estimate needs this many handled calls, and looks at no more than the last `window`.
constexpr int min_history = 3;
constexpr int history_window = 20;

// SQL for "the same line as `a`", and the value its parameter ?9 takes.
std::pair<std::string, std::int64_t> same_line(const Appointment& a) {
  if (a.queue_id) return {"a.queue_id = ?9", *a.queue_id};
  if (a.specialist_id) return {"a.queue_id IS NULL AND a.specialist_id = ?9", *a.specialist_id};
  return {"a.id = ?9", a.id};
}

std::optional<std::int64_t> estimate(Db& db, const Appointment& a, int position) {
  auto [line, key] = same_line(a);
  auto stmt = db.prepare(
      "SELECT count(*), CAST(coalesce(avg(handled), 0) AS INTEGER) FROM (SELECT a.ended_at - a.admitted_at "
      "AS handled FROM appointments a WHERE " + line + " AND a.state = 'ended' AND a.admitted_at IS NOT NULL "
      "AND a.ended_at IS NOT NULL ORDER BY a.ended_at DESC LIMIT ?1)");
  stmt.bind(1, history_window).bind(9, key);
  stmt.step();
  if (stmt.integer(0) < min_history) return std::nullopt;
  const auto average = stmt.integer(1);
  std::int64_t servers = 1;
  if (a.queue_id) servers = std::max<std::int64_t>(1, static_cast<std::int64_t>(queue_members(db, *a.queue_id).size()));
  // Each server ahead of us finishes a call every `average` seconds.
  return (position + servers - 1) / servers * average;
}

std::vector<std::int64_t> ids_in_line(Db& db, const std::string& extra, std::optional<std::int64_t> key) {
  auto stmt = db.prepare("SELECT a.id FROM appointments a WHERE " + std::string(in_line) + extra +
                         " ORDER BY a.waiting_since, a.id");
  if (key) stmt.bind(1, *key);
  std::vector<std::int64_t> ids;
  while (stmt.step()) ids.push_back(stmt.integer(0));
  return ids;
}

std::vector<WaitingCustomer> places(Db& db, const std::vector<std::int64_t>& ids, const Principal* viewer) {
  std::vector<WaitingCustomer> out;
  for (auto id : ids) {
    auto a = find_appointment(db, id);
    if (!a || (viewer && !viewer->may_see(*a))) continue;
    if (auto place = place_in_line(db, *a)) out.push_back(std::move(*place));
  }
  return out;
}

std::size_t characters(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char ch : text) n += (ch & 0xC0) != 0x80;
  return n;
}

std::string checked_message(const std::string& message) {
  if (characters(message) > max_closing_message_characters)
    throw DomainError(ErrorKind::invalid, "message_too_long",
                      "the message must be at most " + std::to_string(max_closing_message_characters) + " characters");
  return message;
}

void close_waiting(Db& db, std::int64_t id, const std::string& reason, const std::string& message,
                   const std::string& actor) {
  db.prepare("UPDATE appointments SET closing_reason = ?, closing_message = ? WHERE id = ?")
      .bind(1, reason)
      .bind(2, message)
      .bind(3, id)
      .run();
  transition_appointment(db, id, AppointmentState::cancelled, actor, reason);
}

}  // namespace

std::optional<WaitingCustomer> place_in_line(Db& db, const Appointment& a) {
  if (a.admitted_at || !a.waiting_since || is_final(a.state)) return std::nullopt;
  auto [line, key] = same_line(a);
  auto stmt = db.prepare(
      "SELECT EXISTS (SELECT 1 FROM appointments a WHERE a.id = ?1 AND " + std::string(in_line) + "), "
      "(SELECT count(*) FROM appointments a WHERE " + std::string(in_line) + " AND " + line +
      " AND (a.waiting_since < ?2 OR (a.waiting_since = ?2 AND a.id < ?1)))");
  stmt.bind(1, a.id).bind(2, *a.waiting_since).bind(9, key);
  stmt.step();
  if (!stmt.integer(0)) return std::nullopt;
  const int position = static_cast<int>(stmt.integer(1)) + 1;
  return WaitingCustomer{a, position, estimate(db, a, position)};
}

std::vector<WaitingCustomer> waiting_customers(Db& db, const Principal& viewer) {
  return places(db, ids_in_line(db, "", std::nullopt), &viewer);
}

std::vector<WaitingCustomer> waiting_in_queue(Db& db, const Queue& queue) {
  return places(db, ids_in_line(db, "AND a.queue_id = ?", queue.id), nullptr);
}

void admit_in_transaction(Db& db, std::int64_t id, std::optional<std::int64_t> assignee, const std::string& actor,
                          std::int64_t now) {
  db.prepare(
        "UPDATE appointments SET admitted_at = ?1, specialist_id = coalesce(specialist_id, ?2), updated_at = ?1 "
        "WHERE id = ?3 AND admitted_at IS NULL")
      .bind(1, now)
      .bind(2, assignee)
      .bind(3, id)
      .run();
  if (db.changes() == 0) return;
  const auto a = find_appointment(db, id);
  audit_append(db, actor, "appointment.admitted", "appointment", std::to_string(id),
               {{"specialist", a && a->specialist ? nlohmann::json(*a->specialist) : nullptr},
                {"waited", a && a->waiting_since ? nlohmann::json(now - *a->waiting_since) : nullptr}});
}

Appointment admit(Db& db, const Appointment& appointment, const Principal& by, std::int64_t now) {
  Transaction tx(db);
  auto a = find_appointment(db, appointment.id);
  if (!a || !by.may_see(*a))
    throw DomainError(ErrorKind::not_found, "appointment_not_found", "no appointment " + std::to_string(appointment.id));
  if (is_final(a->state))
    throw DomainError(ErrorKind::conflict, "appointment_closed",
                      "appointment " + std::to_string(a->id) + " is " + std::string(to_string(a->state)));
  admit_in_transaction(db, a->id, by.role == Role::specialist ? by.user_id : std::nullopt, by.actor, now);
  a = find_appointment(db, a->id);
  tx.commit();
  return *a;
}

std::optional<Appointment> take_next(Db& db, const Queue& queue, const Principal& by, std::int64_t now) {
  Transaction tx(db);  // BEGIN IMMEDIATE: one taker at a time
  const auto ids = ids_in_line(db, "AND a.queue_id = ? AND a.specialist_id IS NULL", queue.id);
  if (ids.empty()) return std::nullopt;
  admit_in_transaction(db, ids.front(), by.role == Role::specialist ? by.user_id : std::nullopt, by.actor, now);
  auto a = find_appointment(db, ids.front());
  tx.commit();
  return a;
}

Appointment decline(Db& db, const Appointment& appointment, const std::string& message, const Principal& by) {
  Transaction tx(db);
  auto a = find_appointment(db, appointment.id);
  if (!a || !by.may_see(*a))
    throw DomainError(ErrorKind::not_found, "appointment_not_found", "no appointment " + std::to_string(appointment.id));
  if (a->admitted_at)
    throw DomainError(ErrorKind::conflict, "already_admitted",
                      "the customer of appointment " + std::to_string(a->id) + " was already admitted");
  if (is_final(a->state))
    throw DomainError(ErrorKind::conflict, "appointment_closed",
                      "appointment " + std::to_string(a->id) + " is " + std::string(to_string(a->state)));
  close_waiting(db, a->id, "declined", checked_message(message), by.actor);
  a = find_appointment(db, a->id);
  tx.commit();
  return *a;
}

QueueStatus queue_status(Db& db, const Queue& queue, std::int64_t now) {
  QueueStatus s;
  auto stmt = db.prepare(
      "SELECT count(*) FROM appointments a WHERE a.queue_id = ?1 AND a.admitted_at IS NULL "
      "AND a.state IN ('scheduled', 'waiting') AND ((" + std::string(in_line) + ") OR "
      "(a.waiting_since IS NULL AND a.created_at > ?2))");
  stmt.bind(1, queue.id).bind(2, now - entry_grace);
  stmt.step();
  s.waiting = stmt.integer(0);
  const auto zone = TimeZone::find(queue.timezone).value_or(*TimeZone::find("UTC"));
  const auto hours = opening_hours_of(queue);
  if (!queue.accepting) s.state = "closed";
  else if (!is_open_at(hours, now, zone)) s.state = "outside_hours";
  else if (s.waiting >= queue.max_waiting) s.state = "full";
  else s.state = "open";
  if (s.state != "open") s.next_opening = next_opening(hours, now, zone);
  return s;
}

QueueEntry enter_queue(Db& db, const Queue& queue, NewAppointment customer, std::int64_t lead_time,
                       std::int64_t now) {
  Transaction tx(db);
  const auto status = queue_status(db, queue, now);
  if (status.state != "open")
    throw DomainError(ErrorKind::conflict, "queue_" + status.state,
                      "queue '" + queue.slug + "' does not take customers now (" + status.state + ")");
  customer.starts_at.reset();  // on-demand, now
  customer.duration = queue_entry_duration;
  customer.queue_id = queue.id;
  customer.specialist_id.reset();
  const Principal by{Role::specialist, std::nullopt, "public:queue/" + queue.slug, false, {}};
  auto a = create_appointment(db, customer, by);
  auto token = issue_join_token(db, a, JoinRole::customer, lead_time, by);
  tx.commit();
  return {std::move(a), std::move(token.token)};
}

std::vector<std::int64_t> close_queue(Db& db, const Queue& queue, const std::string& message, const Principal& by) {
  Transaction tx(db);
  checked_message(message);
  QueueFields closed;
  closed.accepting = false;
  update_queue(db, queue, closed, by);
  std::vector<std::int64_t> ids;
  {
    auto stmt = db.prepare(
        "SELECT id FROM appointments WHERE queue_id = ? AND admitted_at IS NULL "
        "AND state IN ('scheduled', 'waiting') ORDER BY id");
    stmt.bind(1, queue.id);
    while (stmt.step()) ids.push_back(stmt.integer(0));
  }
  for (auto id : ids) close_waiting(db, id, "queue_closed", message, by.actor);
  tx.commit();
  return ids;
}

}  // namespace assist
