// The append-only, hash-chained audit log. Each event's hash covers the previous event's hash
// and the event's own canonical JSON, so any edit, deletion or reordering breaks the chain.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite.h"

namespace assist {

struct AuditEvent {
  std::int64_t seq = 0;
  std::int64_t at = 0;
  std::string actor;        // "user:alice", "apikey:3", "control-socket", "system"
  std::string action;       // "appointment.create", "appointment.cancelled", ...
  std::string object_type;  // "appointment", "user", ...
  std::string object_id;
  std::string details;      // canonical JSON object
  std::string prev_hash;
  std::string hash;
};

struct AuditVerification {
  bool ok = true;
  std::int64_t events = 0;
  std::optional<std::int64_t> first_bad_seq;
  std::string problem;
};

// Call inside the caller's transaction, so the event and the change it records land together.
void audit_append(Db& db, const std::string& actor, const std::string& action,
                  const std::string& object_type, const std::string& object_id,
                  const nlohmann::json& details);

struct AuditQuery {
  std::optional<std::string> object_type;
  std::optional<std::string> object_id;
  std::optional<std::string> action;
  std::int64_t after_seq = 0;
  int limit = 100;
};
std::vector<AuditEvent> audit_list(Db& db, const AuditQuery& query);

AuditVerification audit_verify(Db& db);

}  // namespace assist
