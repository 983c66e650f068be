#include "domain/recordings.h"

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <filesystem>
#include <system_error>

#include "audit/audit_log.h"
#include "domain/appointments.h"
#include "domain/errors.h"
#include "util/crypto.h"

namespace assist {
namespace {

namespace fs = std::filesystem;

constexpr const char* select_columns =
    "SELECT id, appointment_id, participant_label, role, name, file, media_type, state, started_at, ended_at, "
    "duration_ms, size, sha256, error, started_ms FROM recordings ";

RecordingState state_from(const std::string& text) {
  if (text == "complete") return RecordingState::complete;
  if (text == "interrupted") return RecordingState::interrupted;
  if (text == "failed") return RecordingState::failed;
  return RecordingState::recording;
}

Recording read_recording(const Stmt& s) {
  return {s.integer(0),          s.integer(1),          s.text(2),
          call_role_from(s.text(3)), s.text(4),         s.text(5),
          s.text(6),             state_from(s.text(7)), s.integer(8),
          s.optional_integer(14), s.optional_integer(9), s.optional_integer(10), s.optional_integer(11),
          s.optional_text(12).value_or(""), s.optional_text(13).value_or("")};
}

std::optional<Recording> find_by_file(Db& db, const std::string& file) {
  auto stmt = db.prepare(std::string(select_columns) + "WHERE file = ?");
  stmt.bind(1, file);
  if (!stmt.step()) return std::nullopt;
  return read_recording(stmt);
}

std::optional<std::string> optional(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

}  // namespace

std::string_view to_string(RecordingState state) {
  switch (state) {
    case RecordingState::recording: return "recording";
    case RecordingState::complete: return "complete";
    case RecordingState::interrupted: return "interrupted";
    case RecordingState::failed: return "failed";
  }
  return "recording";
}

std::string recording_media_type(std::string_view file) {
  return file.ends_with(".mkv") ? "video/x-matroska" : "video/webm";
}

void record_recording_consent(Db& db, std::int64_t appointment_id, const std::string& actor, bool given) {
  Transaction tx(db);
  audit_append(db, actor, given ? "recording.consent_given" : "recording.consent_refused", "appointment",
               std::to_string(appointment_id), nlohmann::json::object());
  tx.commit();
}

std::int64_t begin_recording(Db& db, std::int64_t appointment_id, const RecordedParticipant& who,
                             const std::string& file, std::int64_t now_ms) {
  Transaction tx(db);
  db.prepare(
        "INSERT INTO recordings (appointment_id, participant_label, role, name, file, media_type, state, started_at, "
        "started_ms) VALUES (?, ?, ?, ?, ?, ?, 'recording', ?, ?)")
      .bind(1, appointment_id)
      .bind(2, who.label)
      .bind(3, to_string(who.role))
      .bind(4, who.name)
      .bind(5, file)
      .bind(6, recording_media_type(file))
      .bind(7, now_ms / 1000)
      .bind(8, now_ms)
      .run();
  const auto id = db.last_insert_id();
  audit_append(db, "system", "recording.started", "appointment", std::to_string(appointment_id),
               {{"recording_id", id}, {"participant", who.label}, {"role", to_string(who.role)}});
  tx.commit();
  return id;
}

bool end_recording(Db& db, const std::string& file, const RecordingEnd& end, std::int64_t now) {
  Transaction tx(db);
  const auto r = find_by_file(db, file);
  if (!r || r->state != RecordingState::recording) return false;
  const auto state = end.complete ? RecordingState::complete : RecordingState::failed;
  db.prepare(
        "UPDATE recordings SET state = ?, ended_at = ?, duration_ms = ?, size = ?, sha256 = ?, error = ? "
        "WHERE id = ?")
      .bind(1, to_string(state))
      .bind(2, now)
      .bind(3, end.duration_ms)
      .bind(4, end.size)
      .bind(5, optional(end.sha256))
      .bind(6, optional(end.error))
      .bind(7, r->id)
      .run();
  nlohmann::json details{{"recording_id", r->id}, {"participant", r->participant}, {"size", end.size},
                         {"duration_ms", end.duration_ms}};
  if (!end.sha256.empty()) details["sha256"] = end.sha256;
  if (!end.error.empty()) details["error"] = end.error;
  audit_append(db, "system", end.complete ? "recording.stopped" : "recording.failed", "appointment",
               std::to_string(r->appointment_id), details);
  tx.commit();
  return true;
}

int interrupt_recordings(Db& db, const std::string& recordings_dir, std::int64_t now) {
  std::vector<Recording> unfinished;
  {
    auto stmt = db.prepare(std::string(select_columns) + "WHERE state = 'recording' ORDER BY id");
    while (stmt.step()) unfinished.push_back(read_recording(stmt));
  }
  for (const auto& r : unfinished) {
    const auto path = fs::path(recordings_dir) / r.file;
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    std::int64_t bytes = ec ? 0 : static_cast<std::int64_t>(size);
    std::string sha;
    std::int64_t last_write = r.started_at;
    if (!ec) {
      try {
        sha = sha256_file_hex(path.string());
      } catch (const std::exception&) {
      }
      struct stat st {};
      if (::stat(path.c_str(), &st) == 0) last_write = st.st_mtime;
    }
    const std::int64_t duration_ms = std::max<std::int64_t>(0, last_write - r.started_at) * 1000;
    Transaction tx(db);
    db.prepare(
          "UPDATE recordings SET state = 'interrupted', ended_at = ?, duration_ms = ?, size = ?, sha256 = ? "
          "WHERE id = ? AND state = 'recording'")
        .bind(1, now)
        .bind(2, duration_ms)
        .bind(3, bytes)
        .bind(4, optional(sha))
        .bind(5, r.id)
        .run();
    audit_append(db, "system", "recording.interrupted", "appointment", std::to_string(r.appointment_id),
                 {{"recording_id", r.id}, {"participant", r.participant}, {"size", bytes}});
    tx.commit();
  }
  return static_cast<int>(unfinished.size());
}

std::vector<Recording> list_recordings(Db& db, std::int64_t appointment_id) {
  auto stmt = db.prepare(std::string(select_columns) + "WHERE appointment_id = ? ORDER BY id");
  stmt.bind(1, appointment_id);
  std::vector<Recording> out;
  while (stmt.step()) out.push_back(read_recording(stmt));
  return out;
}

std::map<std::int64_t, int> count_recordings(Db& db, const std::vector<std::int64_t>& appointment_ids) {
  return count_per_appointment(db, "recordings", appointment_ids);
}

std::vector<std::pair<RecordingState, std::int64_t>> count_recordings_by_state(Db& db) {
  std::vector<std::pair<RecordingState, std::int64_t>> out;
  for (auto state : {RecordingState::recording, RecordingState::complete, RecordingState::interrupted,
                     RecordingState::failed}) {
    auto stmt = db.prepare("SELECT count(*) FROM recordings WHERE state = ?");
    stmt.bind(1, to_string(state));
    stmt.step();
    out.emplace_back(state, stmt.integer(0));
  }
  return out;
}

std::optional<Recording> find_recording(Db& db, std::int64_t id) {
  auto stmt = db.prepare(std::string(select_columns) + "WHERE id = ?");
  stmt.bind(1, id);
  if (!stmt.step()) return std::nullopt;
  return read_recording(stmt);
}

void delete_recording(Db& db, const std::string& recordings_dir, std::int64_t id, const std::string& actor) {
  Transaction tx(db);
  const auto r = find_recording(db, id);
  if (!r) throw DomainError(ErrorKind::not_found, "recording_not_found", "no such recording");
  if (r->state == RecordingState::recording)
    throw DomainError(ErrorKind::conflict, "recording_in_progress", "the recording is still being written; stop it first");
  db.prepare("DELETE FROM recordings WHERE id = ?").bind(1, id).run();
  audit_append(db, actor, "recording.deleted", "appointment", std::to_string(r->appointment_id),
               {{"recording_id", id}, {"participant", r->participant}, {"sha256", r->sha256}});
  // The row goes in the same commit as the file: a file that cannot be removed keeps its row.
  std::error_code ec;
  fs::remove(fs::path(recordings_dir) / r->file, ec);
  if (ec) throw std::runtime_error("cannot delete recording file " + r->file + ": " + ec.message());
  tx.commit();
}

}  // namespace assist
