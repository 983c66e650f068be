#include "api/problem.h"

#include <nlohmann/json.hpp>

namespace assist {

const char* status_title(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

HttpResponse problem_response(int status, const std::string& code, const std::string& detail,
                              const std::string& field) {
  nlohmann::json body = {{"type", "urn:assist:problem:" + code},
                         {"title", status_title(status)},
                         {"status", status},
                         {"code", code},
                         {"detail", detail}};
  if (!field.empty()) body["field"] = field;
  HttpResponse r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = body.dump();
  return r;
}

}  // namespace assist
