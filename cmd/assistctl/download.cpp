#include "download.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string_view>
#include <utility>

namespace assist::ctl {
namespace {

namespace fs = std::filesystem;

std::string error_text(int error) { return std::strerror(error); }

struct Sha256 {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};

  Sha256() {
    if (!reset()) throw CtlError(exit_io, "OpenSSL cannot compute SHA-256");
  }
  bool reset() { return ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1; }
  void update(std::string_view data) { EVP_DigestUpdate(ctx.get(), data.data(), data.size()); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &n);
    std::string out;
    char buf[3];
    for (unsigned int i = 0; i < n; ++i) {
      std::snprintf(buf, sizeof buf, "%02x", digest[i]);
      out += buf;
    }
    return out;
  }
};

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, for its error (a full disk may only show here); 0 or errno.
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// 0 or errno.
int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// "recording-7.webm: 3.4 MiB of 12.0 MiB (28%)" on one line of a terminal, redrawn at most
// four times a second; nothing when disabled (stderr not a terminal, or -q).
class Progress {
 public:
  Progress(bool enabled, std::string label) : enabled_(enabled), label_(std::move(label)) {}
  ~Progress() { finish(); }

  void show(std::int64_t done, std::int64_t total) {
    if (!enabled_ || (shown_ && done == done_)) return;
    const auto now = std::chrono::steady_clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(250) && done != total) return;
    last_ = now;
    done_ = done;
    std::string line = label_ + ": " + human_size(done);
    if (total > 0) line += " of " + human_size(total) + " (" + std::to_string(done * 100 / total) + "%)";
    const auto width = line.size();
    if (width < width_) line += std::string(width_ - width, ' ');
    width_ = width;
    std::cerr << "\r" << line << std::flush;
    shown_ = true;
  }

  void finish() {
    if (shown_) std::cerr << "\n" << std::flush;
    shown_ = false;
  }

 private:
  bool enabled_;
  std::string label_;
  bool shown_ = false;
  std::int64_t done_ = 0;
  std::size_t width_ = 0;
  std::chrono::steady_clock::time_point last_;
};

// What a download writes to: standard output, or FILE.part renamed to FILE at the end.
struct Destination {
  std::string target;  // the file asked for, or "-"
  std::string part;    // target + ".part"; empty for standard output
  int fd = -1;
  std::int64_t offset = 0;  // bytes already in the part file (--resume); the transfer goes on from there
  std::int64_t bytes = 0;   // bytes written so far, offset included
  Sha256 sha;               // of those bytes
  int write_error = 0;      // errno of a failed write

  bool to_stdout() const { return part.empty(); }

  // Empties the part file to start again from the first byte; false (write_error set) when
  // it cannot. Throws nothing: it also runs inside libcurl's callback.
  bool restart() {
    if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
      write_error = errno;
      return false;
    }
    if (!sha.reset()) {
      write_error = EIO;
      return false;
    }
    offset = bytes = 0;
    return true;
  }

  void restart_or_throw() {
    if (!restart()) throw CtlError(exit_io, "cannot empty " + part + ": " + error_text(write_error));
  }

  bool write(std::string_view data) {
    write_error = write_all(fd, data);
    if (write_error) return false;
    sha.update(data);
    bytes += static_cast<std::int64_t>(data.size());
    return true;
  }
};

