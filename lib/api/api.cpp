#include "api/api.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "api/problem.h"
#include "domain/appointments.h"
#include "domain/credentials.h"
#include "domain/errors.h"
#include "domain/queues.h"
#include "util/crypto.h"
#include "util/time.h"

namespace assist {
namespace {

int status_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid: return 422;
    case ErrorKind::unauthorized: return 401;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
    case ErrorKind::too_large: return 413;
    case ErrorKind::unsupported: return 415;
  }
  return 500;
}

}  // namespace

std::string request_cookie(const HttpRequest& req, const std::string& name) {
  const auto header = req.header("cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    auto semi = rest.find(';');
    auto part = rest.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return "";
}

namespace {

bool is_write(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

Principal authenticated(const HttpRequest& req, Db& db) {
  if (req.control_socket) return {Role::admin, std::nullopt, "control-socket", false, {}};
  const auto now = now_seconds();
  const auto authorization = req.header("authorization");
  if (!authorization.empty()) {
    if (authorization.rfind("Bearer ", 0) != 0)
      throw ApiError(401, "invalid_credentials", "the Authorization header must be 'Bearer <API key>'");
    auto principal = resolve_api_key(db, authorization.substr(7), now);
    if (!principal) throw ApiError(401, "invalid_credentials", "the API key is unknown or revoked");
    return *principal;
  }
  const auto session = request_cookie(req, "assist_session");
  if (!session.empty()) {
    auto user = resolve_session(db, session, now);
    if (!user) throw ApiError(401, "session_expired", "the session has expired; sign in again");
    if (is_write(req.method) && !secure_equals(req.header("x-csrf-token"), csrf_token_for(session)))
      throw ApiError(403, "csrf_failed", "a cookie-authenticated change needs the X-CSRF-Token header");
    return {user->role, user->id, "user:" + user->username, true, {}};
  }
  throw ApiError(401, "authentication_required", "sign in or present an API key");
}

}  // namespace

Principal authenticate(const HttpRequest& req, Db& db) {
  auto principal = authenticated(req, db);
  if (principal.role == Role::specialist && principal.user_id)
    principal.queue_ids = queues_served_by(db, *principal.user_id);
  return principal;
}

Api::Api(ApiServices& services) : services_(services) {
  add_health_routes(router_);
  add_session_routes(router_);
  add_appointment_routes(router_);
  add_user_routes(router_);
  add_api_key_routes(router_);
  add_queue_routes(router_);
  add_audit_routes(router_);
  add_notification_routes(router_);
  add_message_routes(router_);
  add_waiting_routes(router_);
  add_file_routes(router_);
  add_recording_routes(router_);
  add_snapshot_routes(router_);
  add_location_routes(router_);
}

HttpResponse Api::handle(const HttpRequest& request, Db& db) {
  std::string route_name = "unmatched";
  HttpResponse response;
  try {
    response = dispatch(request, db, route_name);
  } catch (const ApiError& e) {
    response = problem_response(e.status(), e.code(), e.what(), e.field());
  } catch (const DomainError& e) {
    response = problem_response(status_for(e.kind()), e.code(), e.what());
  } catch (const std::exception& e) {
    spdlog::error("API_INTERNAL_ERROR route={} error=\"{}\"", route_name, e.what());
    response = problem_response(500, "internal", "the server failed to handle the request");
  }
  if (response.status >= 400 && response.status < 500) {
    const auto level = response.status == 401 || response.status == 403 ? spdlog::level::warn
                                                                          : spdlog::level::info;
    spdlog::log(level, "HTTP_CLIENT_ERROR peer={} method={} route={} status={} body={}",
                request.peer, request.method, route_name, response.status, response.body);
  }
  services_.metrics.count_request(route_name, request.method, response.status);
  return response;
}

HttpResponse Api::dispatch(const HttpRequest& request, Db& db, std::string& route_name) {
  const auto& target = request.target;
  const auto question = target.find('?');
  const auto path = std::string_view(target).substr(0, question);
  auto match = router_.match(request.method, path);
  if (!match.route) {
    if (match.path_known) {
      auto r = problem_response(405, "method_not_allowed", request.method + " is not allowed here");
      r.headers.emplace_back("Allow", router_.allowed_methods(path));
      return r;
    }
    throw ApiError(404, "not_found", "no such resource");
  }
  route_name = match.route->pattern;
  Call call{request, services_, db, services_.config.get(), std::move(match.params), {}, {}};
  if (question != std::string::npos)
    call.query = parse_query(std::string_view(target).substr(question + 1));
  if (match.route->access == Access::signed_in) call.principal = authenticate(request, db);
  if (is_write(request.method) && !request.body.empty()) {
    auto type = request.header("content-type");
    for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool form_allowed = route_name == status_callback_route &&
                              type.rfind("application/x-www-form-urlencoded", 0) == 0;
    const bool raw_allowed = route_name == file_upload_route || route_name == snapshot_upload_route;
    if (type.rfind("application/json", 0) != 0 && !form_allowed && !raw_allowed)
      throw ApiError(415, "unsupported_media_type", "send the body as application/json");
  }
  return match.route->handler(call);
}

HttpResponse json_response(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  return r;
}

void require_role(const Call& call, std::initializer_list<Role> roles) {
  for (auto role : roles)
    if (call.principal.role == role) return;
  throw ApiError(403, "forbidden",
                 "the " + std::string(to_string(call.principal.role)) + " role may not do this");
}

std::int64_t page_limit(const Call& call) {
  auto text = call.query_value("limit");
  if (!text) return 50;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc{} || end != text->data() + text->size() || n < 1 || n > 500)
    throw ApiError(400, "bad_query", "limit must be a number from 1 to 500", "limit");
  return n;
}

std::int64_t page_cursor(const Call& call) {
  auto text = call.query_value("cursor");
  if (!text) return 0;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc{} || end != text->data() + text->size() || n < 0)
    throw ApiError(400, "bad_cursor", "the cursor is not one this server returned", "cursor");
  return n;
}

Appointment visible_appointment(const Call& call) {
  const auto id = call.id_param("id");
  auto a = find_appointment(call.db, id);
  if (!a || !call.principal.may_see(*a))
    throw ApiError(404, "appointment_not_found", "no appointment " + std::to_string(id));
  return *a;
}

}  // namespace assist
