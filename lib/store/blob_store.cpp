#include "store/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/crypto.h"

namespace assist {
namespace {

bool is_sha256_hex(const std::string& text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const auto n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", path);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string BlobStore::path_of(const std::string& sha256) const {
  return root_ + "/" + sha256.substr(0, 2) + "/" + sha256;
}

std::string BlobStore::put(std::string_view bytes) const {
  const auto sha = sha256_hex(bytes);
  const auto final_path = path_of(sha);
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec)) return sha;
  const auto tmp_dir = root_ + "/tmp";
  std::filesystem::create_directories(tmp_dir, ec);
  std::filesystem::create_directories(root_ + "/" + sha.substr(0, 2), ec);
  if (ec) throw std::runtime_error("cannot create " + root_ + ": " + ec.message());
  const auto tmp_path = tmp_dir + "/" + random_token(12);
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) fail("cannot create", tmp_path);
  try {
    write_all(fd, bytes, tmp_path);
    if (::fsync(fd) != 0) fail("cannot flush", tmp_path);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp_path.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(tmp_path.c_str());
    errno = saved;
    fail("cannot rename into", final_path);
  }
  return sha;
}

std::optional<std::string> BlobStore::read(const std::string& sha256) const {
  if (!is_sha256_hex(sha256)) return std::nullopt;
  std::ifstream in(path_of(sha256), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

std::optional<BlobStore::Located> BlobStore::locate(const std::string& sha256) const {
  if (!is_sha256_hex(sha256)) return std::nullopt;
  auto path = path_of(sha256);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return std::nullopt;
  return Located{std::move(path), size};
}

}  // namespace assist
