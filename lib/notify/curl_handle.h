// RAII for libcurl handles, and the HTTP POST and SMTP exchanges the providers need.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <vector>

namespace assist {

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlPtr = std::unique_ptr<CURL, CurlFree>;

struct CurlSlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistFree>;

CurlSlistPtr make_slist(const std::vector<std::string>& lines);

struct TransferResult {
  CURLcode code = CURLE_OK;
  long status = 0;  // HTTP status or SMTP reply code of the last command
  std::string body;
  std::string error;  // libcurl's message when code != CURLE_OK
};

struct HttpPost {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  std::string username, password;  // basic auth when username is set
  long timeout_seconds = 15;
};
TransferResult http_post(const HttpPost& request);

struct SmtpSend {
  std::string url;  // smtp://host:port or smtps://host:port
  bool require_tls = true;  // STARTTLS on smtp://
  std::string username, password;
  std::string from;
  std::string to;
  std::string message;  // the whole RFC 5322 text
  long timeout_seconds = 30;
};
TransferResult smtp_send(const SmtpSend& request);

}  // namespace assist
