// Credentials that stand for a user: console sessions (cookie) and API keys (bearer).
// Both are random tokens shown once and kept only as SHA-256 hashes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "domain/users.h"
#include "store/sqlite.h"

namespace assist {

constexpr std::int64_t session_lifetime = 12 * 3600;

// Returns the session token for the cookie.
std::string create_session(Db& db, const User& user);
std::optional<User> resolve_session(Db& db, const std::string& token, std::int64_t now);
void delete_session(Db& db, const std::string& token);
// The CSRF token that goes with a session, derived so that nothing more is stored.
std::string csrf_token_for(const std::string& session_token);

struct ApiKey {
  std::int64_t id = 0;
  std::string name;
  Role role = Role::admin;
  std::optional<std::string> username;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_used_at;
  std::optional<std::int64_t> revoked_at;
};

struct CreatedApiKey {
  ApiKey key;
  std::string secret;  // "ak_<lookup>_<secret>", shown once
};

// Inside the caller's transaction; audited. A key made for a user acts with that user's role.
CreatedApiKey create_api_key(Db& db, const std::string& name, const std::optional<User>& user,
                             Role role, const Principal& by);
void revoke_api_key(Db& db, std::int64_t id, const Principal& by);
std::vector<ApiKey> list_api_keys(Db& db);
// The principal a presented key stands for, if valid, unrevoked and its user enabled.
std::optional<Principal> resolve_api_key(Db& db, const std::string& presented, std::int64_t now);

}  // namespace assist
