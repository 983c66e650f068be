// Transport-neutral HTTP request and response, so the API can be served by Beast in the daemon
// and driven directly by unit tests.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assist {

struct HttpRequest {
  std::string method;  // "GET"
  std::string target;  // path and query, as sent
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  bool control_socket = false;  // arrived on the Unix control socket
  std::string peer;             // for logs

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  // `length` bytes of the file at `path` from `offset`, streamed by the server (a recording
  // is too large to hold in memory). The server answers 500 if it cannot read them.
  struct FileBody {
    std::string path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  };

  int status = 200;
  std::string content_type = "application/json";
  std::string body;  // ignored when `file` is set
  std::optional<FileBody> file;
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace assist
