#include "notify/curl_handle.h"

#include <algorithm>
#include <cstring>

namespace assist {
namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Upload {
  const std::string& text;
  std::size_t offset = 0;
};

std::size_t feed(char* buffer, std::size_t size, std::size_t n, void* state) {
  auto* upload = static_cast<Upload*>(state);
  const auto count = std::min(size * n, upload->text.size() - upload->offset);
  std::memcpy(buffer, upload->text.data() + upload->offset, count);
  upload->offset += count;
  return count;
}

TransferResult perform(CURL* curl) {
  TransferResult r;
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  r.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  if (r.code != CURLE_OK) r.error = error[0] ? error : curl_easy_strerror(r.code);
  return r;
}

}  // namespace

CurlSlistPtr make_slist(const std::vector<std::string>& lines) {
  curl_slist* list = nullptr;
  for (const auto& line : lines) {
    auto* grown = curl_slist_append(list, line.c_str());
    if (!grown) {
      curl_slist_free_all(list);
      throw std::bad_alloc();
    }
    list = grown;
  }
  return CurlSlistPtr(list);
}

TransferResult http_post(const HttpPost& req) {
  CurlPtr curl(curl_easy_init());
  if (!curl) return {CURLE_FAILED_INIT, 0, "", "curl_easy_init failed"};
  auto headers = make_slist(req.headers);
  curl_easy_setopt(curl.get(), CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, req.body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, req.timeout_seconds);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  if (!req.username.empty()) {
    curl_easy_setopt(curl.get(), CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl.get(), CURLOPT_USERNAME, req.username.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PASSWORD, req.password.c_str());
  }
  return perform(curl.get());
}

TransferResult smtp_send(const SmtpSend& req) {
  CurlPtr curl(curl_easy_init());
  if (!curl) return {CURLE_FAILED_INIT, 0, "", "curl_easy_init failed"};
  auto recipients = make_slist({req.to});
  Upload upload{req.message};
  curl_easy_setopt(curl.get(), CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl.get(), CURLOPT_USE_SSL, req.require_tls ? CURLUSESSL_ALL : CURLUSESSL_NONE);
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, req.from.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(curl.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_READFUNCTION, feed);
  curl_easy_setopt(curl.get(), CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, req.timeout_seconds);
  if (!req.username.empty()) {
    curl_easy_setopt(curl.get(), CURLOPT_USERNAME, req.username.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PASSWORD, req.password.c_str());
  }
  return perform(curl.get());
}

}  // namespace assist
