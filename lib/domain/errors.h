// Failures the domain reports with a stable machine code; the API maps the kind to a status.
#pragma once

#include <stdexcept>
#include <string>

namespace assist {

enum class ErrorKind { invalid, unauthorized, forbidden, not_found, conflict, too_large, unsupported };

class DomainError : public std::runtime_error {
 public:
  DomainError(ErrorKind kind, std::string code, const std::string& detail)
      : std::runtime_error(detail), kind_(kind), code_(std::move(code)) {}
  ErrorKind kind() const { return kind_; }
  const std::string& code() const { return code_; }

 private:
  ErrorKind kind_;
  std::string code_;
};

}  // namespace assist
