#include "client.h"

#include <curl/curl.h>

#include <memory>

namespace assist::ctl {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::size_t append(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

Reply call_daemon(const Endpoint& ep, const std::string& method, const std::string& path,
                  const std::string& body) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw Unreachable("libcurl failed to initialise", false);
  CURL* c = curl.get();
  std::string where;
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
  curl_easy_setopt(c, CURLOPT_TIMEOUT, ep.timeout_seconds);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  std::unique_ptr<curl_slist, CurlDeleter> headers;
  auto add_header = [&](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  add_header("Accept: application/json");
  add_header("Expect:");
  if (!ep.url.empty() && !ep.api_key.empty()) add_header("Authorization: Bearer " + ep.api_key);
  if (!body.empty()) {
    add_header("Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  Reply reply;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  const auto rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    throw Unreachable("cannot reach assistd at " + where + ": " + curl_easy_strerror(rc),
                      rc == CURLE_OPERATION_TIMEDOUT);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

}  // namespace assist::ctl
