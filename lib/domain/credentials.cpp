#include "domain/credentials.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "domain/errors.h"
#include "util/crypto.h"
#include "util/time.h"

namespace assist {

std::string create_session(Db& db, const User& user) {
  const auto token = random_token(32);
  const auto now = now_seconds();
  db.prepare("DELETE FROM sessions WHERE expires_at <= ?").bind(1, now).run();
  db.prepare("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
      .bind(1, sha256_hex(token))
      .bind(2, user.id)
      .bind(3, now)
      .bind(4, now + session_lifetime)
      .run();
  return token;
}

std::optional<User> resolve_session(Db& db, const std::string& token, std::int64_t now) {
  std::int64_t user_id = 0;
  {
    auto stmt = db.prepare("SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?");
    stmt.bind(1, sha256_hex(token)).bind(2, now);
    if (!stmt.step()) return std::nullopt;
    user_id = stmt.integer(0);
  }
  auto user = find_user(db, user_id);
  if (!user || user->disabled) return std::nullopt;
  return user;
}

void delete_session(Db& db, const std::string& token) {
  db.prepare("DELETE FROM sessions WHERE token_hash = ?").bind(1, sha256_hex(token)).run();
}

std::string csrf_token_for(const std::string& session_token) {
  return sha256_hex("csrf\n" + session_token);
}

namespace {

constexpr const char* select_key =
    "SELECT k.id, k.name, k.role, u.username, k.created_at, k.last_used_at, k.revoked_at "
    "FROM api_keys k LEFT JOIN users u ON u.id = k.user_id ";

ApiKey read_key(const Stmt& s) {
  return {s.integer(0),          s.text(1),
          parse_role(s.text(2)).value_or(Role::specialist),
          s.optional_text(3),    s.integer(4),
          s.optional_integer(5), s.optional_integer(6)};
}

}  // namespace

CreatedApiKey create_api_key(Db& db, const std::string& name, const std::optional<User>& user,
                             Role role, const Principal& by) {
  const auto lookup = random_token(9);  // public half: finds the row
  const auto secret = random_token(24);
  db.prepare(
        "INSERT INTO api_keys (name, lookup, secret_hash, user_id, role, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, name)
      .bind(2, lookup)
      .bind(3, sha256_hex(secret))
      .bind(4, user ? std::optional<std::int64_t>(user->id) : std::nullopt)
      .bind(5, to_string(user ? user->role : role))
      .bind(6, now_seconds())
      .run();
  const auto id = db.last_insert_id();
  audit_append(db, by.actor, "apikey.create", "api_key", std::to_string(id),
               {{"name", name},
                {"user", user ? nlohmann::json(user->username) : nullptr},
                {"role", to_string(user ? user->role : role)}});
  auto stmt = db.prepare(std::string(select_key) + "WHERE k.id = ?");
  stmt.bind(1, id);
  stmt.step();
  return {read_key(stmt), "ak_" + lookup + "_" + secret};
}

void revoke_api_key(Db& db, std::int64_t id, const Principal& by) {
  db.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .bind(1, now_seconds())
      .bind(2, id)
      .run();
  if (db.changes() == 0)
    throw DomainError(ErrorKind::not_found, "api_key_not_found",
                      "no active API key " + std::to_string(id));
  audit_append(db, by.actor, "apikey.revoke", "api_key", std::to_string(id), {});
}

std::vector<ApiKey> list_api_keys(Db& db) {
  auto stmt = db.prepare(std::string(select_key) + "ORDER BY k.id");
  std::vector<ApiKey> out;
  while (stmt.step()) out.push_back(read_key(stmt));
  return out;
}

std::optional<Principal> resolve_api_key(Db& db, const std::string& presented, std::int64_t now) {
  // "ak_" + 12-char lookup + "_" + secret
  if (presented.size() < 20 || presented.rfind("ak_", 0) != 0 || presented[15] != '_')
    return std::nullopt;
  const auto lookup = presented.substr(3, 12);
  const auto secret = presented.substr(16);
  std::int64_t id = 0;
  std::string hash, role;
  std::optional<std::int64_t> user_id, last_used;
  {
    auto stmt = db.prepare(
        "SELECT id, secret_hash, role, user_id, last_used_at FROM api_keys "
        "WHERE lookup = ? AND revoked_at IS NULL");
    stmt.bind(1, lookup);
    if (!stmt.step()) return std::nullopt;
    id = stmt.integer(0);
    hash = stmt.text(1);
    role = stmt.text(2);
    user_id = stmt.optional_integer(3);
    last_used = stmt.optional_integer(4);
  }
  if (!secure_equals(hash, sha256_hex(secret))) return std::nullopt;
  Principal p;
  p.role = parse_role(role).value_or(Role::specialist);
  p.actor = "apikey:" + std::to_string(id);
  if (user_id) {
    auto user = find_user(db, *user_id);
    if (!user || user->disabled) return std::nullopt;
    p.user_id = user->id;
    p.role = user->role;
    p.actor = "user:" + user->username + " (apikey:" + std::to_string(id) + ")";
  }
  // Writing on every request would turn reads into writes: record use once a minute.
  if (!last_used || *last_used + 60 <= now)
    db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?").bind(1, now).bind(2, id).run();
  return p;
}

}  // namespace assist
