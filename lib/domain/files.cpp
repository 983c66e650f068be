#include "domain/files.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "audit/audit_log.h"
#include "domain/errors.h"
#include "util/byte_size.h"
#include "util/file_names.h"
#include "util/media_type.h"

namespace assist {
namespace {

std::int64_t files_in(Db& db, std::int64_t appointment_id) {
  auto stmt = db.prepare("SELECT count(*) FROM files WHERE appointment_id = ?");
  stmt.bind(1, appointment_id);
  stmt.step();
  return stmt.integer(0);
}

}  // namespace

ChatMessage share_file(Db& db, const BlobStore& blobs, const FilePolicy& policy, std::int64_t appointment_id,
                       const FileSender& sender, std::string_view sent_name, std::string_view bytes,
                       std::int64_t now) {
  if (bytes.empty()) throw DomainError(ErrorKind::invalid, "empty_file", "the file is empty");
  if (static_cast<std::int64_t>(bytes.size()) > policy.max_size)
    throw DomainError(ErrorKind::too_large, "file_too_large",
                      "the file is larger than " + format_byte_size(policy.max_size));
  const auto type = detect_media_type(bytes);
  const auto& allowed = policy.allowed_types;
  if (std::find(allowed.begin(), allowed.end(), type) == allowed.end())
    throw DomainError(ErrorKind::unsupported, "file_type_refused", type + " files may not be shared");
  if (files_in(db, appointment_id) >= policy.max_per_appointment)
    throw DomainError(ErrorKind::conflict, "file_limit_reached",
                      "this appointment already has " + std::to_string(policy.max_per_appointment) + " files");
  const auto name = safe_file_name(sent_name);
  // The bytes first: a row never points at a blob that is not there. A blob whose row then
  // fails to commit is only unused space, and the next share of the same content reuses it.
  const auto sha = blobs.put(bytes);
  const auto size = static_cast<std::int64_t>(bytes.size());

  Transaction tx(db);
  db.prepare(
        "INSERT INTO files (appointment_id, sha256, name, media_type, size, shared_by, shared_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, appointment_id)
      .bind(2, sha)
      .bind(3, name)
      .bind(4, type)
      .bind(5, size)
      .bind(6, sender.actor)
      .bind(7, now)
      .run();
  const auto file_id = db.last_insert_id();
  db.prepare(
        "INSERT INTO messages (appointment_id, sender_label, sender_role, sender_name, body, sent_at, file_id) "
        "VALUES (?, '', ?, ?, ?, ?, ?)")
      .bind(1, appointment_id)
      .bind(2, to_string(sender.role))
      .bind(3, sender.name)
      .bind(4, name)
      .bind(5, now)
      .bind(6, file_id)
      .run();
  const auto message_id = db.last_insert_id();
  audit_append(db, sender.actor, "file.shared", "appointment", std::to_string(appointment_id),
               {{"file_id", file_id}, {"message_id", message_id}, {"media_type", type}, {"size", size},
                {"sha256", sha}});
  tx.commit();
  return {message_id, appointment_id, "", sender.role, sender.name, name, now, SharedFile{file_id, name, type, size}};
}

std::optional<StoredFile> find_file(Db& db, std::int64_t file_id) {
  auto stmt = db.prepare("SELECT id, name, media_type, size, appointment_id, sha256 FROM files WHERE id = ?");
  stmt.bind(1, file_id);
  if (!stmt.step()) return std::nullopt;
  return StoredFile{{stmt.integer(0), stmt.text(1), stmt.text(2), stmt.integer(3)}, stmt.integer(4), stmt.text(5)};
}

bool is_previewable(const std::string& media_type) {
  return media_type == "image/png" || media_type == "image/jpeg" || media_type == "image/gif" ||
         media_type == "image/webp";
}

}  // namespace assist
