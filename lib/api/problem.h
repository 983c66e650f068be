// API failures as RFC 9457 problem documents with a stable machine `code`.
#pragma once

#include <stdexcept>
#include <string>

#include "api/http.h"

namespace assist {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& detail, std::string field = "")
      : std::runtime_error(detail), status_(status), code_(std::move(code)), field_(std::move(field)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }

 private:
  int status_;
  std::string code_;
  std::string field_;
};

HttpResponse problem_response(int status, const std::string& code, const std::string& detail,
                              const std::string& field = "");
const char* status_title(int status);

}  // namespace assist
