#include "util/logo.h"

#include <fstream>
#include <iterator>

#include "util/media_type.h"

namespace assist {

Logo read_logo(const std::string& path) {
  Logo logo;
  if (path.empty() || path.front() != '/') {
    logo.error = "must be an absolute path";
    return logo;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    logo.error = "cannot read '" + path + "'";
    return logo;
  }
  logo.bytes.assign(std::istreambuf_iterator<char>(in), {});
  if (logo.bytes.size() > max_logo_bytes) {
    logo.error = "'" + path + "' is " + std::to_string(logo.bytes.size() / 1024) + " KiB; a logo may be at most 256 KiB";
    return logo;
  }
  const auto type = detect_media_type(logo.bytes);
  if (type != "image/png" && type != "image/jpeg" && type != "image/webp") {
    logo.error = "'" + path + "' is " + type + "; a logo must be a PNG, JPEG or WebP image";
    return logo;
  }
  logo.media_type = type;
  return logo;
}

}  // namespace assist
