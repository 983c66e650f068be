// The REST API as one function from request to response; the daemon serves it over HTTPS and
// the control socket.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "api/http.h"
#include "api/metrics.h"
#include "api/router.h"
#include "config/config.h"
#include "store/sqlite.h"
#include "util/window_limiter.h"

namespace assist {

// The running configuration, read by every request thread and swapped whole on reload.
class SharedConfig {
 public:
  explicit SharedConfig(std::shared_ptr<const Config> config) : config_(std::move(config)) {}
  std::shared_ptr<const Config> get() const {
    std::lock_guard lock(mutex_);
    return config_;
  }
  void set(std::shared_ptr<const Config> config) {
    std::lock_guard lock(mutex_);
    config_ = std::move(config);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Config> config_;
};

// What every request shares, whichever thread handles it; each thread brings its own Db.
struct ApiServices {
  SharedConfig config;
  Metrics metrics;
  std::int64_t started_at = 0;
  std::string version;
  // Told after a change to an appointment commits, so live calls and views can follow it.
  // Called on the request's thread: the receiver hands it to whoever owns call state.
  std::function<void(std::int64_t appointment_id)> appointment_changed;
  // Told after a chat message was stored outside the call (a file shared over REST), so the
  // call's participants see it. Same thread rule.
  std::function<void(std::int64_t message_id)> chat_posted;
  // Told after a photo was uploaded into a call (`request` is the call's request it answers,
  // "" when none), so the call sees it. Same thread rule.
  std::function<void(std::int64_t snapshot_id, const std::string& request)> snapshot_stored;
  // Entries through the public queue links, per client address (queues.entries_per_address).
  WindowLimiter queue_entries;
};

class Api {
 public:
  explicit Api(ApiServices& services);
  // Thread-safe: each thread passes its own connection.
  HttpResponse handle(const HttpRequest& request, Db& db);
  const Router& router() const { return router_; }

 private:
  HttpResponse dispatch(const HttpRequest& request, Db& db, std::string& route_name);
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
void add_message_routes(Router& router);
void add_waiting_routes(Router& router);
void add_file_routes(Router& router);
void add_recording_routes(Router& router);
void add_snapshot_routes(Router& router);
void add_location_routes(Router& router);

// SMS providers report delivery to this open route with an HTML form body, not JSON.
inline constexpr const char* status_callback_route = "/api/v1/notifications/{id}/status";
// A shared file arrives as its raw bytes (any type: the server finds out from the content),
// with a body limit of its own (files.max_size).
inline constexpr const char* file_upload_route = "/api/v1/appointments/{id}/files";
// A photo arrives the same way, up to max_snapshot_bytes (domain/snapshots.h).
inline constexpr const char* snapshot_upload_route = "/api/v1/appointments/{id}/snapshots";

// Helpers shared by the route files.
class JsonInput;
struct NewAppointment;
struct Appointment;
struct Queue;
nlohmann::json appointment_json(const Appointment& appointment);
// What anyone may know of a queue, as its entry page /q/<slug> shows it: name, description,
// time zone, state (open, closed, outside_hours, full) and next opening.
nlohmann::json public_queue_json(Db& db, const Queue& queue, std::int64_t now);
// customer_name, customer_phone, customer_email and locale, checked.
NewAppointment read_customer(const JsonInput& in, const Config& config);
std::string request_cookie(const HttpRequest& request, const std::string& name);
// Who sent the request (session cookie with CSRF for writes, API key, control socket), with a
// specialist's queues; ApiError 401/403 otherwise. Access::signed_in routes get it done.
Principal authenticate(const HttpRequest& request, Db& db);
HttpResponse json_response(int status, const std::string& body);
void require_role(const Call& call, std::initializer_list<Role> roles);
std::int64_t page_limit(const Call& call);   // ?limit=, 1..500, default 50
std::int64_t page_cursor(const Call& call);  // ?cursor=, opaque to clients
// The appointment {id} of the path if the caller may see it; another specialist's answers
// exactly like a missing one (404), so ids reveal nothing.
struct Appointment visible_appointment(const Call& call);

}  // namespace assist
