// The REST API as one function from request to response; the daemon serves it over HTTPS and
// the control socket.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http.h"
#include "api/metrics.h"
#include "api/router.h"
#include "config/config.h"
#include "store/sqlite.h"

namespace assist {

struct ApiServices {
  Db& db;
  std::shared_ptr<const Config> config;  // swapped on reload
  Metrics metrics;
  std::int64_t started_at = 0;
  std::string version;
  // Told after a change to an appointment commits, so live views can refresh.
  std::function<void(std::int64_t appointment_id)> appointment_changed;
};

class Api {
 public:
  explicit Api(ApiServices& services);
  HttpResponse handle(const HttpRequest& request);
  const Router& router() const { return router_; }

 private:
  HttpResponse dispatch(const HttpRequest& request, std::string& route_name);
  ApiServices& services_;
  Router router_;
};

// Registration, one file per resource.
void add_health_routes(Router& router);
void add_session_routes(Router& router);
void add_appointment_routes(Router& router);
void add_user_routes(Router& router);
void add_api_key_routes(Router& router);
void add_queue_routes(Router& router);
void add_audit_routes(Router& router);
void add_notification_routes(Router& router);

// SMS providers report delivery to this open route with an HTML form body, not JSON.
inline constexpr const char* status_callback_route = "/api/v1/notifications/{id}/status";

// Helpers shared by the route files.
std::string request_cookie(const HttpRequest& request, const std::string& name);
HttpResponse json_response(int status, const std::string& body);
void require_role(const Call& call, std::initializer_list<Role> roles);
std::int64_t page_limit(const Call& call);   // ?limit=, 1..500, default 50
std::int64_t page_cursor(const Call& call);  // ?cursor=, opaque to clients

}  // namespace assist
