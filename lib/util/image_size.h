// The pixel size of a JPEG or PNG image, read from its header (a JPEG's frame header, a PNG's
// IHDR chunk) without decoding it.
#pragma once

#include <optional>
#include <string_view>

namespace assist {

struct ImageSize {
  int width = 0;
  int height = 0;
};

// nullopt when the bytes are not a JPEG or PNG whose size can be read, or it is zero.
std::optional<ImageSize> image_size(std::string_view bytes);

}  // namespace assist
