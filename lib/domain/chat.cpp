#include "domain/chat.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "audit/audit_log.h"
#include "domain/errors.h"
#include "util/utf8.h"

namespace assist {
namespace {

constexpr const char* select_columns =
    "SELECT m.id, m.appointment_id, m.sender_label, m.sender_role, m.sender_name, m.body, m.sent_at, "
    "f.id, f.name, f.media_type, f.size FROM messages m LEFT JOIN files f ON f.id = m.file_id ";

ChatMessage read_message(const Stmt& s) {
  ChatMessage m{s.integer(0), s.integer(1), s.text(2), call_role_from(s.text(3)), s.text(4), s.text(5), s.integer(6), {}};
  if (!s.is_null(7)) m.file = SharedFile{s.integer(7), s.text(8), s.text(9), s.integer(10)};
  return m;
}

}  // namespace

nlohmann::json shared_file_json(const SharedFile& f) {
  return {{"id", f.id}, {"name", f.name}, {"type", f.media_type}, {"size", f.size}};
}

std::string checked_chat_text(const std::string& text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  const auto first = std::find_if_not(text.begin(), text.end(), is_space);
  const auto last = std::find_if_not(text.rbegin(), text.rend(), is_space).base();
  const std::string trimmed = first < last ? std::string(first, last) : std::string();
  if (trimmed.empty()) throw DomainError(ErrorKind::invalid, "empty_message", "the message is empty");
  const auto length = utf8_length(trimmed);
  if (!length) throw DomainError(ErrorKind::invalid, "not_utf8", "the message is not UTF-8 text");
  if (*length > max_chat_characters)
    throw DomainError(ErrorKind::invalid, "message_too_long",
                      "a message is at most " + std::to_string(max_chat_characters) + " characters");
  return trimmed;
}

std::vector<ChatMessage> post_chats(Db& db, const std::vector<NewChat>& messages) {
  std::vector<ChatMessage> stored;
  stored.reserve(messages.size());
  Transaction tx(db);
  for (const auto& m : messages) {
    db.prepare(
          "INSERT INTO messages (appointment_id, participant_id, sender_label, sender_role, sender_name, body, "
          "sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, m.appointment_id)
        .bind(2, m.participant_id)
        .bind(3, m.sender_label)
        .bind(4, to_string(m.role))
        .bind(5, m.name)
        .bind(6, m.text)
        .bind(7, m.sent_at)
        .run();
    const auto id = db.last_insert_id();
    audit_append(db, m.actor, "message.sent", "appointment", std::to_string(m.appointment_id),
                 {{"message_id", id}, {"participant", m.sender_label}, {"characters", utf8_length(m.text).value_or(0)}});
    stored.push_back({id, m.appointment_id, m.sender_label, m.role, m.name, m.text, m.sent_at, {}});
  }
  tx.commit();
  return stored;
}

std::vector<ChatMessage> list_chat(Db& db, std::int64_t appointment_id, std::int64_t after_id, int limit) {
  auto stmt = db.prepare(std::string(select_columns) + "WHERE m.appointment_id = ? AND m.id > ? ORDER BY m.id LIMIT ?");
  stmt.bind(1, appointment_id).bind(2, after_id).bind(3, limit);
  std::vector<ChatMessage> out;
  while (stmt.step()) out.push_back(read_message(stmt));
  return out;
}

std::optional<ChatMessage> find_chat(Db& db, std::int64_t message_id) {
  auto stmt = db.prepare(std::string(select_columns) + "WHERE m.id = ?");
  stmt.bind(1, message_id);
  if (!stmt.step()) return std::nullopt;
  return read_message(stmt);
}

std::vector<ChatMessage> recent_chat(Db& db, std::int64_t appointment_id, int limit) {
  auto stmt = db.prepare(std::string(select_columns) + "WHERE m.appointment_id = ? ORDER BY m.id DESC LIMIT ?");
  stmt.bind(1, appointment_id).bind(2, limit);
  std::vector<ChatMessage> out;
  while (stmt.step()) out.push_back(read_message(stmt));
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace assist
