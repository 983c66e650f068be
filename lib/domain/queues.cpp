#include "domain/queues.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "domain/errors.h"
#include "util/time.h"

namespace assist {
namespace {

Queue read_queue(const Stmt& s) { return {s.integer(0), s.text(1), s.text(2), s.integer(3)}; }

}  // namespace

Queue create_queue(Db& db, const std::string& name, const std::string& description,
                   const Principal& by) {
  try {
    db.prepare("INSERT INTO queues (name, description, created_at) VALUES (?, ?, ?)")
        .bind(1, name)
        .bind(2, description)
        .bind(3, now_seconds())
        .run();
  } catch (const StoreConflict&) {
    throw DomainError(ErrorKind::conflict, "queue_exists", "queue '" + name + "' already exists");
  }
  audit_append(db, by.actor, "queue.create", "queue", name, {{"description", description}});
  return *find_queue(db, name);
}

std::optional<Queue> find_queue(Db& db, const std::string& name) {
  auto stmt = db.prepare("SELECT id, name, description, created_at FROM queues WHERE name = ?");
  stmt.bind(1, name);
  if (!stmt.step()) return std::nullopt;
  return read_queue(stmt);
}

std::vector<Queue> list_queues(Db& db) {
  auto stmt = db.prepare("SELECT id, name, description, created_at FROM queues ORDER BY name");
  std::vector<Queue> out;
  while (stmt.step()) out.push_back(read_queue(stmt));
  return out;
}

}  // namespace assist
