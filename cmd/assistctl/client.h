// assistctl's way to the daemon: HTTP over the Unix control socket, or HTTPS with an API key.
#pragma once

#include <stdexcept>
#include <string>

namespace assist::ctl {

struct Endpoint {
  std::string socket_path;  // used when url is empty
  std::string url;          // "https://host:port"
  std::string api_key;
  std::string ca_file;      // trust this certificate (e.g. the daemon's self-signed one)
  long timeout_seconds = 30;
};

struct Reply {
  long status = 0;
  std::string body;
};

// The daemon could not be reached or did not answer in time.
class Unreachable : public std::runtime_error {
 public:
  Unreachable(const std::string& what, bool timed_out) : std::runtime_error(what), timed_out_(timed_out) {}
  bool timed_out() const { return timed_out_; }

 private:
  bool timed_out_;
};

Reply call_daemon(const Endpoint& endpoint, const std::string& method, const std::string& path,
                  const std::string& json_body = "");

}  // namespace assist::ctl
