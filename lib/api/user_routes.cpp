// /api/v1/users: console accounts.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/json_input.h"
#include "api/problem.h"
#include "domain/users.h"
#include "util/time.h"

namespace assist {
namespace {

nlohmann::json to_json(const User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", to_string(u.role)},
          {"disabled", u.disabled},
          {"has_password", u.has_password},
          {"created_at", format_iso8601(u.created_at)},
          {"language", u.language},
          {"timezone", u.timezone}};
}

User named_user(const Call& call) {
  auto user = find_user(call.db, call.params.at("username"));
  if (!user) throw ApiError(404, "user_not_found", "no user '" + call.params.at("username") + "'");
  return *user;
}

std::string checked_password(const JsonInput& in) {
  auto password = in.required_text("password", 1024);
  if (auto problem = password_problem(password); !problem.empty())
    throw ApiError(422, "weak_password", problem, "password");
  return password;
}

HttpResponse create(Call& call) {
  require_role(call, {Role::admin});
  JsonInput in(call.request.body, {"username", "display_name", "role", "password"});
  const auto username = in.required_text("username", 64);
  if (auto problem = username_problem(username); !problem.empty())
    throw ApiError(422, "invalid_value", problem, "username");
  const auto role_text = in.text("role", 20).value_or("specialist");
  const auto role = parse_role(role_text);
  if (!role) throw ApiError(422, "invalid_value", "'role' must be admin, supervisor or specialist", "role");
  std::optional<std::string> password;
  if (in.text("password", 1024)) password = checked_password(in);
  auto& db = call.db;
  Transaction tx(db);
  auto user = create_user(db, username, in.text("display_name", 200).value_or(""), *role, password,
                          call.principal);
  tx.commit();
  return json_response(201, to_json(user).dump());
}

HttpResponse list(Call& call) {
  require_role(call, {Role::admin, Role::supervisor});
  nlohmann::json items = nlohmann::json::array();
  for (const auto& u : list_users(call.db)) items.push_back(to_json(u));
  return json_response(200, nlohmann::json{{"items", items}, {"next_cursor", nullptr}}.dump());
}

HttpResponse show(Call& call) {
  auto user = named_user(call);
  if (!call.principal.sees_everything() && call.principal.user_id != user.id)
    throw ApiError(404, "user_not_found", "no user '" + user.username + "'");
  return json_response(200, to_json(user).dump());
}

HttpResponse update(Call& call) {
  auto user = named_user(call);
  const bool self = call.principal.user_id == user.id;
  if (!self && !call.principal.sees_everything())
    throw ApiError(404, "user_not_found", "no user '" + user.username + "'");
  if (!self) require_role(call, {Role::admin});
  JsonInput in(call.request.body, {"disabled", "password", "language", "timezone"});
  auto disabled = in.boolean("disabled");
  if (disabled && *disabled && self)
    throw ApiError(409, "self_disable", "you cannot disable your own account", "disabled");
  std::optional<std::string> password;
  if (in.text("password", 1024)) password = checked_password(in);
  const auto language = in.text_or_empty("language", 2);
  const auto timezone = in.text_or_empty("timezone", 64);
  auto& db = call.db;
  Transaction tx(db);
  if (disabled && *disabled != user.disabled) set_user_disabled(db, user, *disabled, call.principal);
  if (password) set_user_password(db, user, *password, call.principal);
  if (language || timezone)
    user = set_user_preferences(db, user, language.value_or(user.language), timezone.value_or(user.timezone),
                                call.principal);
  tx.commit();
  return json_response(200, to_json(*find_user(db, user.id)).dump());
}

}  // namespace

void add_user_routes(Router& r) {
  r.add("POST", "/api/v1/users", Access::signed_in, create);
  r.add("GET", "/api/v1/users", Access::signed_in, list);
  r.add("GET", "/api/v1/users/{username}", Access::signed_in, show);
  r.add("PATCH", "/api/v1/users/{username}", Access::signed_in, update);
}

}  // namespace assist
