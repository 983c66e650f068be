#include "util/image_size.h"

#include <cstdint>

namespace assist {
namespace {

std::uint32_t big_endian(std::string_view b, std::size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  return v;
}

std::optional<ImageSize> checked(std::uint32_t width, std::uint32_t height) {
  constexpr std::uint32_t largest = 1u << 16;
  if (width == 0 || height == 0 || width > largest || height > largest) return std::nullopt;
  return ImageSize{static_cast<int>(width), static_cast<int>(height)};
}

std::optional<ImageSize> png_size(std::string_view b) {
  // Signature (8), then the first chunk, which must be IHDR: length (4), type (4), width, height.
  if (b.size() < 24 || b.substr(12, 4) != "IHDR") return std::nullopt;
  return checked(big_endian(b, 16, 4), big_endian(b, 20, 4));
}

bool is_frame_header(unsigned char marker) {
  // SOF0..SOF15, but not DHT (C4), JPG (C8) or DAC (CC), which share the range.
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

std::optional<ImageSize> jpeg_size(std::string_view b) {
  std::size_t at = 2;  // after SOI
  while (at + 4 <= b.size()) {
    if (static_cast<unsigned char>(b[at]) != 0xFF) return std::nullopt;
    const auto marker = static_cast<unsigned char>(b[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      at += 2;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // the image ended or began: no frame header
    const auto length = big_endian(b, at + 2, 2);
    if (length < 2) return std::nullopt;
    if (is_frame_header(marker)) {
      // length (2), precision (1), height (2), width (2)
      if (at + 9 > b.size()) return std::nullopt;
      return checked(big_endian(b, at + 7, 2), big_endian(b, at + 5, 2));
    }
    at += 2 + length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ImageSize> image_size(std::string_view b) {
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return png_size(b);
  if (b.size() >= 3 && b.substr(0, 3) == "\xFF\xD8\xFF") return jpeg_size(b);
  return std::nullopt;
}

}  // namespace assist
