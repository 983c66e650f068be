#include "store/migrations.h"

#include <array>
#include <string_view>

namespace assist {
namespace {

// Never edit a released migration: append a new one.
constexpr std::array<std::string_view, 12> migrations = {
    R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL DEFAULT '',
  role          TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'specialist')),
  password_hash TEXT,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);
CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE api_keys (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  lookup       TEXT NOT NULL UNIQUE,
  secret_hash  TEXT NOT NULL,
  user_id      INTEGER REFERENCES users(id),
  role         TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'specialist')),
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
);
CREATE TABLE queues (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);
CREATE TABLE appointments (
  id             INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL CHECK (kind IN ('scheduled', 'on_demand')),
  state          TEXT NOT NULL CHECK (state IN ('scheduled', 'waiting', 'in_call', 'ended',
                                                'cancelled', 'no_show', 'expired')),
  customer_name  TEXT NOT NULL,
  customer_phone TEXT,
  customer_email TEXT,
  locale         TEXT NOT NULL,
  starts_at      INTEGER NOT NULL,
  duration       INTEGER NOT NULL,
  specialist_id  INTEGER REFERENCES users(id),
  queue_id       INTEGER REFERENCES queues(id),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX appointments_by_specialist ON appointments(specialist_id, id);
CREATE INDEX appointments_by_state ON appointments(state, id);
CREATE INDEX appointments_by_start ON appointments(starts_at);
CREATE TABLE participants (
  id             INTEGER PRIMARY KEY,
  appointment_id INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
  role           TEXT NOT NULL CHECK (role IN ('customer', 'specialist', 'supervisor')),
  user_id        INTEGER REFERENCES users(id),
  joined_at      INTEGER,
  left_at        INTEGER
);
CREATE TABLE join_tokens (
  id             INTEGER PRIMARY KEY,
  appointment_id INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
  role           TEXT NOT NULL CHECK (role IN ('customer', 'specialist')),
  token_hash     TEXT NOT NULL UNIQUE,
  created_at     INTEGER NOT NULL,
  revoked_at     INTEGER
);
CREATE TABLE audit_events (
  seq         INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id   TEXT NOT NULL,
  details     TEXT NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
)sql",
    // 2: the notification outbox and channel suspension.
    R"sql(
CREATE TABLE notifications (
  id              INTEGER PRIMARY KEY,
  appointment_id  INTEGER REFERENCES appointments(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'reschedule',
                                                'cancellation', 'link')),
  channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
  recipient       TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered',
                                                  'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  provider_id     TEXT,
  payload         TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  sent_at         INTEGER
);
CREATE INDEX notifications_due ON notifications(status, next_attempt_at);
CREATE INDEX notifications_by_appointment ON notifications(appointment_id, kind, channel);
CREATE TABLE notify_channels (
  name         TEXT PRIMARY KEY CHECK (name IN ('email', 'sms', 'webhook')),
  suspended_at INTEGER,
  suspended_by TEXT
);
)sql",
    R"sql(
ALTER TABLE appointments ADD COLUMN timezone TEXT;
ALTER TABLE join_tokens ADD COLUMN notification_id INTEGER REFERENCES notifications(id);
ALTER TABLE join_tokens ADD COLUMN first_opened_at INTEGER;
)sql",
    // 4: why a participant left, and when the appointment's call first had both sides.
    R"sql(
ALTER TABLE participants ADD COLUMN left_reason TEXT;
ALTER TABLE appointments ADD COLUMN call_started_at INTEGER;
CREATE INDEX participants_present ON participants(appointment_id) WHERE left_at IS NULL;
)sql",
    // 5: in-call chat, in the order the server received it.
    R"sql(
CREATE TABLE messages (
  id             INTEGER PRIMARY KEY,
  appointment_id INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
  participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  sender_label   TEXT NOT NULL,
  sender_role    TEXT NOT NULL CHECK (sender_role IN ('customer', 'specialist', 'supervisor')),
  sender_name    TEXT NOT NULL,
  body           TEXT NOT NULL,
  sent_at        INTEGER NOT NULL
);
CREATE INDEX messages_by_appointment ON messages(appointment_id, id);
)sql",
    // 6: the waiting room and on-demand queues. A customer who arrives before being admitted
    // waits in a line: the appointment's queue, or (scheduled, no queue) its specialist's.
    R"sql(
