// In-call chat: messages kept in the order the server received them, each with its sender as
// the call saw it (participant, role, name) and the server's time.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/admission.h"
#include "store/sqlite.h"

namespace assist {

constexpr std::size_t max_chat_characters = 2000;

// A file shared in the call, as its chat message names it (the bytes: lib/domain/files).
struct SharedFile {
  std::int64_t id = 0;
  std::string name;
  std::string media_type;
  std::int64_t size = 0;
};

// {id, name, type, size}: the `file` member of a chat message, on the socket and in REST alike.
nlohmann::json shared_file_json(const SharedFile& file);

struct ChatMessage {
  std::int64_t id = 0;
  std::int64_t appointment_id = 0;
  // "p3", the participant in the call; "" for a file shared over REST, which may come from
  // someone not connected (the pages tell their own messages by role and name).
  std::string sender_label;
  CallRole sender_role = CallRole::customer;
  std::string sender_name;
  std::string text;
  std::int64_t sent_at = 0;
  std::optional<SharedFile> file;  // a file message; `text` is then the file's name
};

// The text as it is kept (trimmed), or a DomainError(invalid): `empty_message` when nothing is
// left, `message_too_long` over max_chat_characters, `not_utf8` when it is not UTF-8.
std::string checked_chat_text(const std::string& text);

// A message from a participant in a call, its text already checked (checked_chat_text).
struct NewChat {
  std::int64_t appointment_id = 0;
  std::int64_t participant_id = 0;
  std::string sender_label;
  CallRole role = CallRole::customer;
  std::string name;
  std::string actor;  // as the audit log names the sender
  std::string text;
  std::int64_t sent_at = 0;
};

// All in one transaction, in order, or none; each audited (message.sent, without the text,
// which stays in `messages` only).
std::vector<ChatMessage> post_chats(Db& db, const std::vector<NewChat>& messages);

// In the order sent: ids after `after_id`, at most `limit`.
std::vector<ChatMessage> list_chat(Db& db, std::int64_t appointment_id, std::int64_t after_id, int limit);
std::optional<ChatMessage> find_chat(Db& db, std::int64_t message_id);
// The last `limit` messages, oldest first (what someone joining late is sent).
std::vector<ChatMessage> recent_chat(Db& db, std::int64_t appointment_id, int limit);

}  // namespace assist