bool exists_no_follow(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// Opens (or creates) the part file as the options say; with --resume reads what it holds.
Fd open_part(Destination& d, const DownloadRequest& r) {
  if (exists_no_follow(d.part) && !r.resume && !r.force)
    throw CtlError(exit_cannot_create,
                   d.part + " exists: an earlier download to " + d.target + " stopped before the end; " +
                       (r.resumable ? "--resume continues it, --force starts again" : "--force replaces it"));
  const int flags = r.resume ? O_RDWR | O_CREAT | O_NOFOLLOW : O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW;
  // A recording or a snapshot is personal data: readable by its owner only.
  Fd fd(::open(d.part.c_str(), flags | O_CLOEXEC, 0600));
  if (fd.get() < 0) throw CtlError(exit_cannot_create, "cannot create " + d.part + ": " + error_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw CtlError(exit_cannot_create, d.part + " is not a regular file");
  d.fd = fd.get();
  if (r.resume) {
    char buf[64 * 1024];
    for (;;) {
      const auto n = ::read(fd.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw CtlError(exit_io, "cannot read " + d.part + ": " + error_text(errno));
      if (n == 0) break;
      d.sha.update(std::string_view(buf, static_cast<std::size_t>(n)));
      d.bytes += n;
    }
    d.offset = d.bytes;
  }
  return fd;
}

// FILE.part → FILE; without --force, never over a file that appeared meanwhile.
void move_into_place(const Destination& d, bool force) {
  int rc = 0;
  if (force) {
    rc = ::rename(d.part.c_str(), d.target.c_str());
  } else {
    rc = ::renameat2(AT_FDCWD, d.part.c_str(), AT_FDCWD, d.target.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {  // a file system without it
      if (exists_no_follow(d.target)) errno = EEXIST;
      else rc = ::rename(d.part.c_str(), d.target.c_str());
    }
  }
  if (rc == 0) {
    const auto dir = fs::path(d.target).parent_path();
    Fd dir_fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() >= 0) ::fsync(dir_fd.get());  // the rename itself survives a crash
    return;
  }
  if (errno == EEXIST)
    throw CtlError(exit_cannot_create, d.target + " appeared during the download (--force replaces it); what was "
                                                  "received is in " + d.part);
  throw CtlError(exit_cannot_create, "cannot rename " + d.part + " to " + d.target + ": " + error_text(errno));
}

}  // namespace

Downloaded download_file(const Context& ctx, const DownloadRequest& r) {
  const auto name = r.kind + " " + std::to_string(r.id);
  Destination d;
  Fd file;
  if (r.to == "-") {
    if (r.resume) throw CtlError(exit_usage, "--resume needs a file: it cannot continue standard output");
    if (::isatty(STDOUT_FILENO))
      throw CtlError(exit_usage, "standard output is a terminal: redirect it, or give --to FILE");
    d.target = "-";
    d.fd = STDOUT_FILENO;
  } else {
    d.target = r.to.empty() ? r.file_name : r.to;
    std::error_code ec;
    if (!r.to.empty() && fs::is_directory(r.to, ec)) d.target = (fs::path(r.to) / r.file_name).string();
    if (exists_no_follow(d.target) && !r.force)
      throw CtlError(exit_cannot_create, d.target + " already exists (--force replaces it)");
    d.part = d.target + ".part";
    file = open_part(d, r);
    // What the daemon said it has decides whether a part file is finished, or is another file.
    if (r.size >= 0 && d.offset > r.size) d.restart_or_throw();
  }

  Progress progress(!ctx.quiet && ::isatty(STDERR_FILENO), d.to_stdout() ? name : d.target);
  std::int64_t total = r.size;
  DownloadSink sink;
  sink.begin = [&](long status, std::int64_t length) {
    if (status == 200 && d.offset > 0 && !d.restart()) return false;  // the whole file came, not the rest
    if (length >= 0) total = d.offset + length;
    return true;
  };
  sink.write = [&](std::string_view data) { return d.write(data); };
  sink.progress = [&](std::int64_t received, std::int64_t) { progress.show(d.offset + received, total); };

  const bool already_complete = !d.to_stdout() && d.offset > 0 && d.offset == r.size;
  for (int attempt = 0; !already_complete; ++attempt) {
    ctx.check_endpoint();
    DownloadReply reply;
    try {
      reply = download_from_daemon(ctx.endpoint, r.content_path, d.offset, sink);
    } catch (const Unreachable& e) {
      progress.finish();
      std::string what = e.what();
      if (d.to_stdout()) {
        what += "; standard output got only the first " + std::to_string(d.bytes) + " bytes";
      } else if (d.bytes > 0 && r.resumable) {
        what += "; the " + std::to_string(d.bytes) + " bytes received are kept in " + d.part +
                ": run the same command with --resume to continue";
      } else {
        ::unlink(d.part.c_str());
      }
      throw CtlError(e.timed_out() ? exit_temp : exit_unavailable, what);
    }
    progress.finish();
    if (reply.stopped) {
      if (!d.to_stdout()) ::unlink(d.part.c_str());
      throw CtlError(exit_io, "cannot write " + (d.to_stdout() ? std::string("standard output") : d.part) + ": " +
                                  error_text(d.write_error));
    }
    if (reply.status >= 200 && reply.status < 300) break;
    // 416 to a resumed download: the part file is as long as the file or longer (one still being
    // written has no size to compare with beforehand). Start again from the first byte.
    if (reply.status == 416 && d.offset > 0 && attempt == 0) {
      d.restart_or_throw();
      continue;
    }
    if (!d.to_stdout() && d.bytes == 0) ::unlink(d.part.c_str());
    throw Context::refusal(reply.status, reply.body);
  }

  if (!d.to_stdout()) {
    if (::fsync(d.fd) != 0 || file.close() != 0) {
      const auto error = errno;
      ::unlink(d.part.c_str());
      throw CtlError(exit_io, "cannot write " + d.part + ": " + error_text(error));
    }
  }
  if (!r.sha256.empty()) {
    const auto actual = d.sha.hex();
    if (actual != r.sha256) {
      std::string what = "the SHA-256 of the " + std::to_string(d.bytes) + " bytes received, " + actual +
                         ", is not the " + r.kind + "'s, " + r.sha256;
      if (!d.to_stdout()) {
        ::unlink(d.part.c_str());
        what += "; " + d.part + " removed";
      }
      throw CtlError(exit_data, what);
    }
  }
  if (!d.to_stdout()) move_into_place(d, r.force);
  return {d.to_stdout() ? std::string("standard output") : d.target, d.bytes, !r.sha256.empty()};
}

}  // namespace assist::ctl
