#include "signalling/chat_handler.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "domain/chat.h"
#include "domain/errors.h"
#include "signalling/hub.h"
#include "signalling/message.h"
#include "signalling/rate_limit.h"
#include "util/time.h"

namespace assist::signalling {
namespace {

constexpr double messages_per_second = 3;
constexpr double burst = 10;
constexpr int history_length = 500;
// Typing notices are cheap hints: beyond this rate they are dropped, never answered.
constexpr double typing_per_second = 2;
constexpr double typing_burst = 4;

nlohmann::json to_json(const ChatMessage& m) {
  nlohmann::json out{{"type", "chat"},
                     {"id", m.id},
                     {"participant", m.sender_label},
                     {"role", to_string(m.sender_role)},
                     {"name", m.sender_name},
                     {"text", m.text},
                     {"sent_at", format_iso8601(m.sent_at)}};
  if (m.file)
    out["file"] = shared_file_json(*m.file);
  return out;
}

// Chat's own flood control, per participant, on top of the hub's per-connection limit.
class ChatLimits {
 public:
  bool allow(const std::string& participant) {
    return buckets_.try_emplace(participant, messages_per_second, burst).first->second.take();
  }
  void forget(const std::string& participant) { buckets_.erase(participant); }

 private:
  std::map<std::string, TokenBucket> buckets_;
};

// Chat messages accepted during one turn of the event loop are stored when the turn ends, in one
// transaction, and only then sent: under load one commit carries every message that arrived
// together, and a message alone waits only for the rest of its turn. Nobody sees a message
// before it is stored; when storing fails, each sender is told and nothing is sent.
class ChatWriter : public std::enable_shared_from_this<ChatWriter> {
 public:
  ChatWriter(Hub& hub, Db& db, Defer defer) : hub_(hub), db_(db), defer_(std::move(defer)) {}

  void add(NewChat message) {
    pending_.push_back(std::move(message));
    if (pending_.size() == 1)
      defer_([weak = weak_from_this()] {
        if (auto self = weak.lock()) self->flush();
      });
  }

 private:
  void flush() {
    const auto batch = std::exchange(pending_, {});
    std::vector<ChatMessage> stored;
    try {
      stored = post_chats(db_, batch);
    } catch (const std::exception& e) {
      spdlog::error("SIGNAL_CHAT_NOT_STORED messages={} error=\"{}\"", batch.size(), e.what());
      for (const auto& m : batch)
        hub_.send_to_member(m.appointment_id, m.sender_label,
                            error_message("chat_not_stored", "your message could not be stored; send it again", false));
      return;
    }
    for (const auto& m : stored) hub_.send_to_call(m.appointment_id, to_json(m));
  }

  Hub& hub_;
  Db& db_;
  Defer defer_;
  std::vector<NewChat> pending_;
};

// Typing notices, per participant: a token bucket, and what the others were last told, so that
// a "stopped" after a forwarded "started" always goes through (the others' "is typing…" line
// never sticks because a notice was dropped), and a repeated "stopped" does not.
class TypingLimits {
 public:
  bool allow(const std::string& participant, bool active) {
    auto& s = state_.try_emplace(participant).first->second;
    if (!active) {
      if (!s.told_active) return false;
      s.told_active = false;
      return true;
    }
    if (!s.bucket.take()) return false;
    s.told_active = true;
    return true;
  }
  void forget(const std::string& participant) { state_.erase(participant); }

 private:
  struct State {
    TokenBucket bucket{typing_per_second, typing_burst};
    bool told_active = false;
  };
  std::map<std::string, State> state_;
};

void send_typing(TypingLimits& limits, Context& c, const Message& m) {
  const bool active = m.flag("active");
  if (!limits.allow(c.participant(), active)) return;
  c.send_to_others({{"type", "typing"}, {"participant", c.participant()}, {"name", c.name()}, {"active", active}});
}

void send_chat(ChatLimits& limits, ChatWriter& writer, Context& c, const Message& m) {
  if (!limits.allow(c.participant()))
    throw ProtocolError("rate_limited", "too many chat messages; wait a moment");
  std::string text;
  try {
    text = checked_chat_text(m.text("text"));
  } catch (const DomainError& e) {
    // The signalling protocol's codes: a message too long is too_large, any other is malformed.
    throw ProtocolError(e.code() == "message_too_long" ? "too_large" : "malformed", e.what());
  }
  writer.add({c.appointment_id(), c.participant_id(), c.participant(), c.role(), c.name(), c.actor(),
              std::move(text), now_seconds()});
}

void send_history(Context& c) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : recent_chat(c.db(), c.appointment_id(), history_length)) messages.push_back(to_json(m));
  c.reply({{"type", "chat_history"}, {"messages", std::move(messages)}});
}

}  // namespace

void add_chat_handler(Hub& hub, Db& db, Defer defer) {
  auto limits = std::make_shared<ChatLimits>();
  auto typing = std::make_shared<TypingLimits>();
  auto writer = std::make_shared<ChatWriter>(hub, db, std::move(defer));
  hub.handle("chat", [limits, typing, writer](Context& c, const Message& m) {
    send_chat(*limits, *writer, c, m);
    typing->allow(c.participant(), false);  // a sent message ends the typing, on the pages too
  });
  hub.handle("typing", [typing](Context& c, const Message& m) { send_typing(*typing, c, m); });
  hub.on_join(send_history);
  hub.on_leave([limits, typing](const std::string& participant) {
    limits->forget(participant);
    typing->forget(participant);
  });
}

void announce_chat_message(Hub& hub, Db& db, std::int64_t message_id) {
  if (const auto m = find_chat(db, message_id)) hub.send_to_call(m->appointment_id, to_json(*m));
}

}  // namespace assist::signalling
