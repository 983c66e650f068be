// Sizes as operators write them: "25MiB", "512KiB", "1GiB", "4096B".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace assist {

// B, KiB, MiB or GiB after a whole number; a bare number is refused (the unit must be explicit).
std::optional<std::int64_t> parse_byte_size(std::string_view text);
// The largest unit that divides the size exactly: 26214400 → "25MiB", 1000 → "1000B".
std::string format_byte_size(std::int64_t bytes);

}  // namespace assist
