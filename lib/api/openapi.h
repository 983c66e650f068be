// The OpenAPI 3 document kept in the repository (lib/api/openapi.json), compiled in.
#pragma once

#include <string_view>

namespace assist {

std::string_view openapi_document();

}  // namespace assist
