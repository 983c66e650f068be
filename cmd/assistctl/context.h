// What every assistctl command shares: where the daemon is, how to print, and how a failed
// call becomes an exit code (sysexits).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <stdexcept>
#include <string>

#include "client.h"
#include "output.h"

namespace CLI {
class App;
}

namespace assist::ctl {

constexpr int exit_usage = 64;        // EX_USAGE
constexpr int exit_data = 65;         // EX_DATAERR: the daemon refused the request's data
constexpr int exit_unavailable = 69;  // EX_UNAVAILABLE: the daemon cannot be reached
constexpr int exit_cannot_create = 73;  // EX_CANTCREAT: an output file cannot be created
constexpr int exit_io = 74;           // EX_IOERR: writing an output file failed
constexpr int exit_temp = 75;         // EX_TEMPFAIL: timed out or busy; try again
constexpr int exit_denied = 77;       // EX_NOPERM
constexpr int exit_config = 78;       // EX_CONFIG

class CtlError : public std::runtime_error {
 public:
  CtlError(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

struct Context {
  Endpoint endpoint;
  Format format = Format::table;
  bool quiet = false;
  std::function<int()> action;  // set by the chosen subcommand

  // Throws CtlError when the daemon cannot be asked at all: --url without an API key, a control
  // socket this user may not open.
  void check_endpoint() const;
  // The CtlError for an answer other than 2xx: the problem's "detail (code)", and the exit
  // status for its HTTP status.
  static CtlError refusal(long status, const std::string& body);
  // Calls the daemon; returns the JSON answer (null for 204) or throws CtlError.
  nlohmann::json call(const std::string& method, const std::string& path,
                      const nlohmann::json& body = nullptr) const;
  // Follows next_cursor until `limit` items are gathered or the list ends.
  nlohmann::json fetch_list(const std::string& path, std::size_t limit) const;
};

// "?a=1&b=2" from the pairs with a non-empty value.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& pairs);

void add_appointment_commands(CLI::App& app, Context& ctx);
void add_user_commands(CLI::App& app, Context& ctx);
void add_api_key_commands(CLI::App& app, Context& ctx);
void add_queue_commands(CLI::App& app, Context& ctx);
void add_audit_commands(CLI::App& app, Context& ctx);
void add_status_commands(CLI::App& app, Context& ctx);
// After add_appointment_commands: adds `appointment send-link` to that group.
void add_notification_commands(CLI::App& app, Context& ctx);
void add_recording_commands(CLI::App& app, Context& ctx);
void add_compose_command(CLI::App& recording, Context& ctx);  // under "recording"
void add_snapshot_commands(CLI::App& app, Context& ctx);

}  // namespace assist::ctl
