#include "domain/users.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "audit/audit_log.h"
#include "domain/errors.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/timezone.h"

namespace assist {
namespace {

constexpr const char* select_user =
    "SELECT id, username, display_name, role, disabled, password_hash IS NOT NULL, created_at, language, timezone "
    "FROM users ";

User read_user(const Stmt& s) {
  return {s.integer(0), s.text(1), s.text(2), parse_role(s.text(3)).value_or(Role::specialist),
          s.integer(4) != 0, s.integer(5) != 0, s.integer(6), s.text(7), s.text(8)};
}

// A fixed argon2id hash to verify against when the user does not exist, so a login for an
// unknown name costs the same time as one for a known name.
const std::string& decoy_hash() {
  static const std::string hash = hash_password(random_token(16));
  return hash;
}

}  // namespace

std::string username_problem(const std::string& u) {
  if (u.empty() || u.size() > 64) return "username must be 1 to 64 characters";
  bool ok = std::all_of(u.begin(), u.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@';
  });
  return ok ? "" : "username may hold only letters, digits and . _ - @";
}

std::string password_problem(const std::string& p) {
  if (p.size() < 10) return "password must be at least 10 characters";
  if (p.size() > 1024) return "password must be at most 1024 characters";
  return "";
}

User create_user(Db& db, const std::string& username, const std::string& display_name, Role role,
                 const std::optional<std::string>& password, const Principal& by) {
  std::optional<std::string> hash;
  if (password) hash = hash_password(*password);
  try {
    db.prepare(
          "INSERT INTO users (username, display_name, role, password_hash, created_at) "
          "VALUES (?, ?, ?, ?, ?)")
        .bind(1, username)
        .bind(2, display_name)
        .bind(3, to_string(role))
        .bind(4, hash)
        .bind(5, now_seconds())
        .run();
  } catch (const StoreConflict&) {
    throw DomainError(ErrorKind::conflict, "user_exists", "user '" + username + "' already exists");
  }
  auto user = *find_user(db, db.last_insert_id());
  audit_append(db, by.actor, "user.create", "user", user.username, {{"role", to_string(role)}});
  return user;
}

void set_user_disabled(Db& db, const User& user, bool disabled, const Principal& by) {
  db.prepare("UPDATE users SET disabled = ? WHERE id = ?").bind(1, disabled ? 1 : 0).bind(2, user.id).run();
  if (disabled) db.prepare("DELETE FROM sessions WHERE user_id = ?").bind(1, user.id).run();
  audit_append(db, by.actor, disabled ? "user.disable" : "user.enable", "user", user.username, {});
}

void set_user_password(Db& db, const User& user, const std::string& password, const Principal& by) {
  db.prepare("UPDATE users SET password_hash = ? WHERE id = ?")
      .bind(1, hash_password(password))
      .bind(2, user.id)
      .run();
  db.prepare("DELETE FROM sessions WHERE user_id = ?").bind(1, user.id).run();
  audit_append(db, by.actor, "user.password", "user", user.username, {});
}

User set_user_preferences(Db& db, const User& user, const std::string& language, const std::string& timezone,
                          const Principal& by) {
  if (language != "" && language != "en" && language != "fr")
    throw DomainError(ErrorKind::invalid, "invalid_language", "language must be en or fr (or empty: the browser's)");
  if (!timezone.empty() && !TimeZone::find(timezone))
    throw DomainError(ErrorKind::invalid, "invalid_timezone",
                      "'" + timezone + "' is not a known time zone, e.g. Europe/Paris or UTC");
  db.prepare("UPDATE users SET language = ?, timezone = ? WHERE id = ?")
      .bind(1, language)
      .bind(2, timezone)
      .bind(3, user.id)
      .run();
  audit_append(db, by.actor, "user.preferences", "user", user.username, {{"language", language}, {"timezone", timezone}});
  return *find_user(db, user.id);
}

std::optional<User> find_user(Db& db, const std::string& username) {
  auto stmt = db.prepare(std::string(select_user) + "WHERE username = ?");
  stmt.bind(1, username);
  if (!stmt.step()) return std::nullopt;
  return read_user(stmt);
}

std::optional<User> find_user(Db& db, std::int64_t id) {
  auto stmt = db.prepare(std::string(select_user) + "WHERE id = ?");
  stmt.bind(1, id);
  if (!stmt.step()) return std::nullopt;
  return read_user(stmt);
}

std::vector<User> list_users(Db& db) {
  auto stmt = db.prepare(std::string(select_user) + "ORDER BY username");
  std::vector<User> out;
  while (stmt.step()) out.push_back(read_user(stmt));
  return out;
}

std::int64_t count_users(Db& db) {
  auto stmt = db.prepare("SELECT count(*) FROM users");
  stmt.step();
  return stmt.integer(0);
}

std::optional<User> check_password(Db& db, const std::string& username,
                                   const std::string& password) {
  std::optional<std::string> hash;
  std::optional<User> user;
  {
    auto stmt = db.prepare("SELECT id, password_hash FROM users WHERE username = ?");
    stmt.bind(1, username);
    if (stmt.step()) {
      hash = stmt.optional_text(1);
      user = find_user(db, stmt.integer(0));
    }
  }
  const bool match = verify_password(hash.value_or(decoy_hash()), password);
  if (!match || !hash || !user || user->disabled) return std::nullopt;
  return user;
}

}  // namespace assist
