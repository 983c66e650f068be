// /api/v1/api-keys: bearer keys for integrations, shown once, hashed at rest.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/json_input.h"
#include "api/problem.h"
#include "domain/credentials.h"
#include "util/time.h"

namespace assist {
namespace {

nlohmann::json to_json(const ApiKey& k) {
  auto time_or_null = [](const std::optional<std::int64_t>& t) {
    return t ? nlohmann::json(format_iso8601(*t)) : nlohmann::json(nullptr);
  };
  return {{"id", k.id},
          {"name", k.name},
          {"role", to_string(k.role)},
          {"user", k.username ? nlohmann::json(*k.username) : nlohmann::json(nullptr)},
          {"created_at", format_iso8601(k.created_at)},
          {"last_used_at", time_or_null(k.last_used_at)},
          {"revoked_at", time_or_null(k.revoked_at)}};
}

HttpResponse create(Call& call) {
  require_role(call, {Role::admin});
  JsonInput in(call.request.body, {"name", "user", "role"});
  const auto name = in.required_text("name", 100);
  auto& db = call.db;
  std::optional<User> user;
  if (auto username = in.text("user", 64)) {
    user = find_user(db, *username);
    if (!user) throw ApiError(422, "unknown_user", "no user '" + *username + "'", "user");
  }
  const auto role_text = in.text("role", 20);
  if (role_text && user)
    throw ApiError(422, "invalid_value", "a key made for a user takes that user's role", "role");
  const auto role = parse_role(role_text.value_or("admin"));
  if (!role) throw ApiError(422, "invalid_value", "'role' must be admin, supervisor or specialist", "role");
  if (*role == Role::specialist && !user)
    throw ApiError(422, "invalid_value", "a specialist key must belong to a user ('user')", "role");
  Transaction tx(db);
  auto created = create_api_key(db, name, user, *role, call.principal);
  tx.commit();
  auto body = to_json(created.key);
  body["key"] = created.secret;
  return json_response(201, body.dump());
}

HttpResponse list(Call& call) {
  require_role(call, {Role::admin});
  nlohmann::json items = nlohmann::json::array();
  for (const auto& k : list_api_keys(call.db)) items.push_back(to_json(k));
  return json_response(200, nlohmann::json{{"items", items}, {"next_cursor", nullptr}}.dump());
}

HttpResponse revoke(Call& call) {
  require_role(call, {Role::admin});
  auto& db = call.db;
  Transaction tx(db);
  revoke_api_key(db, call.id_param("id"), call.principal);
  tx.commit();
  return json_response(204, "");
}

}  // namespace

void add_api_key_routes(Router& r) {
  r.add("POST", "/api/v1/api-keys", Access::signed_in, create);
  r.add("GET", "/api/v1/api-keys", Access::signed_in, list);
  r.add("DELETE", "/api/v1/api-keys/{id}", Access::signed_in, revoke);
}

}  // namespace assist
