// The browser pages and their scripts (daemon/web), embedded in assistd at build time.
#pragma once

#include <string_view>
#include <vector>

namespace assist {

struct WebAsset {
  std::string_view name;  // e.g. "join.js"
  std::string_view text;
};

const std::vector<WebAsset>& web_assets();

}  // namespace assist
