// The operator's logo (branding.logo): a PNG, JPEG or WebP file of at most 256 KiB, shown on
// the customer pages and in emails. Never SVG, which can carry scripts.
#pragma once

#include <cstddef>
#include <string>

namespace assist {

inline constexpr std::size_t max_logo_bytes = 256 * 1024;

struct Logo {
  std::string bytes;
  std::string media_type;  // "image/png", "image/jpeg" or "image/webp"
  std::string error;       // why it cannot be used; "" when it can
};

// Reads and checks the file at `path` (absolute).
Logo read_logo(const std::string& path);

}  // namespace assist
