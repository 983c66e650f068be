// What a file is, from its bytes (libmagic), never from its name: "image/png",
// "application/x-executable".
#pragma once

#include <string>
#include <string_view>

namespace assist {

// Thread-safe (one libmagic handle per thread). "application/octet-stream" when unknown.
std::string detect_media_type(std::string_view bytes);

}  // namespace assist
