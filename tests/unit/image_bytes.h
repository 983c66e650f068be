// The smallest JPEG and PNG headers that say their size, for tests of what reads them (no
// pixels: nothing here decodes them).
#pragma once

#include <string>

namespace assist::testing {

inline std::string big_endian(unsigned value, int bytes) {
  std::string out;
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
  return out;
}

// SOI, a JFIF APP0 segment, a baseline frame header (SOF0) and EOI.
inline std::string tiny_jpeg(unsigned width, unsigned height) {
  std::string jpeg("\xFF\xD8", 2);
  jpeg += std::string("\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 18);
  jpeg += std::string("\xFF\xC0\x00\x11\x08", 5) + big_endian(height, 2) + big_endian(width, 2) +
          std::string("\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
  jpeg += std::string("\xFF\xD9", 2);
  return jpeg;
}

// The signature and an IHDR chunk (8-bit RGB; the CRC is not checked by what reads the size).
inline std::string tiny_png(unsigned width, unsigned height) {
  return std::string("\x89PNG\r\n\x1a\n", 8) + big_endian(13, 4) + "IHDR" + big_endian(width, 4) +
         big_endian(height, 4) + std::string("\x08\x02\x00\x00\x00", 5) + big_endian(0, 4);
}

}  // namespace assist::testing
