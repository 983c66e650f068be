#include "domain/queues.h"

#include <nlohmann/json.hpp>

#include <cctype>

#include "audit/audit_log.h"
#include "domain/errors.h"
#include "util/time.h"
#include "util/timezone.h"

namespace assist {
namespace {

constexpr const char* select_columns =
    "SELECT id, slug, name, description, hours, timezone, max_waiting, accepting, created_at, recording_mode "
    "FROM queues ";
constexpr std::int64_t longest_line = 10000;

Queue read_queue(const Stmt& s) {
  Queue q;
  q.id = s.integer(0);
  q.slug = s.text(1);
  q.name = s.text(2);
  q.description = s.text(3);
  q.hours = s.text(4);
  q.timezone = s.text(5);
  q.max_waiting = s.integer(6);
  q.accepting = s.integer(7) != 0;
  q.created_at = s.integer(8);
  q.recording_mode = s.text(9);
  return q;
}

DomainError invalid(const std::string& code, const std::string& detail) {
  return DomainError(ErrorKind::invalid, code, detail);
}

void apply(Queue& q, const QueueFields& f) {
  if (f.name) q.name = *f.name;
  if (f.description) q.description = *f.description;
  if (f.hours) q.hours = *f.hours;
  if (f.timezone) q.timezone = *f.timezone;
  if (f.max_waiting) q.max_waiting = *f.max_waiting;
  if (f.accepting) q.accepting = *f.accepting;
  if (f.recording_mode) q.recording_mode = *f.recording_mode;
  if (q.name.empty()) throw invalid("invalid_value", "a queue needs a name");
  if (auto parsed = parse_opening_hours(q.hours); !parsed.hours)
    throw invalid("invalid_hours", "'hours': " + parsed.error);
  if (!TimeZone::find(q.timezone))
    throw invalid("invalid_timezone", "'timezone' must be an IANA time zone such as Europe/Paris");
  if (q.max_waiting < 1 || q.max_waiting > longest_line)
    throw invalid("invalid_value", "'max_waiting' must be between 1 and " + std::to_string(longest_line));
  const auto& m = q.recording_mode;
  if (m != "default" && m != "off" && m != "on_demand" && m != "always")
    throw invalid("invalid_value", "'recording_mode' must be default, off, on_demand or always");
}

nlohmann::json audit_details(const Queue& q) {
  return {{"name", q.name},         {"hours", q.hours},         {"timezone", q.timezone},
          {"max_waiting", q.max_waiting}, {"accepting", q.accepting}, {"recording_mode", q.recording_mode}};
}

std::optional<Queue> find_one(Db& db, const char* where, const auto& value) {
  auto stmt = db.prepare(std::string(select_columns) + where);
  stmt.bind(1, value);
  if (!stmt.step()) return std::nullopt;
  return read_queue(stmt);
}

}  // namespace

std::string slug_problem(const std::string& slug) {
  if (slug.size() < 2 || slug.size() > 40) return "a queue's slug must be 2 to 40 characters";
  for (char ch : slug)
    if (!(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) || ch == '-'))
      return "a queue's slug may hold only a-z, 0-9 and '-' (got '" + slug + "')";
  if (slug.front() == '-' || slug.back() == '-') return "a queue's slug cannot start or end with '-'";
  return "";
}

