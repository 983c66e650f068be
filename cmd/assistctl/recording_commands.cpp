// assistctl recording list|show|download|delete
#include <CLI/CLI.hpp>
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
#include <limits>
#include <memory>
#include <utility>

#include "context.h"

namespace assist::ctl {
namespace {

namespace fs = std::filesystem;

// Table columns: names escaped for the terminal, durations and sizes made readable (flat_row).
const std::vector<Column> list_columns = {
    {"id", "ID"},       {"participant.name", "PARTICIPANT"}, {"participant.role", "ROLE"},
    {"state", "STATE"}, {"started_at", "STARTED"},           {"duration", "DURATION"},
    {"size_text", "SIZE"}};

// CSV (and `show` as CSV): the API's fields, raw units, nested ones as "participant.role".
const std::vector<Column> csv_columns = {
    {"id", "id"},
    {"appointment_id", "appointment_id"},
    {"participant.id", "participant.id"},
    {"participant.name", "participant.name"},
    {"participant.role", "participant.role"},
    {"state", "state"},
    {"media_type", "media_type"},
    {"started_at", "started_at"},
    {"ended_at", "ended_at"},
    {"duration_ms", "duration_ms"},
    {"size", "size"},
    {"sha256", "sha256"},
    {"error", "error"}};

const std::vector<Column> detail_columns = {
    {"id", "id"},
    {"appointment_id", "appointment_id"},
    {"participant.name", "participant"},
    {"participant.id", "participant_id"},
    {"participant.role", "role"},
    {"state", "state"},
    {"media_type", "media_type"},
    {"started_at", "started_at"},
    {"ended_at", "ended_at"},
    {"duration_ms", "duration_ms"},
    {"size", "size"},
    {"sha256", "sha256"},
    {"error", "error"},
    {"content_url", "content_url"}};

std::string member(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::int64_t number(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : -1;
}

// 6s, 1m05s, 1h02m03s.
std::string human_duration(std::int64_t ms) {
  if (ms < 0) return "";
  const auto s = ms / 1000;
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%lldh%02lldm%02llds", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

// 512 B, 11.8 KiB, 3.4 MiB, 1.2 GiB.
std::string human_size(std::int64_t bytes) {
  if (bytes < 0) return "";
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* const units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(units)) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[unit]);
  return buf;
}

// A recording for table and CSV: participant.* from the nested object, the table's readable
// duration and size; for the table, names cannot drive the terminal.
nlohmann::json flat_row(const nlohmann::json& r, bool table) {
  nlohmann::json out = r;
  const auto participant = r.value("participant", nlohmann::json::object());
  for (const char* key : {"id", "role", "name"}) {
    const auto value = member(participant, key);
    out[std::string("participant.") + key] = table ? printable(value, false) : value;
  }
  if (table) {
    if (out["error"].is_string()) out["error"] = printable(out["error"].get<std::string>(), false);
    out["duration"] = human_duration(number(r, "duration_ms"));
    out["size_text"] = human_size(number(r, "size"));
  }
  return out;
}

std::string recording_path(std::int64_t id) { return "/api/v1/recordings/" + std::to_string(id); }

// ---- download ----

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

struct DownloadArgs {
  std::int64_t id = 0;
  std::string to;
  bool force = false;
  bool resume = false;
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
Fd open_part(Destination& d, const DownloadArgs& a) {
  if (exists_no_follow(d.part) && !a.resume && !a.force)
    throw CtlError(exit_cannot_create,
                   d.part + " exists: an earlier download to " + d.target +
                       " stopped before the end; --resume continues it, --force starts again");
  const int flags = a.resume ? O_RDWR | O_CREAT | O_NOFOLLOW : O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW;
  // A recording is personal data: readable by its owner only.
  Fd fd(::open(d.part.c_str(), flags | O_CLOEXEC, 0600));
  if (fd.get() < 0) throw CtlError(exit_cannot_create, "cannot create " + d.part + ": " + error_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw CtlError(exit_cannot_create, d.part + " is not a regular file");
  d.fd = fd.get();
  if (a.resume) {
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

int download(const Context& ctx, const DownloadArgs& a) {
  const auto rec = ctx.call("GET", recording_path(a.id));
  const auto id = std::to_string(a.id);
  const auto file_name =
      "recording-" + id + (member(rec, "media_type") == "video/x-matroska" ? ".mkv" : ".webm");
  const auto expected_sha = member(rec, "sha256");
  const auto expected_size = number(rec, "size");
  const auto state = member(rec, "state");

  Destination d;
  Fd file;
  if (a.to == "-") {
    if (a.resume) throw CtlError(exit_usage, "--resume needs a file: it cannot continue standard output");
    if (::isatty(STDOUT_FILENO))
      throw CtlError(exit_usage, "standard output is a terminal: redirect it, or give --to FILE");
    d.target = "-";
    d.fd = STDOUT_FILENO;
  } else {
    d.target = a.to.empty() ? file_name : a.to;
    std::error_code ec;
    if (!a.to.empty() && fs::is_directory(a.to, ec)) d.target = (fs::path(a.to) / file_name).string();
    if (exists_no_follow(d.target) && !a.force)
      throw CtlError(exit_cannot_create, d.target + " already exists (--force replaces it)");
    d.part = d.target + ".part";
    file = open_part(d, a);
    // What the daemon said it has decides whether a part file is finished, or is another file.
    if (expected_size >= 0 && d.offset > expected_size) d.restart_or_throw();
  }

  Progress progress(!ctx.quiet && ::isatty(STDERR_FILENO), d.to_stdout() ? "recording " + id : d.target);
  std::int64_t total = expected_size;
  DownloadSink sink;
  sink.begin = [&](long status, std::int64_t length) {
    if (status == 200 && d.offset > 0 && !d.restart()) return false;  // the whole file came, not the rest
    if (length >= 0) total = d.offset + length;
    return true;
  };
  sink.write = [&](std::string_view data) { return d.write(data); };
  sink.progress = [&](std::int64_t received, std::int64_t) { progress.show(d.offset + received, total); };

  const bool already_complete = !d.to_stdout() && d.offset > 0 && d.offset == expected_size;
  for (int attempt = 0; !already_complete; ++attempt) {
    ctx.check_endpoint();
    DownloadReply reply;
    try {
      reply = download_from_daemon(ctx.endpoint, recording_path(a.id) + "/content", d.offset, sink);
    } catch (const Unreachable& e) {
      progress.finish();
      std::string what = e.what();
      if (d.to_stdout()) {
        what += "; standard output got only the first " + std::to_string(d.bytes) + " bytes";
      } else if (d.bytes > 0) {
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
    // 416 to a resumed download: the part file is as long as the recording's file or longer (one
    // still being written has no size to compare with beforehand). Start again from the first byte.
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
  const auto where = d.to_stdout() ? std::string("standard output") : d.target;
  if (!expected_sha.empty()) {
    const auto actual = d.sha.hex();
    if (actual != expected_sha) {
      std::string what = "the SHA-256 of the " + std::to_string(d.bytes) + " bytes received, " + actual +
                         ", is not the recording's, " + expected_sha;
      if (!d.to_stdout()) {
        ::unlink(d.part.c_str());
        what += "; " + d.part + " removed";
      }
      throw CtlError(exit_data, what);
    }
  }
  if (!d.to_stdout()) move_into_place(d, a.force);
  if (!ctx.quiet) {
    std::cerr << "recording " << id << ": " << d.bytes << " bytes written to " << where;
    if (!expected_sha.empty()) std::cerr << ", SHA-256 verified\n";
    else if (state == "recording")
      std::cerr << "; it is still being recorded: this is what it held so far (no SHA-256 to verify yet)\n";
    else std::cerr << " (the daemon has no SHA-256 of it to verify)\n";
  }
  return 0;
}

}  // namespace

void add_recording_commands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand(
      "recording",
      "List, fetch and delete call recordings: one file per participant's connection while a call\n"
      "records (recording.mode in assistd.yaml).");
  group->alias("recordings");
  group->require_subcommand(1);

  auto appointment = std::make_shared<std::int64_t>(0);
  auto* list = group->add_subcommand("list", "List an appointment's recordings, oldest first");
  list->add_option("APPOINTMENT_ID", *appointment, "Appointment id")->required()->check(CLI::PositiveNumber);
  list->callback([&ctx, appointment] {
    ctx.action = [&ctx, appointment] {
      const auto items = ctx.fetch_list("/api/v1/appointments/" + std::to_string(*appointment) + "/recordings",
                                        std::numeric_limits<std::size_t>::max());
      if (ctx.format == Format::json) {
        std::cout << items.dump(2) << "\n";
        return 0;
      }
      const bool table = ctx.format == Format::table;
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& r : items) rows.push_back(flat_row(r, table));
      print_list(std::cout, ctx.format, rows, table ? list_columns : csv_columns);
      return 0;
    };
  });

  auto id = std::make_shared<std::int64_t>(0);
  auto add_id = [&](CLI::App* cmd) {
    cmd->add_option("ID", *id, "Recording id (from 'recording list')")->required()->check(CLI::PositiveNumber);
  };

  auto* show = group->add_subcommand("show", "Show one recording");
  add_id(show);
  show->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      const auto r = ctx.call("GET", recording_path(*id));
      if (ctx.format == Format::json) {
        std::cout << r.dump(2) << "\n";
        return 0;
      }
      const bool table = ctx.format == Format::table;
      print_object(std::cout, ctx.format, flat_row(r, table), table ? detail_columns : csv_columns);
      return 0;
    };
  });

  auto args = std::make_shared<DownloadArgs>();
  auto* fetch = group->add_subcommand(
      "download",
      "Save a recording's file, checked against its SHA-256.\n"
      "It is written to FILE.part and renamed to FILE when complete and verified; an existing FILE\n"
      "is kept unless --force. A recording still being recorded is saved up to what it holds.");
  fetch->add_option("ID", args->id, "Recording id (from 'recording list')")->required()->check(CLI::PositiveNumber);
  fetch->add_option("--to", args->to,
                    "Write to this file, or into this directory, or '-' for standard output (default "
                    "recording-ID.webm or .mkv, after its media type, in the current directory)");
  fetch->add_flag("--force", args->force, "Replace FILE (and a FILE.part left by an earlier download)");
  fetch->add_flag("--resume", args->resume,
                  "Continue from what FILE.part holds, left by a download that stopped");
  fetch->callback([&ctx, args] { ctx.action = [&ctx, args] { return download(ctx, *args); }; });

  auto* remove = group->add_subcommand(
      "delete", "Delete a recording's file and its record, audited (admin only; not while it is being recorded)");
  add_id(remove);
  remove->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      ctx.call("DELETE", recording_path(*id));
      if (!ctx.quiet) std::cerr << "recording " << *id << " deleted\n";
      return 0;
    };
  });
}

}  // namespace assist::ctl
