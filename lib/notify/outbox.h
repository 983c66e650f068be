// The outbox: every notification is a row that moves queued → sending → sent (→ delivered)
// or failed. Every status change below goes through one function in outbox.cpp that refuses a
// move notify_transition_allowed (notification.h) does not list, with DomainError
// illegal_transition, and audits the move in the same transaction. The worker claims one due
// row at a time; a row is marked sending just before its provider is called and sent right
// after the provider answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "notify/notification.h"
#include "notify/provider.h"
#include "store/sqlite.h"
#include "util/time.h"

namespace assist {

struct NewNotification {
  std::optional<std::int64_t> appointment_id;
  NotifyKind kind = NotifyKind::link;
  Channel channel = Channel::email;
  std::string recipient;
  std::string idempotency_key;
  std::string payload;
  UnixSeconds send_at = 0;
};

// Inside the caller's transaction; audited. nullopt when a notification with the same
// idempotency key exists already (nothing is written then).
std::optional<Notification> enqueue_notification(Db& db, const NewNotification& n,
                                                 const std::string& actor, UnixSeconds now);

std::optional<Notification> find_notification(Db& db, std::int64_t id);
std::optional<Notification> find_notification_by_key(Db& db, const std::string& key);
std::vector<Notification> list_notifications(Db& db, std::optional<NotifyStatus> status,
                                             std::int64_t after_id, int limit);
// The channels used for an appointment's earlier invitations or links (to tell them of a change).
std::vector<std::pair<Channel, std::string>> invited_recipients(Db& db, std::int64_t appointment_id);

struct RetryPolicy {
  std::int64_t base = 30;
  std::int64_t max_delay = 3600;
  std::int64_t give_up_after = 86400;
};
// Wait before attempt number `attempts + 1`: base · 2^(attempts-1), at most max_delay.
std::int64_t backoff_delay(const RetryPolicy& policy, std::int64_t attempts);

// Own transaction: the next due queued notification on a channel that is not suspended, now
// marked sending with one more attempt; nullopt when none is due.
std::optional<Notification> claim_next_notification(Db& db, UnixSeconds now);

// Own transaction: the provider's answer for a claimed notification. Throws DomainError
// illegal_transition, writing nothing, when the row is no longer sending.
NotifyStatus record_send_result(Db& db, const Notification& claimed, const SendResult& result,
                                const RetryPolicy& policy, UnixSeconds now);

// At start, for rows a crash left in `sending` (their provider call may or may not have
// completed). Email and webhook go back to the queue: at-least-once, and a repeat carries the
// same Message-ID / X-Assist-Event-Id so receivers can drop it. SMS cannot be de-duplicated by
// its receiver, so it is failed with an explanation instead (at-most-once; `notification
// retry` sends it again). Returns how many rows were recovered.
int recover_interrupted_notifications(Db& db, UnixSeconds now);

// failed → queued, due now; inside the caller's transaction; audited.
Notification retry_notification(Db& db, std::int64_t id, const std::string& actor, UnixSeconds now);

// A provider's delivery report (Twilio: delivered, undelivered, failed). Own transaction.
void record_delivery_status(Db& db, std::int64_t id, const std::string& provider_status,
                            const std::string& error, UnixSeconds now);

struct ChannelState {
  Channel channel = Channel::email;
  std::optional<UnixSeconds> suspended_at;
  std::string suspended_by;
  std::int64_t queued = 0;
};
std::vector<ChannelState> channel_states(Db& db);
// Inside the caller's transaction; audited.
void set_channel_suspended(Db& db, Channel channel, bool suspended, const std::string& actor,
                           UnixSeconds now);

}  // namespace assist
