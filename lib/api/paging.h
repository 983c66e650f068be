// One page of a list read with limit + 1 rows: the extra row only says that a next page exists.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace assist {

// {"items": [...], "next_cursor": "<cursor of the last item>" or null}
template <class Row, class ToJson, class CursorOf>
std::string page_json(const std::vector<Row>& rows, std::int64_t limit, ToJson to_json, CursorOf cursor_of) {
  const auto n = static_cast<std::size_t>(limit);
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = 0; i < rows.size() && i < n; ++i) items.push_back(to_json(rows[i]));
  nlohmann::json next = nullptr;
  if (rows.size() > n && n > 0) next = std::to_string(cursor_of(rows[n - 1]));
  return nlohmann::json{{"items", items}, {"next_cursor", next}}.dump();
}

}  // namespace assist
