// assistctl recording list|show|download|delete
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>

#include "context.h"
#include "download.h"

namespace assist::ctl {
namespace {

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

// A recording for table and CSV: participant.* from the nested object, the table's readable
// duration and size; for the table, names cannot drive the terminal.
nlohmann::json flat_row(const nlohmann::json& r, bool table) {
  nlohmann::json out = r;
  flatten(out, "participant", {"id", "role", "name"}, table);
  if (table) {
    if (out["error"].is_string()) out["error"] = printable(out["error"].get<std::string>(), false);
    out["duration"] = human_duration(number(r, "duration_ms"));
    out["size_text"] = human_size(number(r, "size"));
  }
  return out;
}

std::string recording_path(std::int64_t id) { return "/api/v1/recordings/" + std::to_string(id); }

// `request` holds the id and the options from the command line; the rest comes from the recording.
int download(const Context& ctx, DownloadRequest request) {
  const auto rec = ctx.call("GET", recording_path(request.id));
  const auto id = std::to_string(request.id);
  request.kind = "recording";
  request.content_path = recording_path(request.id) + "/content";
  request.file_name = "recording-" + id + (member(rec, "media_type") == "video/x-matroska" ? ".mkv" : ".webm");
  request.sha256 = member(rec, "sha256");
  request.size = number(rec, "size");
  const auto done = download_file(ctx, request);
  if (!ctx.quiet) {
    std::cerr << "recording " << id << ": " << done.bytes << " bytes written to " << done.where;
    if (done.verified) std::cerr << ", SHA-256 verified\n";
    else if (member(rec, "state") == "recording")
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
      print_rows(std::cout, ctx.format, items, flat_row, list_columns, csv_columns);
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

  auto args = std::make_shared<DownloadRequest>();
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

  add_compose_command(*group, ctx);

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
