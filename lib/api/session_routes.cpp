// Console sign-in: a password exchanged for an HttpOnly session cookie plus a CSRF token.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/api.h"
#include "api/json_input.h"
#include "api/problem.h"
#include "domain/credentials.h"
#include "domain/users.h"
#include "util/time.h"

namespace assist {
namespace {

const std::string cookie_name = "assist_session";

// With the time zone the console shows times in: the user's own, else the operator's.
nlohmann::json session_json(const User& user, const std::string& token, const Config& config) {
  return {{"user", {{"username", user.username}, {"display_name", user.display_name},
                    {"role", to_string(user.role)}, {"language", user.language}, {"timezone", user.timezone}}},
          {"timezone", user.timezone.empty() ? config.notify_timezone : user.timezone},
          {"csrf_token", csrf_token_for(token)}};
}

std::string session_cookie(const Call& call) { return request_cookie(call.request, cookie_name); }

HttpResponse sign_in(Call& call) {
  JsonInput in(call.request.body, {"username", "password"});
  const auto username = in.required_text("username", 64);
  const auto password = in.required_text("password", 1024);
  auto& db = call.db;
  auto user = check_password(db, username, password);
  if (!user) {
    spdlog::warn("AUTH_LOGIN_FAILED peer={} username=\"{}\"", call.request.peer, username);
    throw ApiError(401, "invalid_credentials", "wrong username or password");
  }
  std::string token;
  {
    Transaction tx(db);
    token = create_session(db, *user);
    tx.commit();
  }
  spdlog::info("AUTH_LOGIN peer={} username={}", call.request.peer, user->username);
  auto r = json_response(201, session_json(*user, token, *call.config).dump());
  r.headers.emplace_back("Set-Cookie", cookie_name + "=" + token + "; Path=/; Max-Age=" +
                                           std::to_string(session_lifetime) +
                                           "; HttpOnly; Secure; SameSite=Strict");
  return r;
}

HttpResponse current(Call& call) {
  const auto token = session_cookie(call);
  if (!call.principal.cookie_session || token.empty())
    throw ApiError(404, "no_session", "this request is not authenticated by a session cookie");
  auto user = find_user(call.db, *call.principal.user_id);
  return json_response(200, session_json(*user, token, *call.config).dump());
}

HttpResponse sign_out(Call& call) {
  const auto token = session_cookie(call);
  if (call.principal.cookie_session && !token.empty()) {
    Transaction tx(call.db);
    delete_session(call.db, token);
    tx.commit();
  }
  auto r = json_response(204, "");
  r.headers.emplace_back("Set-Cookie", cookie_name +
                                           "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
  return r;
}

}  // namespace

void add_session_routes(Router& r) {
  r.add("POST", "/api/v1/session", Access::open, sign_in);
  r.add("GET", "/api/v1/session", Access::signed_in, current);
  r.add("DELETE", "/api/v1/session", Access::signed_in, sign_out);
}

}  // namespace assist
