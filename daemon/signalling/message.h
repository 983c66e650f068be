// The signalling protocol's messages, in one table: each type with its direction, members and
// limits. Incoming text is validated against it (a type missing from the table is refused);
// tests check outgoing messages against it; man/assistd.8 documents exactly these types.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace assist::signalling {

constexpr int protocol_version = 2;
constexpr std::size_t max_message_bytes = 64 * 1024;

enum class Direction { to_server, to_client };
enum class FieldType { text, integer, number, boolean, array, object };

struct FieldSpec {
  std::string_view name;
  FieldType type = FieldType::text;
  bool required = true;
  std::int64_t min = 0;  // integers and numbers: smallest value
  std::int64_t max = 0;  // texts: longest length in bytes; integers and numbers: largest value
};

struct MessageSpec {
  std::string_view type;
  Direction direction;
  std::vector<FieldSpec> fields;
  std::string_view summary;
};

std::span<const MessageSpec> message_table();
const MessageSpec* find_message(std::string_view type, Direction direction);

// A message that breaks the protocol; `code` is the stable `error.code` sent back.
class ProtocolError : public std::runtime_error {
 public:
  ProtocolError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// An incoming message that passed the table's checks: known type, members of the right
// types within their limits, nothing else.
class Message {
 public:
  static Message parse(const std::string& text);  // throws ProtocolError

  const std::string& type() const { return type_; }
  std::string text(std::string_view name) const;  // "" when absent
  std::optional<std::string> optional_text(std::string_view name) const;
  std::optional<std::int64_t> integer(std::string_view name) const;
  std::optional<double> number(std::string_view name) const;  // an integer or a fraction
  const nlohmann::json* member(std::string_view name) const;  // an array or object as sent; nullptr when absent
  bool flag(std::string_view name) const;  // false when absent

 private:
  nlohmann::json doc_;
  std::string type_;
};

// "" when `message` is a well-formed server → client message, else what is wrong.
std::string check_outgoing(const nlohmann::json& message);

// The `error` message; `final` tells the page that trying again cannot help.
std::string error_message(std::string_view code, std::string_view text, bool final);

}  // namespace assist::signalling
