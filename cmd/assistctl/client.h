// assistctl's way to the daemon: HTTP over the Unix control socket, or HTTPS with an API key.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

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

// Where a download's body goes as it arrives. Called on the caller's thread, from inside
// download_from_daemon; a callback returning false stops the transfer (DownloadReply::stopped).
struct DownloadSink {
  // A 2xx answer: its status (200 whole, 206 the range asked for) and how many bytes of body
  // follow (-1 unknown). Called once, before the first byte, also for an empty body.
  std::function<bool(long status, std::int64_t length)> begin;
  // The next piece of the body.
  std::function<bool(std::string_view data)> write;
  // Now and then: bytes of the body received so far and its length (-1 unknown). May be empty.
  std::function<void(std::int64_t received, std::int64_t length)> progress;
};

struct DownloadReply {
  long status = 0;
  std::string body;      // the body of an answer other than 2xx (problem+json), at most 64 KiB
  bool stopped = false;  // a sink callback returned false
};

// GET `path`, from byte `from` on when it is not 0 (Range: bytes=FROM-). A 2xx body is handed
// to `sink` piece by piece and never held whole. endpoint.timeout_seconds bounds connecting and
// any stall (no byte for that long), not the length of the transfer. Throws Unreachable as
// call_daemon does, also when the connection breaks in the middle of the body.
DownloadReply download_from_daemon(const Endpoint& endpoint, const std::string& path, std::int64_t from,
                                   const DownloadSink& sink);

}  // namespace assist::ctl
