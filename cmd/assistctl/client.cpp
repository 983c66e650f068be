#include "client.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

namespace assist::ctl {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using CurlHeaders = std::unique_ptr<curl_slist, CurlDeleter>;

std::size_t append(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// A handle aimed at `path` on the endpoint, with the method and the headers every request
// carries (`accept`, the API key); `where` names the endpoint for error messages.
CurlHandle open_request(const Endpoint& ep, const std::string& method, const std::string& path,
                        const std::string& accept, CurlHeaders& headers, std::string& where) {
  CurlHandle curl(curl_easy_init());
  if (!curl) throw Unreachable("libcurl failed to initialise", false);
  CURL* c = curl.get();
  if (ep.url.empty()) {
    curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, ep.socket_path.c_str());
    curl_easy_setopt(c, CURLOPT_URL, ("http://localhost" + path).c_str());
    where = "the control socket " + ep.socket_path;
  } else {
    curl_easy_setopt(c, CURLOPT_URL, (ep.url + path).c_str());
    if (!ep.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ep.ca_file.c_str());
    where = ep.url;
  }
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  auto add_header = [&](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  add_header("Accept: " + accept);
  add_header("Expect:");
  if (!ep.url.empty() && !ep.api_key.empty()) add_header("Authorization: Bearer " + ep.api_key);
  return curl;
}

void perform(CURL* c, const std::string& where) {
  const auto rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    throw Unreachable("cannot reach assistd at " + where + ": " + curl_easy_strerror(rc),
                      rc == CURLE_OPERATION_TIMEDOUT);
}

// The state of one download, shared with libcurl's callbacks.
struct Transfer {
  CURL* curl = nullptr;
  const DownloadSink* sink = nullptr;
  DownloadReply reply;
  bool begun = false;   // sink->begin was called
  bool is_2xx = false;  // known once the first byte arrived
  std::int64_t received = 0;

  static constexpr std::size_t max_error_body = 64 * 1024;

  bool begin() {
    begun = true;
    curl_off_t length = -1;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    return sink->begin(reply.status, length);
  }

  static std::size_t on_data(char* data, std::size_t size, std::size_t n, void* self) {
    auto& t = *static_cast<Transfer*>(self);
    const auto bytes = size * n;
    if (!t.begun && !t.reply.stopped) {
      curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &t.reply.status);
      t.is_2xx = t.reply.status >= 200 && t.reply.status < 300;
      if (!t.is_2xx) {
        t.begun = true;  // an error's body: kept for its problem+json, never handed on
      } else if (!t.begin()) {
        t.reply.stopped = true;
        return 0;
      }
    }
    if (!t.is_2xx) {
      const auto room = max_error_body - std::min(max_error_body, t.reply.body.size());
      t.reply.body.append(data, std::min(room, bytes));
      return bytes;
    }
    if (!t.sink->write(std::string_view(data, bytes))) {
      t.reply.stopped = true;
      return 0;
    }
    t.received += static_cast<std::int64_t>(bytes);
    return bytes;
  }

  static int on_progress(void* self, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
    auto& t = *static_cast<Transfer*>(self);
    if (t.is_2xx && t.sink->progress) t.sink->progress(now, total > 0 ? total : -1);
    return 0;
  }
};

}  // namespace

Reply call_daemon(const Endpoint& ep, const std::string& method, const std::string& path,
                  const std::string& body) {
  CurlHeaders headers;
  std::string where;
  auto curl = open_request(ep, method, path, "application/json", headers, where);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_TIMEOUT, ep.timeout_seconds);
  if (!body.empty()) {
    headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  Reply reply;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  perform(c, where);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

DownloadReply download_from_daemon(const Endpoint& ep, const std::string& path, std::int64_t from,
                                   const DownloadSink& sink) {
  CurlHeaders headers;
  std::string where;
  auto curl = open_request(ep, "GET", path, "*/*", headers, where);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  // A long recording may take longer than --timeout to arrive: only a stall is a timeout.
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, ep.timeout_seconds);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, ep.timeout_seconds);
  const auto range = std::to_string(from) + "-";
  if (from > 0) curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
  Transfer t;
  t.curl = c;
  t.sink = &sink;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Transfer::on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &Transfer::on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  const auto rc = curl_easy_perform(c);
  if (t.reply.stopped) return std::move(t.reply);
  if (rc != CURLE_OK) {
    const std::string why = curl_easy_strerror(rc);
    throw Unreachable(t.received > 0 ? "the download from assistd at " + where + " broke off: " + why
                                     : "cannot reach assistd at " + where + ": " + why,
                      rc == CURLE_OPERATION_TIMEDOUT);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.reply.status);
  t.is_2xx = t.reply.status >= 200 && t.reply.status < 300;
  if (t.is_2xx && !t.begun && !t.begin()) t.reply.stopped = true;  // an empty body
  return std::move(t.reply);
}

}  // namespace assist::ctl