std::string slug_from_name(const std::string& name) {
  std::string slug;
  for (unsigned char ch : name) {
    if (std::isalnum(ch) && ch < 0x80) slug += static_cast<char>(std::tolower(ch));
    else if (!slug.empty() && slug.back() != '-') slug += '-';
    if (slug.size() == 40) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug_problem(slug).empty() ? slug : "";
}

Queue create_queue(Db& db, const std::string& slug, const QueueFields& fields, const Principal& by) {
  if (auto problem = slug_problem(slug); !problem.empty()) throw invalid("invalid_slug", problem);
  Queue q;
  q.slug = slug;
  apply(q, fields);
  try {
    db.prepare(
          "INSERT INTO queues (slug, name, description, hours, timezone, max_waiting, accepting, created_at, "
          "recording_mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, q.slug)
        .bind(2, q.name)
        .bind(3, q.description)
        .bind(4, q.hours)
        .bind(5, q.timezone)
        .bind(6, q.max_waiting)
        .bind(7, q.accepting ? 1 : 0)
        .bind(8, now_seconds())
        .bind(9, q.recording_mode)
        .run();
  } catch (const StoreConflict&) {
    throw DomainError(ErrorKind::conflict, "queue_exists", "a queue named '" + q.name + "' or with slug '" +
                                                               q.slug + "' already exists");
  }
  audit_append(db, by.actor, "queue.create", "queue", q.slug, audit_details(q));
  return *find_queue_by_slug(db, slug);
}

Queue update_queue(Db& db, const Queue& queue, const QueueFields& fields, const Principal& by) {
  Queue q = queue;
  apply(q, fields);
  try {
    db.prepare(
          "UPDATE queues SET name = ?, description = ?, hours = ?, timezone = ?, max_waiting = ?, accepting = ?, "
          "recording_mode = ? WHERE id = ?")
        .bind(1, q.name)
        .bind(2, q.description)
        .bind(3, q.hours)
        .bind(4, q.timezone)
        .bind(5, q.max_waiting)
        .bind(6, q.accepting ? 1 : 0)
        .bind(7, q.recording_mode)
        .bind(8, q.id)
        .run();
  } catch (const StoreConflict&) {
    throw DomainError(ErrorKind::conflict, "queue_exists", "a queue named '" + q.name + "' already exists");
  }
  audit_append(db, by.actor, "queue.update", "queue", q.slug, audit_details(q));
  return q;
}

std::optional<Queue> find_queue_by_slug(Db& db, const std::string& slug) {
  return find_one(db, "WHERE slug = ?", slug);
}

std::optional<Queue> find_queue(Db& db, const std::string& slug_or_name) {
  if (auto q = find_queue_by_slug(db, slug_or_name)) return q;
  return find_one(db, "WHERE name = ?", slug_or_name);
}

std::optional<Queue> find_queue(Db& db, std::int64_t id) { return find_one(db, "WHERE id = ?", id); }

std::vector<Queue> list_queues(Db& db) {
  auto stmt = db.prepare(std::string(select_columns) + "ORDER BY slug");
  std::vector<Queue> out;
  while (stmt.step()) out.push_back(read_queue(stmt));
  return out;
}

OpeningHours opening_hours_of(const Queue& queue) {
  return parse_opening_hours(queue.hours).hours.value_or(OpeningHours{});  // checked when stored
}

void assign_to_queue(Db& db, const Queue& queue, std::int64_t user_id, const std::string& username,
                     bool assigned, const Principal& by) {
  auto stmt = assigned ? db.prepare("INSERT OR IGNORE INTO queue_members (queue_id, user_id) VALUES (?, ?)")
                       : db.prepare("DELETE FROM queue_members WHERE queue_id = ? AND user_id = ?");
  stmt.bind(1, queue.id).bind(2, user_id).run();
  audit_append(db, by.actor, assigned ? "queue.assign" : "queue.unassign", "queue", queue.slug,
               {{"user", username}});
}

std::vector<std::string> queue_members(Db& db, std::int64_t queue_id) {
  auto stmt = db.prepare(
      "SELECT u.username FROM queue_members m JOIN users u ON u.id = m.user_id WHERE m.queue_id = ? "
      "ORDER BY u.username");
  stmt.bind(1, queue_id);
  std::vector<std::string> out;
  while (stmt.step()) out.push_back(stmt.text(0));
  return out;
}

std::vector<std::int64_t> queues_served_by(Db& db, std::int64_t user_id) {
  auto stmt = db.prepare("SELECT queue_id FROM queue_members WHERE user_id = ? ORDER BY queue_id");
  stmt.bind(1, user_id);
  std::vector<std::int64_t> out;
  while (stmt.step()) out.push_back(stmt.integer(0));
  return out;
}

std::string recording_mode_for(Db& db, std::int64_t appointment_id, const std::string& server_mode) {
  auto stmt = db.prepare(
      "SELECT q.recording_mode FROM appointments a JOIN queues q ON q.id = a.queue_id WHERE a.id = ?");
  stmt.bind(1, appointment_id);
  if (!stmt.step() || stmt.text(0) == "default") return server_mode;
  return stmt.text(0);
}

}  // namespace assist
