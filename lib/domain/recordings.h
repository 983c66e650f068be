// Call recordings as data: one row per file (each connection of a participant while the call
// records), from 'recording' to 'complete' (stopped on purpose), 'failed' (the disk refused) or
// 'interrupted' (assistd stopped without closing it: the file plays up to that moment). Every
// change is audited in the same transaction. The files live under the recordings directory,
// named by the media side; rows keep their names relative to it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/admission.h"
#include "store/sqlite.h"

namespace assist {

enum class RecordingState { recording, complete, interrupted, failed };
std::string_view to_string(RecordingState state);

struct Recording {
  std::int64_t id = 0;
  std::int64_t appointment_id = 0;
  std::string participant;  // "p3", as the call named it
  CallRole role = CallRole::customer;
  std::string name;
  std::string file;        // relative to the recordings directory
  std::string media_type;  // video/webm, video/x-matroska
  RecordingState state = RecordingState::recording;
  std::int64_t started_at = 0;
  std::optional<std::int64_t> started_ms;  // the same to the millisecond (absent on rows from before)
  std::optional<std::int64_t> ended_at, duration_ms, size;
  std::string sha256, error;
};

struct RecordedParticipant {
  std::string label;
  CallRole role = CallRole::customer;
  std::string name;
};

// The media type of a recording file, from its name: video/webm (.webm), video/x-matroska (.mkv).
std::string recording_media_type(std::string_view file);

// The customer's answer when asked to be recorded, audited as recording.consent_given or
// recording.consent_refused (by `actor`).
void record_recording_consent(Db& db, std::int64_t appointment_id, const std::string& actor, bool given);

// A file began at `now_ms` (milliseconds since the epoch); audited as recording.started.
// Returns the row's id.
std::int64_t begin_recording(Db& db, std::int64_t appointment_id, const RecordedParticipant& who,
                             const std::string& file, std::int64_t now_ms);

struct RecordingEnd {
  bool complete = false;
  std::string error;
  std::int64_t size = 0;
  std::string sha256;
  std::int64_t duration_ms = 0;
};
// The file closed: complete (recording.stopped) or failed (recording.failed). A file no row
// knows, or one already ended, changes nothing; returns whether a row changed.
bool end_recording(Db& db, const std::string& file, const RecordingEnd& end, std::int64_t now);

// Rows a crash left 'recording' become 'interrupted', with the size and SHA-256 of what the
// file holds and its duration up to its last write (recording.interrupted). Returns how many.
int interrupt_recordings(Db& db, const std::string& recordings_dir, std::int64_t now);

std::vector<Recording> list_recordings(Db& db, std::int64_t appointment_id);
// How many recordings each of these appointments has (those with none are absent).
std::map<std::int64_t, int> count_recordings(Db& db, const std::vector<std::int64_t>& appointment_ids);
// How many files are in each state, every state listed (for /metrics).
std::vector<std::pair<RecordingState, std::int64_t>> count_recordings_by_state(Db& db);
std::optional<Recording> find_recording(Db& db, std::int64_t id);

// Deletes the file and its row (recording.deleted, by `actor`). Refused while it is being
// written (conflict, recording_in_progress).
void delete_recording(Db& db, const std::string& recordings_dir, std::int64_t id, const std::string& actor);

}  // namespace assist
