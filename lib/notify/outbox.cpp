#include "notify/outbox.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "audit/audit_log.h"
#include "domain/errors.h"

namespace assist {
namespace {

constexpr const char* columns =
    "SELECT id, appointment_id, kind, channel, recipient, idempotency_key, status, attempts, "
    "next_attempt_at, last_error, provider_id, payload, created_at, updated_at, sent_at, "
    "(SELECT min(first_opened_at) FROM join_tokens t WHERE t.notification_id = notifications.id) "
    "FROM notifications ";

Notification read(const Stmt& s) {
  Notification n;
  n.id = s.integer(0);
  n.appointment_id = s.optional_integer(1);
  n.kind = parse_notify_kind(s.text(2)).value_or(NotifyKind::link);
  n.channel = parse_channel(s.text(3)).value_or(Channel::email);
  n.recipient = s.text(4);
  n.idempotency_key = s.text(5);
  n.status = parse_notify_status(s.text(6)).value_or(NotifyStatus::failed);
  n.attempts = s.integer(7);
  n.next_attempt_at = s.integer(8);
  n.last_error = s.optional_text(9);
  n.provider_id = s.optional_text(10);
  n.payload = s.text(11);
  n.created_at = s.integer(12);
  n.updated_at = s.integer(13);
  n.sent_at = s.optional_integer(14);
  n.opened_at = s.optional_integer(15);
  return n;
}

Notification require(Db& db, std::int64_t id) {
  auto n = find_notification(db, id);
  if (!n)
    throw DomainError(ErrorKind::not_found, "notification_not_found",
                      "no notification " + std::to_string(id));
  return *n;
}

void audit(Db& db, const std::string& actor, const Notification& n, NotifyStatus to,
           nlohmann::json details = nlohmann::json::object()) {
  details["channel"] = to_string(n.channel);
  details["kind"] = to_string(n.kind);
  details["from"] = to_string(n.status);
  details["to"] = to_string(to);
  audit_append(db, actor, "notification." + std::string(to_string(to)), "notification",
               std::to_string(n.id), details);
}

void set_status(Db& db, std::int64_t id, NotifyStatus status, UnixSeconds now) {
  db.prepare("UPDATE notifications SET status = ?, updated_at = ? WHERE id = ?")
      .bind(1, to_string(status))
      .bind(2, now)
      .bind(3, id)
      .run();
}

}  // namespace

std::optional<Notification> enqueue_notification(Db& db, const NewNotification& in,
                                                 const std::string& actor, UnixSeconds now) {
  db.prepare(
        "INSERT INTO notifications (appointment_id, kind, channel, recipient, idempotency_key, "
        "status, next_attempt_at, payload, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING")
      .bind(1, in.appointment_id)
      .bind(2, to_string(in.kind))
      .bind(3, to_string(in.channel))
      .bind(4, in.recipient)
      .bind(5, in.idempotency_key)
      .bind(6, in.send_at)
      .bind(7, in.payload)
      .bind(8, now)
      .bind(9, now)
      .run();
  if (db.changes() == 0) return std::nullopt;
  auto n = require(db, db.last_insert_id());
  audit_append(db, actor, "notification.queued", "notification", std::to_string(n.id),
               {{"channel", to_string(n.channel)},
                {"kind", to_string(n.kind)},
                {"appointment_id", n.appointment_id ? nlohmann::json(*n.appointment_id) : nullptr},
                {"idempotency_key", n.idempotency_key},
                {"send_at", n.next_attempt_at}});
  spdlog::info("NOTIFY_QUEUED id={} channel={} kind={} send_at={}", n.id, to_string(n.channel),
               to_string(n.kind), n.next_attempt_at);
  return n;
}

std::optional<Notification> find_notification(Db& db, std::int64_t id) {
  auto s = db.prepare(std::string(columns) + "WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read(s);
}

std::optional<Notification> find_notification_by_key(Db& db, const std::string& key) {
  auto s = db.prepare(std::string(columns) + "WHERE idempotency_key = ?");
  s.bind(1, key);
  if (!s.step()) return std::nullopt;
  return read(s);
}

std::vector<Notification> list_notifications(Db& db, std::optional<NotifyStatus> status,
                                             std::int64_t after_id, int limit) {
  auto s = db.prepare(std::string(columns) +
                      "WHERE id > ?1 AND (?2 IS NULL OR status = ?2) ORDER BY id LIMIT ?3");
  s.bind(1, after_id);
  if (status) s.bind(2, to_string(*status));
  else s.bind(2, nullptr);
  s.bind(3, limit);
  std::vector<Notification> out;
  while (s.step()) out.push_back(read(s));
  return out;
}

std::vector<std::pair<Channel, std::string>> invited_recipients(Db& db, std::int64_t appointment_id) {
  auto s = db.prepare(
      "SELECT DISTINCT channel, recipient FROM notifications WHERE appointment_id = ? "
      "AND kind IN ('invitation', 'link', 'reschedule') ORDER BY channel, recipient");
  s.bind(1, appointment_id);
  std::vector<std::pair<Channel, std::string>> out;
  while (s.step())
    if (auto c = parse_channel(s.text(0))) out.emplace_back(*c, s.text(1));
  return out;
}

std::int64_t backoff_delay(const RetryPolicy& p, std::int64_t attempts) {
  std::int64_t delay = p.base;
  for (std::int64_t i = 1; i < attempts && delay < p.max_delay; ++i) delay *= 2;
  return std::min(delay, p.max_delay);
}

std::optional<Notification> claim_next_notification(Db& db, UnixSeconds now) {
  Transaction tx(db);
  auto s = db.prepare(std::string(columns) +
                      "WHERE status = 'queued' AND next_attempt_at <= ? AND channel NOT IN "
                      "(SELECT name FROM notify_channels WHERE suspended_at IS NOT NULL) "
                      "ORDER BY next_attempt_at, id LIMIT 1");
  s.bind(1, now);
  if (!s.step()) return std::nullopt;
  auto n = read(s);
  db.prepare("UPDATE notifications SET status = 'sending', attempts = attempts + 1, "
             "updated_at = ? WHERE id = ?")
      .bind(1, now)
      .bind(2, n.id)
      .run();
  audit(db, "system", n, NotifyStatus::sending, {{"attempt", n.attempts + 1}});
  tx.commit();
  n.status = NotifyStatus::sending;
  n.attempts += 1;
  return n;
}

NotifyStatus record_send_result(Db& db, const Notification& n, const SendResult& r,
                                const RetryPolicy& policy, UnixSeconds now) {
  Transaction tx(db);
  NotifyStatus to = NotifyStatus::sent;
  if (r.outcome == SendOutcome::sent) {
    db.prepare("UPDATE notifications SET status = 'sent', provider_id = ?, sent_at = ?, "
               "last_error = NULL, updated_at = ? WHERE id = ?")
        .bind(1, r.provider_id.empty() ? std::optional<std::string>() : r.provider_id)
        .bind(2, now)
        .bind(3, now)
        .bind(4, n.id)
        .run();
    audit(db, "system", n, to, {{"attempt", n.attempts}, {"provider_id", r.provider_id}});
    spdlog::info("NOTIFY_SENT id={} channel={} attempt={} provider_id={}", n.id,
                 to_string(n.channel), n.attempts, r.provider_id);
  } else {
    const auto next = now + backoff_delay(policy, n.attempts);
    const bool give_up =
        r.outcome == SendOutcome::rejected || next > n.created_at + policy.give_up_after;
    to = give_up ? NotifyStatus::failed : NotifyStatus::queued;
    db.prepare("UPDATE notifications SET status = ?, next_attempt_at = ?, last_error = ?, "
               "updated_at = ? WHERE id = ?")
        .bind(1, to_string(to))
        .bind(2, give_up ? n.next_attempt_at : next)
        .bind(3, r.error)
        .bind(4, now)
        .bind(5, n.id)
        .run();
    audit(db, "system", n, to, {{"attempt", n.attempts}, {"error", r.error}});
    if (give_up)
      spdlog::warn("NOTIFY_FAILED id={} channel={} attempts={} error=\"{}\"", n.id,
                   to_string(n.channel), n.attempts, r.error);
    else
      spdlog::warn("NOTIFY_RETRY id={} channel={} attempt={} next_in={}s error=\"{}\"", n.id,
                   to_string(n.channel), n.attempts, next - now, r.error);
  }
  tx.commit();
  return to;
}

int recover_interrupted_notifications(Db& db, UnixSeconds now) {
  Transaction tx(db);
  std::vector<Notification> interrupted;
  {
    auto s = db.prepare(std::string(columns) + "WHERE status = 'sending' ORDER BY id");
    while (s.step()) interrupted.push_back(read(s));
  }
  for (const auto& n : interrupted) {
    if (n.channel == Channel::sms) {
      const std::string error =
          "interrupted while being handed to the SMS provider: it may have been sent; "
          "'assistctl notification retry " + std::to_string(n.id) + "' sends it again";
      db.prepare("UPDATE notifications SET status = 'failed', last_error = ?, updated_at = ? "
                 "WHERE id = ?")
          .bind(1, error)
          .bind(2, now)
          .bind(3, n.id)
          .run();
      audit(db, "system", n, NotifyStatus::failed, {{"error", error}});
      spdlog::warn("NOTIFY_INTERRUPTED id={} channel=sms outcome=failed", n.id);
    } else {
      set_status(db, n.id, NotifyStatus::queued, now);
      audit(db, "system", n, NotifyStatus::queued, {{"error", "interrupted by a restart"}});
      spdlog::warn("NOTIFY_INTERRUPTED id={} channel={} outcome=requeued", n.id, to_string(n.channel));
    }
  }
  tx.commit();
  return static_cast<int>(interrupted.size());
}

Notification retry_notification(Db& db, std::int64_t id, const std::string& actor, UnixSeconds now) {
  auto n = require(db, id);
  if (n.status != NotifyStatus::failed)
    throw DomainError(ErrorKind::conflict, "not_failed",
                      "notification " + std::to_string(id) + " is " +
                          std::string(to_string(n.status)) + "; only a failed one can be retried");
  // A fresh start: attempts and the give-up clock count from now.
  db.prepare("UPDATE notifications SET status = 'queued', attempts = 0, next_attempt_at = ?, "
             "created_at = ?, updated_at = ? WHERE id = ?")
      .bind(1, now)
      .bind(2, now)
      .bind(3, now)
      .bind(4, id)
      .run();
  audit(db, actor, n, NotifyStatus::queued, {{"retry", true}});
  return require(db, id);
}

void record_delivery_status(Db& db, std::int64_t id, const std::string& provider_status,
                            const std::string& error, UnixSeconds now) {
  Transaction tx(db);
  auto n = require(db, id);
  std::optional<NotifyStatus> to;
  if (provider_status == "delivered") to = NotifyStatus::delivered;
  else if (provider_status == "undelivered" || provider_status == "failed") to = NotifyStatus::failed;
  // Only a sent message can become delivered or failed; intermediate reports change nothing.
  if (!to || (n.status != NotifyStatus::sent && n.status != NotifyStatus::delivered) || n.status == *to)
    return;
  db.prepare("UPDATE notifications SET status = ?, last_error = ?, updated_at = ? WHERE id = ?")
      .bind(1, to_string(*to))
      .bind(2, error.empty() ? std::optional<std::string>() : error)
      .bind(3, now)
      .bind(4, id)
      .run();
  audit(db, "provider", n, *to, {{"provider_status", provider_status}, {"error", error}});
  spdlog::info("NOTIFY_DELIVERY id={} status={}", id, provider_status);
  tx.commit();
}

std::vector<ChannelState> channel_states(Db& db) {
  std::vector<ChannelState> out;
  for (auto c : {Channel::email, Channel::sms, Channel::webhook}) {
    ChannelState st{c, std::nullopt, "", 0};
    auto s = db.prepare("SELECT suspended_at, suspended_by FROM notify_channels WHERE name = ?");
    s.bind(1, to_string(c));
    if (s.step()) {
      st.suspended_at = s.optional_integer(0);
      st.suspended_by = s.optional_text(1).value_or("");
    }
    auto q = db.prepare("SELECT count(*) FROM notifications WHERE channel = ? AND status = 'queued'");
    q.bind(1, to_string(c));
    q.step();
    st.queued = q.integer(0);
    out.push_back(st);
  }
  return out;
}

void set_channel_suspended(Db& db, Channel c, bool suspended, const std::string& actor,
                           UnixSeconds now) {
  db.prepare("INSERT INTO notify_channels (name, suspended_at, suspended_by) VALUES (?1, ?2, ?3) "
             "ON CONFLICT (name) DO UPDATE SET suspended_at = ?2, suspended_by = ?3")
      .bind(1, to_string(c))
      .bind(2, suspended ? std::optional<std::int64_t>(now) : std::nullopt)
      .bind(3, suspended ? std::optional<std::string>(actor) : std::nullopt)
      .run();
  audit_append(db, actor, suspended ? "channel.suspend" : "channel.resume", "channel",
               std::string(to_string(c)), nlohmann::json::object());
  spdlog::info("{} channel={} by={}", suspended ? "NOTIFY_CHANNEL_SUSPENDED" : "NOTIFY_CHANNEL_RESUMED",
               to_string(c), actor);
}

}  // namespace assist
