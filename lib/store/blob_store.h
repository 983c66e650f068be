// Shared files' bytes, content-addressed: ROOT/<first 2 hex>/<sha256>. A file appears under
// its final name whole or not at all (written to ROOT/tmp, flushed, then renamed), so a crash
// or a refused upload never leaves a partial file where a download could find it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace assist {

class BlobStore {
 public:
  explicit BlobStore(std::string root) : root_(std::move(root)) {}

  // Stores the bytes (once: the same content shares one file) and returns their SHA-256 in
  // hex. Throws std::runtime_error when the disk refuses.
  std::string put(std::string_view bytes) const;
  // nullopt when there is no such blob (or `sha256` is not 64 hex digits).
  std::optional<std::string> read(const std::string& sha256) const;
  // Where a blob is and how large, for streaming it without reading it; nullopt as for read().
  struct Located {
    std::string path;
    std::uint64_t size = 0;
  };
  std::optional<Located> locate(const std::string& sha256) const;
  std::string path_of(const std::string& sha256) const;

 private:
  std::string root_;
};

}  // namespace assist
