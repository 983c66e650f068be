#include "signalling/chat_handler.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>

#include "domain/chat.h"
#include "domain/errors.h"
#include "signalling/hub.h"
#include "signalling/rate_limit.h"
#include "util/time.h"

namespace assist::signalling {
namespace {

constexpr double messages_per_second = 3;
constexpr double burst = 10;
constexpr int history_length = 500;

nlohmann::json to_json(const ChatMessage& m) {
  return {{"type", "chat"},
          {"id", m.id},
          {"participant", m.sender_label},
          {"role", to_string(m.sender_role)},
          {"name", m.sender_name},
          {"text", m.text},
          {"sent_at", format_iso8601(m.sent_at)}};
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

void send_chat(ChatLimits& limits, Context& c, const Message& m) {
  if (!limits.allow(c.participant()))
    throw ProtocolError("rate_limited", "too many chat messages; wait a moment");
  try {
    const auto message = post_chat(c.db(), c.appointment_id(), c.participant_id(), c.participant(), c.role(),
                                   c.name(), c.actor(), m.text("text"), now_seconds());
    c.broadcast(to_json(message));
  } catch (const DomainError& e) {
    // The signalling protocol's codes: a message too long is too_large, any other is malformed.
    throw ProtocolError(e.code() == "message_too_long" ? "too_large" : "malformed", e.what());
  }
}

void send_history(Context& c) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : recent_chat(c.db(), c.appointment_id(), history_length)) messages.push_back(to_json(m));
  c.reply({{"type", "chat_history"}, {"messages", std::move(messages)}});
}

}  // namespace

void add_chat_handler(Hub& hub) {
  auto limits = std::make_shared<ChatLimits>();
  hub.handle("chat", [limits](Context& c, const Message& m) { send_chat(*limits, c, m); });
  hub.on_join(send_history);
  hub.on_leave([limits](const std::string& participant) { limits->forget(participant); });
}

}  // namespace assist::signalling
