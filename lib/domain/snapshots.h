// Photos taken in a call: a still the customer's browser took with its camera ('device'), or a
// frame the server decoded from the video it forwards when the browser could not ('server').
// Each is checked (a JPEG or PNG whose size can be read, not too large, not too many), its bytes
// kept in a blob store of their own, and its row audited as snapshot.taken in one transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/admission.h"
#include "store/blob_store.h"
#include "store/sqlite.h"

namespace assist {

enum class SnapshotSource { device, server };
std::string_view to_string(SnapshotSource source);
// Throws DomainError (invalid, invalid_source) for anything but "device" and "server".
SnapshotSource snapshot_source_from(std::string_view text);

inline constexpr std::int64_t max_snapshot_bytes = 16 * 1024 * 1024;
inline constexpr std::int64_t max_snapshots_per_appointment = 500;

struct Snapshot {
  std::int64_t id = 0;
  std::int64_t appointment_id = 0;
  CallRole role = CallRole::customer;  // whose camera
  std::string name;
  SnapshotSource source = SnapshotSource::device;
  std::string media_type;  // image/jpeg, image/png
  int width = 0, height = 0;
  std::int64_t size = 0;
  std::string sha256;
  std::int64_t taken_at = 0;
  std::optional<std::int64_t> annotates;  // the photo this one is a drawing on
};

struct NewSnapshot {
  std::int64_t appointment_id = 0;
  CallRole role = CallRole::customer;  // whose camera
  std::string name;
  SnapshotSource source = SnapshotSource::device;
  std::string actor;  // who stored it, as the audit log names them
  std::string_view bytes;
  std::int64_t now = 0;
  std::optional<std::int64_t> annotates;  // the photo of the same appointment this one is a drawing on
};

// Refuses before anything is written: no bytes (invalid, empty_snapshot), more than
// max_snapshot_bytes (too_large, snapshot_too_large), anything but a readable JPEG or PNG
// (unsupported, snapshot_not_image), the appointment's max_snapshots_per_appointment-th
// (conflict, snapshot_limit_reached), a drawing on a photo that is not the appointment's
// (invalid, annotates_unknown).
Snapshot store_snapshot(Db& db, const BlobStore& blobs, const NewSnapshot& snapshot);

std::vector<Snapshot> list_snapshots(Db& db, std::int64_t appointment_id);
// How many photos each of these appointments has (those with none are absent).
std::map<std::int64_t, int> count_snapshots(Db& db, const std::vector<std::int64_t>& appointment_ids);
std::optional<Snapshot> find_snapshot(Db& db, std::int64_t id);

}  // namespace assist
