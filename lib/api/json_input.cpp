#include "api/json_input.h"

#include <algorithm>

#include "api/problem.h"

namespace assist {

JsonInput::JsonInput(const std::string& body, std::initializer_list<std::string_view> allowed) {
  if (body.empty()) {
    doc_ = nlohmann::json::object();
    return;
  }
  doc_ = nlohmann::json::parse(body, nullptr, false);
  if (doc_.is_discarded())
    throw ApiError(400, "malformed_json", "the request body is not valid JSON");
  if (!doc_.is_object())
    throw ApiError(400, "malformed_json", "the request body must be a JSON object");
  for (const auto& [key, value] : doc_.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      throw ApiError(400, "unknown_field", "unknown field '" + key + "'", key);
  }
}

const nlohmann::json* JsonInput::get(const std::string& field) const {
  auto it = doc_.find(field);
  if (it == doc_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> JsonInput::text(const std::string& field, std::size_t max_length) const {
  auto v = get(field);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw ApiError(400, "wrong_type", "'" + field + "' must be a string", field);
  auto s = v->get<std::string>();
  check_plain_text(field, s, max_length);
  return s;
}

std::optional<std::string> JsonInput::text_or_empty(const std::string& field, std::size_t max_length) const {
  auto v = get(field);
  if (v && v->is_string() && v->get_ref<const std::string&>().empty()) return std::string();
  return text(field, max_length);
}

std::string JsonInput::required_text(const std::string& field, std::size_t max_length) const {
  auto s = text(field, max_length);
  if (!s) throw ApiError(422, "missing_field", "'" + field + "' is required", field);
  return *s;
}

std::optional<std::int64_t> JsonInput::integer(const std::string& field) const {
  auto v = get(field);
  if (!v) return std::nullopt;
  if (!v->is_number_integer())
    throw ApiError(400, "wrong_type", "'" + field + "' must be an integer", field);
  return v->get<std::int64_t>();
}

std::optional<bool> JsonInput::boolean(const std::string& field) const {
  auto v = get(field);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) throw ApiError(400, "wrong_type", "'" + field + "' must be true or false", field);
  return v->get<bool>();
}

void check_plain_text(const std::string& field, const std::string& value, std::size_t max_length) {
  if (value.empty()) throw ApiError(422, "invalid_value", "'" + field + "' must not be empty", field);
  std::size_t code_points = 0;
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f)
      throw ApiError(422, "invalid_value", "'" + field + "' must not contain control characters", field);
    if ((c & 0xC0) != 0x80) ++code_points;
  }
  if (code_points > max_length)
    throw ApiError(422, "too_long",
                   "'" + field + "' must be at most " + std::to_string(max_length) + " characters",
                   field);
}

}  // namespace assist
