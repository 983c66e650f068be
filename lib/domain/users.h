// Console users: creation, lookup, disabling and passwords (argon2id at rest).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "store/sqlite.h"

namespace assist {

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::specialist;
  bool disabled = false;
  bool has_password = false;
  std::int64_t created_at = 0;
  std::string language;  // the console's: "en", "fr"; "" = the browser's
  std::string timezone;  // IANA; "" = notify.timezone
};

// Inside the caller's transaction; audited. Throws DomainError(conflict) for a taken name.
User create_user(Db& db, const std::string& username, const std::string& display_name, Role role,
                 const std::optional<std::string>& password, const Principal& by);
void set_user_disabled(Db& db, const User& user, bool disabled, const Principal& by);
void set_user_password(Db& db, const User& user, const std::string& password, const Principal& by);
// The console's language ("", "en", "fr") and time zone ("" or an IANA name); audited. Throws
// DomainError(invalid) naming the field.
User set_user_preferences(Db& db, const User& user, const std::string& language, const std::string& timezone,
                          const Principal& by);

std::optional<User> find_user(Db& db, const std::string& username);
std::optional<User> find_user(Db& db, std::int64_t id);
std::vector<User> list_users(Db& db);
std::int64_t count_users(Db& db);

// The user when the password matches and the account is enabled.
std::optional<User> check_password(Db& db, const std::string& username, const std::string& password);

// Errors for a username or password that cannot be accepted; "" when fine.
std::string username_problem(const std::string& username);
std::string password_problem(const std::string& password);

}  // namespace assist
