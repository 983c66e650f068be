#include "util/byte_size.h"

#include <array>
#include <charconv>
#include <utility>

namespace assist {
namespace {

constexpr std::array<std::pair<std::string_view, std::int64_t>, 4> units{
    {{"GiB", 1LL << 30}, {"MiB", 1LL << 20}, {"KiB", 1LL << 10}, {"B", 1}}};

}  // namespace

std::optional<std::int64_t> parse_byte_size(std::string_view text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end == text.data() || n < 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  for (const auto& [name, factor] : units) {
    if (unit != name) continue;
    if (n > INT64_MAX / factor) return std::nullopt;
    return n * factor;
  }
  return std::nullopt;
}

std::string format_byte_size(std::int64_t bytes) {
  for (const auto& [name, factor] : units)
    if (bytes != 0 && bytes % factor == 0) return std::to_string(bytes / factor) + std::string(name);
  return std::to_string(bytes) + "B";
}

}  // namespace assist
