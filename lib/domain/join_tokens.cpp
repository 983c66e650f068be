#include "domain/join_tokens.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "util/crypto.h"
#include "util/time.h"

namespace assist {
namespace {

constexpr std::size_t token_bytes = 24;  // 192 bits

const char* role_name(JoinRole role) { return role == JoinRole::customer ? "customer" : "specialist"; }

}  // namespace

IssuedToken issue_join_token(Db& db, const Appointment& a, JoinRole role, std::int64_t lead_time,
                             const Principal& by) {
  IssuedToken issued{0, random_token(token_bytes), a.starts_at - lead_time, a.ends_at()};
  db.prepare(
        "INSERT INTO join_tokens (appointment_id, role, token_hash, created_at) "
        "VALUES (?, ?, ?, ?)")
      .bind(1, a.id)
      .bind(2, role_name(role))
      .bind(3, sha256_hex(issued.token))
      .bind(4, now_seconds())
      .run();
  issued.id = db.last_insert_id();
  audit_append(db, by.actor, "join_link.issue", "appointment", std::to_string(a.id),
               {{"role", role_name(role)}, {"token_id", issued.id}});
  return issued;
}

JoinResolution resolve_join_token(Db& db, const std::string& token, std::int64_t now,
                                  std::int64_t lead_time) {
  JoinResolution r;
  std::int64_t appointment_id = 0;
  {
    auto stmt = db.prepare(
        "SELECT appointment_id, role, id FROM join_tokens WHERE token_hash = ? AND revoked_at IS NULL");
    stmt.bind(1, sha256_hex(token));
    if (!stmt.step()) return r;
    appointment_id = stmt.integer(0);
    r.role = stmt.text(1) == "customer" ? JoinRole::customer : JoinRole::specialist;
    r.token_id = stmt.integer(2);
  }
  r.appointment = find_appointment(db, appointment_id);
  if (!r.appointment) return r;
  r.valid_from = r.appointment->starts_at - lead_time;
  r.valid_until = r.appointment->ends_at();
  if (is_final(r.appointment->state))
    r.check = JoinCheck::closed;
  else if (now < r.valid_from)
    r.check = JoinCheck::too_early;
  else if (now >= r.valid_until && r.appointment->state != AppointmentState::in_call)
    r.check = JoinCheck::expired;
  else
    r.check = JoinCheck::ok;
  return r;
}

std::string join_url(const std::string& public_url, const std::string& token) {
  return public_url + "/j/" + token;
}

std::optional<std::int64_t> record_join_token_opened(Db& db, const std::string& token, std::int64_t now) {
  db.prepare("UPDATE join_tokens SET first_opened_at = ? WHERE token_hash = ? AND first_opened_at IS NULL")
      .bind(1, now)
      .bind(2, sha256_hex(token))
      .run();
  if (db.changes() == 0) return std::nullopt;
  auto stmt = db.prepare("SELECT notification_id FROM join_tokens WHERE token_hash = ?");
  stmt.bind(1, sha256_hex(token));
  if (!stmt.step()) return std::nullopt;
  return stmt.optional_integer(0);
}

void attach_join_token(Db& db, std::int64_t token_id, std::int64_t notification_id) {
  db.prepare("UPDATE join_tokens SET notification_id = ? WHERE id = ?").bind(1, notification_id).bind(2, token_id).run();
}

}  // namespace assist
