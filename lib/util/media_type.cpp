#include "util/media_type.h"

#include <magic.h>

#include <memory>
#include <stdexcept>

namespace assist {
namespace {

struct MagicCloser {
  void operator()(magic_t m) const { magic_close(m); }
};
using Magic = std::unique_ptr<std::remove_pointer_t<magic_t>, MagicCloser>;

Magic open_magic() {
  // No decompression (a zip bomb stays a zip), no following of symlinks: the bytes only.
  Magic m(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS));
  if (!m || magic_load(m.get(), nullptr) != 0)
    throw std::runtime_error(std::string("cannot load libmagic's database: ") +
                             (m ? magic_error(m.get()) : "out of memory"));
  return m;
}

}  // namespace

std::string detect_media_type(std::string_view bytes) {
  thread_local Magic magic = open_magic();
  const char* type = magic_buffer(magic.get(), bytes.data(), bytes.size());
  return type ? std::string(type) : "application/octet-stream";
}

}  // namespace assist