ALTER TABLE queues ADD COLUMN slug TEXT;
UPDATE queues SET slug = 'queue-' || id;
CREATE UNIQUE INDEX queues_by_slug ON queues(slug);
ALTER TABLE queues ADD COLUMN hours TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE queues ADD COLUMN max_waiting INTEGER NOT NULL DEFAULT 50;
ALTER TABLE queues ADD COLUMN accepting INTEGER NOT NULL DEFAULT 1;
CREATE TABLE queue_members (
  queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
  user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (queue_id, user_id)
);
ALTER TABLE appointments ADD COLUMN reason TEXT;
ALTER TABLE appointments ADD COLUMN waiting_since INTEGER;
ALTER TABLE appointments ADD COLUMN admitted_at INTEGER;
ALTER TABLE appointments ADD COLUMN ended_at INTEGER;
ALTER TABLE appointments ADD COLUMN closing_reason TEXT;
ALTER TABLE appointments ADD COLUMN closing_message TEXT;
CREATE INDEX appointments_in_line ON appointments(queue_id, waiting_since)
  WHERE admitted_at IS NULL AND waiting_since IS NOT NULL;
)sql",
    // 7: files shared in calls. The bytes live under data_dir/files by SHA-256; each share is
    // a row here and a chat message pointing at it. A file shared over REST has no
    // participant behind it (the sender may not be connected), so messages are rebuilt with
    // participant_id optional.
    R"sql(
CREATE TABLE files (
  id             INTEGER PRIMARY KEY,
  appointment_id INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
  sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
  name           TEXT NOT NULL,
  media_type     TEXT NOT NULL,
  size           INTEGER NOT NULL CHECK (size >= 0),
  shared_by      TEXT NOT NULL,
  shared_at      INTEGER NOT NULL
);
CREATE INDEX files_by_appointment ON files(appointment_id);
CREATE INDEX files_by_sha256 ON files(sha256);
CREATE TABLE messages_v7 (
  id             INTEGER PRIMARY KEY,
  appointment_id INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
  participant_id INTEGER REFERENCES participants(id) ON DELETE CASCADE,
  sender_label   TEXT NOT NULL,
  sender_role    TEXT NOT NULL CHECK (sender_role IN ('customer', 'specialist', 'supervisor')),
  sender_name    TEXT NOT NULL,
  body           TEXT NOT NULL,
  sent_at        INTEGER NOT NULL,
  file_id        INTEGER REFERENCES files(id) ON DELETE CASCADE
);
INSERT INTO messages_v7 (id, appointment_id, participant_id, sender_label, sender_role, sender_name, body, sent_at)
  SELECT id, appointment_id, participant_id, sender_label, sender_role, sender_name, body, sent_at FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v7 RENAME TO messages;
CREATE INDEX messages_by_appointment ON messages(appointment_id, id);
)sql",
    // 8: what tells this database apart from any other, so that identifiers others keep (calendar
    // UIDs) are not reused after a reset. Appointments from before keep the UIDs they were sent with.
    R"sql(
CREATE TABLE installation (
  singleton            INTEGER PRIMARY KEY CHECK (singleton = 1),
  id                   TEXT NOT NULL CHECK (length(id) = 32),
  first_appointment_id INTEGER NOT NULL
);
INSERT INTO installation (singleton, id, first_appointment_id)
  SELECT 1, lower(hex(randomblob(16))), coalesce(max(id), 0) + 1 FROM appointments;
)sql",
    // 9: a user's own console language and time zone ('' = the browser's language, the
    // operator's notify.timezone).
    R"sql(
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '' CHECK (language IN ('', 'en', 'fr'));
ALTER TABLE users ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
)sql",
    // 10: call recordings, one row per file: each connection of a participant while the call
    // records. `file` is relative to data_dir/recordings. A row left 'recording' by a crash is
    // made 'interrupted' at the next start.
    R"sql(
