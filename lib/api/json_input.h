// Strict reading of JSON request bodies: unknown fields, wrong types and overlong text are
// refused with a problem naming the field.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace assist {

constexpr std::size_t max_text_field = 1000;

class JsonInput {
 public:
  // Parses `body` (an empty body is an empty object) and refuses fields not in `allowed`.
  JsonInput(const std::string& body, std::initializer_list<std::string_view> allowed);

  std::optional<std::string> text(const std::string& field, std::size_t max_length = max_text_field) const;
  // Like text(), but "" is a value (it clears a setting) rather than an error.
  std::optional<std::string> text_or_empty(const std::string& field, std::size_t max_length = max_text_field) const;
  std::string required_text(const std::string& field, std::size_t max_length = max_text_field) const;
  std::optional<std::int64_t> integer(const std::string& field) const;
  std::optional<bool> boolean(const std::string& field) const;

 private:
  const nlohmann::json* get(const std::string& field) const;
  nlohmann::json doc_;
};

// Refuses empty text, control characters and text longer than `max_length` code points.
void check_plain_text(const std::string& field, const std::string& value, std::size_t max_length);

}  // namespace assist
