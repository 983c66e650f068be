#include "audit/audit_log.h"

#include <nlohmann/json.hpp>

#include "util/crypto.h"
#include "util/time.h"

namespace assist {
namespace {

const std::string genesis_hash(64, '0');

std::string event_hash(const AuditEvent& e) {
  // nlohmann::json orders object keys, so dump() is canonical.
  nlohmann::json canonical = {{"seq", e.seq},
                              {"at", e.at},
                              {"actor", e.actor},
                              {"action", e.action},
                              {"object_type", e.object_type},
                              {"object_id", e.object_id},
                              {"details", e.details}};
  return sha256_hex(e.prev_hash + "\n" + canonical.dump());
}

AuditEvent read_event(const Stmt& s) {
  return {s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4),
          s.text(5),    s.text(6),    s.text(7), s.text(8)};
}

}  // namespace

void audit_append(Db& db, const std::string& actor, const std::string& action,
                  const std::string& object_type, const std::string& object_id,
                  const nlohmann::json& details) {
  AuditEvent e;
  e.prev_hash = genesis_hash;
  e.seq = 1;
  {
    auto last = db.prepare("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
    if (last.step()) {
      e.seq = last.integer(0) + 1;
      e.prev_hash = last.text(1);
    }
  }
  e.at = now_seconds();
  e.actor = actor;
  e.action = action;
  e.object_type = object_type;
  e.object_id = object_id;
  e.details = details.is_null() ? "{}" : details.dump();
  e.hash = event_hash(e);
  db.prepare(
        "INSERT INTO audit_events (seq, at, actor, action, object_type, object_id, details, "
        "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, e.seq)
      .bind(2, e.at)
      .bind(3, e.actor)
      .bind(4, e.action)
      .bind(5, e.object_type)
      .bind(6, e.object_id)
      .bind(7, e.details)
      .bind(8, e.prev_hash)
      .bind(9, e.hash)
      .run();
}

std::vector<AuditEvent> audit_list(Db& db, const AuditQuery& q) {
  auto stmt = db.prepare(
      "SELECT seq, at, actor, action, object_type, object_id, details, prev_hash, hash "
      "FROM audit_events WHERE seq > ?1 AND (?2 IS NULL OR object_type = ?2) "
      "AND (?3 IS NULL OR object_id = ?3) AND (?4 IS NULL OR action = ?4) "
      "ORDER BY seq LIMIT ?5");
  stmt.bind(1, q.after_seq).bind(2, q.object_type).bind(3, q.object_id).bind(4, q.action);
  stmt.bind(5, q.limit);
  std::vector<AuditEvent> out;
  while (stmt.step()) out.push_back(read_event(stmt));
  return out;
}

AuditVerification audit_verify(Db& db) {
  AuditVerification result;
  auto stmt = db.prepare(
      "SELECT seq, at, actor, action, object_type, object_id, details, prev_hash, hash "
      "FROM audit_events ORDER BY seq");
  std::string expected_prev = genesis_hash;
  std::int64_t expected_seq = 1;
  while (stmt.step()) {
    AuditEvent e = read_event(stmt);
    ++result.events;
    auto bad = [&](std::string problem) {
      result.ok = false;
      result.first_bad_seq = e.seq;
      result.problem = std::move(problem);
    };
    if (e.seq != expected_seq)
      bad("event " + std::to_string(expected_seq) + " is missing");
    else if (e.prev_hash != expected_prev)
      bad("event " + std::to_string(e.seq) + " does not follow the previous event's hash");
    else if (event_hash(e) != e.hash)
      bad("event " + std::to_string(e.seq) + " was altered: its content no longer matches its hash");
    if (!result.ok) break;
    expected_prev = e.hash;
    expected_seq = e.seq + 1;
  }
  return result;
}

}  // namespace assist