CREATE TABLE recordings (
  id                INTEGER PRIMARY KEY,
  appointment_id    INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
  participant_label TEXT NOT NULL,
  role              TEXT NOT NULL CHECK (role IN ('customer', 'specialist', 'supervisor')),
  name              TEXT NOT NULL,
  file              TEXT NOT NULL UNIQUE,
  media_type        TEXT NOT NULL,
  state             TEXT NOT NULL CHECK (state IN ('recording', 'complete', 'interrupted', 'failed')),
  started_at        INTEGER NOT NULL,
  ended_at          INTEGER,
  duration_ms       INTEGER CHECK (duration_ms >= 0),
  size              INTEGER CHECK (size >= 0),
  sha256            TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
  error             TEXT
);
CREATE INDEX recordings_by_appointment ON recordings(appointment_id, id);
CREATE INDEX recordings_unfinished ON recordings(state) WHERE state = 'recording';
)sql",
    // 11: photos taken in a call (and a recording's start to the millisecond, a queue's recording mode): a still from the customer's device, or a frame the server
    // decoded from the video it forwards. The image's bytes are in data_dir/snapshots (blob store).
    R"sql(
CREATE TABLE snapshots (
  id             INTEGER PRIMARY KEY,
  appointment_id INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
  role           TEXT NOT NULL CHECK (role IN ('customer', 'specialist', 'supervisor')),
  name           TEXT NOT NULL,
  source         TEXT NOT NULL CHECK (source IN ('device', 'server')),
  media_type     TEXT NOT NULL,
  width          INTEGER NOT NULL CHECK (width > 0),
  height         INTEGER NOT NULL CHECK (height > 0),
  size           INTEGER NOT NULL CHECK (size > 0),
  sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
  taken_at       INTEGER NOT NULL
);
CREATE INDEX snapshots_by_appointment ON snapshots(appointment_id, id);
-- When a recording file began, to the millisecond: files of one call are laid side by side by it.
ALTER TABLE recordings ADD COLUMN started_ms INTEGER;
-- A queue's own recording.mode for its calls ('default': the server's).
ALTER TABLE queues ADD COLUMN recording_mode TEXT NOT NULL DEFAULT 'default'
  CHECK (recording_mode IN ('default', 'off', 'on_demand', 'always'));
)sql",
    // 12: where the customer was when staff asked in a call (or why there is no position); which
    // photo a drawing was made on.
    R"sql(
CREATE TABLE locations (
  id             INTEGER PRIMARY KEY,
  appointment_id INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  requested_by   TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('shared', 'denied', 'unavailable', 'timeout', 'unsupported')),
  latitude       REAL CHECK (latitude BETWEEN -90 AND 90),
  longitude      REAL CHECK (longitude BETWEEN -180 AND 180),
  accuracy       REAL CHECK (accuracy >= 0),
  captured_at_ms INTEGER,
  recorded_at    INTEGER NOT NULL,
  CHECK ((status = 'shared') = (latitude IS NOT NULL AND longitude IS NOT NULL AND accuracy IS NOT NULL))
);
CREATE INDEX locations_by_appointment ON locations(appointment_id, id);
-- A photo that is a drawing on another (a freeze-frame saved with what was drawn on it).
ALTER TABLE snapshots ADD COLUMN annotates INTEGER REFERENCES snapshots(id) ON DELETE SET NULL;
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations.size()); }

int schema_version(Db& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  stmt.step();
  return static_cast<int>(stmt.integer(0));
}

int migrate(Db& db) {
  Transaction tx(db);
  const int current = schema_version(db);
  if (current > latest_schema_version())
    throw StoreError("database schema version " + std::to_string(current) +
                     " is newer than this assist understands (" +
                     std::to_string(latest_schema_version()) + ")");
  for (int v = current; v < latest_schema_version(); ++v) db.exec(migrations[v]);
  db.exec("PRAGMA user_version = " + std::to_string(latest_schema_version()));
  tx.commit();
  return latest_schema_version() - current;
}

}  // namespace assist
