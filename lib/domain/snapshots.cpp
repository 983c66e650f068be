#include "domain/snapshots.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "domain/appointments.h"
#include "domain/errors.h"
#include "util/byte_size.h"
#include "util/image_size.h"
#include "util/media_type.h"

namespace assist {
namespace {

constexpr const char* columns =
    "id, appointment_id, role, name, source, media_type, width, height, size, sha256, taken_at, annotates";

Snapshot read_row(Stmt& s) {
  return {s.integer(0),
          s.integer(1),
          call_role_from(s.text(2)),
          s.text(3),
          snapshot_source_from(s.text(4)),
          s.text(5),
          static_cast<int>(s.integer(6)),
          static_cast<int>(s.integer(7)),
          s.integer(8),
          s.text(9),
          s.integer(10),
          s.optional_integer(11)};
}


}  // namespace

std::string_view to_string(SnapshotSource source) { return source == SnapshotSource::server ? "server" : "device"; }

SnapshotSource snapshot_source_from(std::string_view text) {
  if (text == "device") return SnapshotSource::device;
  if (text == "server") return SnapshotSource::server;
  throw DomainError(ErrorKind::invalid, "invalid_source", "a snapshot's source is 'device' or 'server'");
}

Snapshot store_snapshot(Db& db, const BlobStore& blobs, const NewSnapshot& in) {
  if (in.bytes.empty()) throw DomainError(ErrorKind::invalid, "empty_snapshot", "the photo is empty");
  if (static_cast<std::int64_t>(in.bytes.size()) > max_snapshot_bytes)
    throw DomainError(ErrorKind::too_large, "snapshot_too_large",
                      "a photo may not be larger than " + format_byte_size(max_snapshot_bytes));
  const auto type = detect_media_type(in.bytes);
  const auto size = image_size(in.bytes);
  if ((type != "image/jpeg" && type != "image/png") || !size)
    throw DomainError(ErrorKind::unsupported, "snapshot_not_image",
                      "a photo is a JPEG or PNG image; this is " + type);
  if (in.annotates) {
    const auto original = find_snapshot(db, *in.annotates);
    if (!original || original->appointment_id != in.appointment_id)
      throw DomainError(ErrorKind::invalid, "annotates_unknown",
                        "photo " + std::to_string(*in.annotates) + " is not one of this appointment's");
  }
  const auto taken = count_per_appointment(db, "snapshots", {in.appointment_id});
  if (!taken.empty() && taken.begin()->second >= max_snapshots_per_appointment)
    throw DomainError(ErrorKind::conflict, "snapshot_limit_reached",
                      "this appointment already has " + std::to_string(max_snapshots_per_appointment) + " photos");
  // The bytes first: a row never points at a blob that is not there.
  const auto sha = blobs.put(in.bytes);
  const auto bytes = static_cast<std::int64_t>(in.bytes.size());
  Transaction tx(db);
  db.prepare(
        "INSERT INTO snapshots (appointment_id, role, name, source, media_type, width, height, size, sha256, taken_at, "
        "annotates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, in.appointment_id)
      .bind(2, to_string(in.role))
      .bind(3, in.name)
      .bind(4, to_string(in.source))
      .bind(5, type)
      .bind(6, size->width)
      .bind(7, size->height)
      .bind(8, bytes)
      .bind(9, sha)
      .bind(10, in.now)
      .bind(11, in.annotates)
      .run();
  const auto id = db.last_insert_id();
  nlohmann::json details{{"snapshot_id", id},
                         {"source", to_string(in.source)},
                         {"width", size->width},
                         {"height", size->height},
                         {"sha256", sha}};
  if (in.annotates) details["annotates"] = *in.annotates;
  audit_append(db, in.actor, "snapshot.taken", "appointment", std::to_string(in.appointment_id), details);
  tx.commit();
  return {id,    in.appointment_id, in.role, in.name, in.source, type, size->width, size->height, bytes, sha,
          in.now, in.annotates};
}

std::vector<Snapshot> list_snapshots(Db& db, std::int64_t appointment_id) {
  auto stmt = db.prepare(std::string("SELECT ") + columns + " FROM snapshots WHERE appointment_id = ? ORDER BY id");
  stmt.bind(1, appointment_id);
  std::vector<Snapshot> out;
  while (stmt.step()) out.push_back(read_row(stmt));
  return out;
}

std::map<std::int64_t, int> count_snapshots(Db& db, const std::vector<std::int64_t>& appointment_ids) {
  return count_per_appointment(db, "snapshots", appointment_ids);
}

std::optional<Snapshot> find_snapshot(Db& db, std::int64_t id) {
  auto stmt = db.prepare(std::string("SELECT ") + columns + " FROM snapshots WHERE id = ?");
  stmt.bind(1, id);
  if (!stmt.step()) return std::nullopt;
  return read_row(stmt);
}

}  // namespace assist
