// assistctl recording compose: an appointment's recordings made into one side-by-side file
// (pipelines/composer.h), on this machine, at low priority.
#include <CLI/CLI.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>

#include "composer.h"
#include "context.h"
#include "download.h"

namespace assist::ctl {
namespace {

namespace fs = std::filesystem;

struct ComposeArgs {
  std::int64_t appointment = 0;
  std::string to;
  bool force = false;
};

// A temporary directory in `parent`, removed with what it holds.
class ScratchDir {
 public:
  explicit ScratchDir(const fs::path& parent) {
    std::string pattern = (parent / ".assistctl-compose-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw CtlError(exit_cannot_create, "cannot make a temporary directory");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string clock(std::int64_t ms) {
  const auto s = ms / 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  return buf;
}

// "composing: 0:21 of 0:50 (42%)": rewritten in place on a terminal, else a line every 10 %.
class ComposeProgress {
 public:
  explicit ComposeProgress(bool quiet) : quiet_(quiet), terminal_(::isatty(STDERR_FILENO)) {}
  void show(std::int64_t done, std::int64_t total) {
    if (quiet_ || total <= 0) return;
    const auto percent = std::min<std::int64_t>(100, done * 100 / total);
    const auto line = "composing: " + clock(done) + " of " + clock(total) + " (" + std::to_string(percent) + "%)";
    if (terminal_) {
      std::cerr << "\r" << line << std::flush;
    } else if (percent / 10 > last_tenth_) {
      last_tenth_ = percent / 10;
      std::cerr << line << "\n";
    }
  }
  ~ComposeProgress() {
    if (!quiet_ && terminal_) std::cerr << "\n";
  }

 private:
  bool quiet_, terminal_;
  std::int64_t last_tenth_ = -1;
};

int compose(const Context& ctx, const ComposeArgs& args) {
  const auto id = std::to_string(args.appointment);
  const auto target = args.to.empty() ? "appointment-" + id + ".webm"
                      : fs::is_directory(args.to) ? (fs::path(args.to) / ("appointment-" + id + ".webm")).string()
                                                  : args.to;
  if (fs::exists(target) && !args.force)
    throw CtlError(exit_cannot_create, target + " already exists; use --force to replace it");
  const auto rows = ctx.fetch_list("/api/v1/appointments/" + id + "/recordings", std::numeric_limits<std::size_t>::max());
  std::vector<nlohmann::json> usable;
  for (const auto& r : rows) {
    const auto state = member(r, "state");
    if (state == "recording")
      throw CtlError(exit_temp, "recording " + std::to_string(number(r, "id")) +
                                    " is still being recorded; compose once the call has stopped recording");
    if (number(r, "size") > 0) usable.push_back(r);
  }
  if (usable.empty()) throw CtlError(exit_data, "appointment " + id + " has no recordings to compose");

  // The recordings are as large as the call was long: they go beside the result, on the disk the
  // operator chose for it, not into a /tmp that may be small or in memory.
  ScratchDir scratch(fs::absolute(target).parent_path());
  std::vector<media::ComposeInput> inputs;
  std::int64_t first_ms = std::numeric_limits<std::int64_t>::max();
  auto started_ms = [](const nlohmann::json& r) {
    const auto ms = number(r, "started_at_ms");
    return ms >= 0 ? ms : 0;
  };
  for (const auto& r : usable) first_ms = std::min(first_ms, started_ms(r));
  for (const auto& r : usable) {
    DownloadRequest d;
    d.kind = "recording";
    d.id = number(r, "id");
    d.content_path = "/api/v1/recordings/" + std::to_string(d.id) + "/content";
    d.file_name = "recording-" + std::to_string(d.id);
    d.sha256 = member(r, "sha256");
    d.size = number(r, "size");
    d.to = (scratch.path() / d.file_name).string();
    d.resumable = false;
    download_file(ctx, d);
    const bool customer = r.contains("participant") && member(r["participant"], "role") == "customer";
    inputs.push_back({d.to, customer ? 0 : 1, started_ms(r) - first_ms});
  }

  // The slow part: it gives way to everything else on this machine.
  if (::setpriority(PRIO_PROCESS, 0, 19) != 0 && !ctx.quiet)
    std::cerr << "assistctl: could not lower this process's priority; composing at normal priority\n";
  const auto part = target + ".part";
  ComposeProgress progress(ctx.quiet);
  try {
    media::compose(inputs, part, media::ComposeLayout{}, [&](std::int64_t done, std::int64_t total) {
      progress.show(done, total);
    });
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(part, ec);
    throw CtlError(exit_io, "composing appointment " + id + " failed: " + e.what());
  }
  std::error_code ec;
  fs::rename(part, target, ec);
  if (ec) throw CtlError(exit_io, "cannot rename " + part + " to " + target + ": " + ec.message());
  if (!ctx.quiet)
    std::cerr << "appointment " << id << ": " << usable.size() << " recordings composed into " << target << "\n";
  return 0;
}

}  // namespace

void add_compose_command(CLI::App& recording, Context& ctx) {
  auto args = std::make_shared<ComposeArgs>();
  auto* cmd = recording.add_subcommand(
      "compose",
      "Make one file of an appointment's recordings for a reviewer: the customer on the left, staff on\n"
      "the right, everyone's sound mixed (WebM, VP8 and Opus, 1280x480). The recordings are downloaded\n"
      "(SHA-256 checked) and composed on this machine at the lowest priority, with progress; the file is\n"
      "written to FILE.part and renamed to FILE when done.");
  cmd->add_option("APPOINTMENT_ID", args->appointment, "Appointment id")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--to", args->to,
                  "Write to this file or into this directory (default appointment-ID.webm in the current directory)");
  cmd->add_flag("--force", args->force, "Replace FILE");
  cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return compose(ctx, *args); }; });
}

}  // namespace assist::ctl
