// assistctl snapshot list|download
#include <CLI/CLI.hpp>

#include <iostream>
#include <limits>
#include <memory>

#include "context.h"
#include "download.h"

namespace assist::ctl {
namespace {

// Table columns: the picture's size as WxH, its bytes made readable, the name escaped for the
// terminal (flat_row).
const std::vector<Column> list_columns = {{"id", "ID"},         {"taken_at", "TAKEN"},
                                         {"source", "SOURCE"}, {"dimensions", "SIZE"},
                                         {"size_text", "BYTES"}, {"participant.name", "WHO"}};

// CSV: the API's fields, raw units, nested ones as "participant.role".
const std::vector<Column> csv_columns = {
    {"id", "id"},
    {"appointment_id", "appointment_id"},
    {"source", "source"},
    {"media_type", "media_type"},
    {"width", "width"},
    {"height", "height"},
    {"size", "size"},
    {"sha256", "sha256"},
    {"taken_at", "taken_at"},
    {"participant.name", "participant.name"},
    {"participant.role", "participant.role"}};

// A snapshot for table and CSV: participant.* from the nested object; for the table, "1280x720",
// a readable size, and a name that cannot drive the terminal.
nlohmann::json flat_row(const nlohmann::json& s, bool table) {
  nlohmann::json out = s;
  flatten(out, "participant", {"role", "name"}, table);
  if (table) {
    const auto width = number(s, "width"), height = number(s, "height");
    out["dimensions"] = width >= 0 && height >= 0 ? std::to_string(width) + "x" + std::to_string(height) : "";
    out["size_text"] = human_size(number(s, "size"));
  }
  return out;
}

std::string snapshot_path(std::int64_t id) { return "/api/v1/snapshots/" + std::to_string(id); }

// `request` holds the id and the options from the command line; the rest comes from the snapshot.
int download(const Context& ctx, DownloadRequest request) {
  const auto snapshot = ctx.call("GET", snapshot_path(request.id));
  const auto id = std::to_string(request.id);
  request.kind = "snapshot";
  request.content_path = snapshot_path(request.id) + "/content";
  request.file_name = "snapshot-" + id + (member(snapshot, "media_type") == "image/png" ? ".png" : ".jpg");
  request.sha256 = member(snapshot, "sha256");
  request.size = number(snapshot, "size");
  request.resumable = false;
  const auto done = download_file(ctx, request);
  if (!ctx.quiet) {
    std::cerr << "snapshot " << id << ": " << done.bytes << " bytes written to " << done.where
              << (done.verified ? ", SHA-256 verified\n" : " (the daemon has no SHA-256 of it to verify)\n");
  }
  return 0;
}

}  // namespace

void add_snapshot_commands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand(
      "snapshot",
      "List and fetch snapshots: still pictures of a participant's camera taken during a call,\n"
      "sent by the participant's device or taken by assistd from the call's video.");
  group->alias("snapshots");
  group->require_subcommand(1);

  auto appointment = std::make_shared<std::int64_t>(0);
  auto* list = group->add_subcommand("list", "List an appointment's snapshots, oldest first");
  list->add_option("APPOINTMENT_ID", *appointment, "Appointment id")->required()->check(CLI::PositiveNumber);
  list->callback([&ctx, appointment] {
    ctx.action = [&ctx, appointment] {
      const auto items = ctx.fetch_list("/api/v1/appointments/" + std::to_string(*appointment) + "/snapshots",
                                        std::numeric_limits<std::size_t>::max());
      print_rows(std::cout, ctx.format, items, flat_row, list_columns, csv_columns);
      return 0;
    };
  });

  auto args = std::make_shared<DownloadRequest>();
  auto* fetch = group->add_subcommand(
      "download",
      "Save a snapshot's picture, checked against its SHA-256.\n"
      "It is written to FILE.part and renamed to FILE when complete and verified; an existing FILE\n"
      "is kept unless --force.");
  fetch->add_option("ID", args->id, "Snapshot id (from 'snapshot list')")->required()->check(CLI::PositiveNumber);
  fetch->add_option("--to", args->to,
                    "Write to this file, or into this directory, or '-' for standard output (default "
                    "snapshot-ID.jpg or .png, after its media type, in the current directory)");
  fetch->add_flag("--force", args->force, "Replace FILE (and a FILE.part left by an earlier download)");
  fetch->callback([&ctx, args] { ctx.action = [&ctx, args] { return download(ctx, *args); }; });
}

}  // namespace assist::ctl
