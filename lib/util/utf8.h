// UTF-8 as it arrives from browsers: checked, never trusted.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace assist {

// Length in bytes of the valid UTF-8 sequence starting at `at`; 0 when there is none.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);
// Code points in `text`; nullopt when it is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);

}  // namespace assist
