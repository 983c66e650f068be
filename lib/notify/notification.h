// The vocabulary of the outbox: what a notification is about, how it travels, where it stands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace assist {

enum class NotifyKind { invitation, reminder, reschedule, cancellation, link };
enum class Channel { email, sms, webhook };
enum class NotifyStatus { queued, sending, sent, delivered, failed };

std::string_view to_string(NotifyKind kind);
std::string_view to_string(Channel channel);
std::string_view to_string(NotifyStatus status);
std::optional<NotifyKind> parse_notify_kind(std::string_view text);
std::optional<Channel> parse_channel(std::string_view text);
std::optional<NotifyStatus> parse_notify_status(std::string_view text);

// The outbox's lifecycle, the only place that says which status changes are legal:
//   queued → sending → sent → delivered, with sending → queued (a temporary failure, or a
//   restart interrupted the send), sending → failed, sent → failed and delivered → failed (the
//   provider reports it undelivered), failed → queued (retried by hand).
bool notify_transition_allowed(NotifyStatus from, NotifyStatus to);

struct Notification {
  std::int64_t id = 0;
  std::optional<std::int64_t> appointment_id;
  NotifyKind kind = NotifyKind::link;
  Channel channel = Channel::email;
  std::string recipient;        // address, E.164 number or webhook URL
  std::string idempotency_key;  // UNIQUE: enqueueing the same key twice is a no-op
  NotifyStatus status = NotifyStatus::queued;
  std::int64_t attempts = 0;
  std::int64_t next_attempt_at = 0;
  std::optional<std::string> last_error;
  std::optional<std::string> provider_id;
  std::string payload;  // rendered message, JSON (see compose.h)
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> sent_at;
  std::optional<std::int64_t> opened_at;  // first use of the join link it carried
};

}  // namespace assist
