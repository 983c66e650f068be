// Colours as operators write them ("#0b62d6") and whether text stays readable on them.
#pragma once

#include <optional>
#include <string>

namespace assist {

struct Rgb {
  int r = 0, g = 0, b = 0;  // 0..255
};

// "#RRGGBB" (either case); nullopt for anything else.
std::optional<Rgb> parse_hex_color(const std::string& text);

// WCAG 2.1's contrast ratio of two colours, from 1 (none) to 21 (black on white).
double contrast_ratio(Rgb a, Rgb b);

}  // namespace assist
