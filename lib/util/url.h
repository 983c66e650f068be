// Percent-encoding (RFC 3986 unreserved characters pass through), for paths, query strings
// and application/x-www-form-urlencoded bodies.
#pragma once

#include <string>
#include <string_view>

namespace assist {

std::string percent_encode(std::string_view text);

}  // namespace assist
