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

// What a status change writes besides status and updated_at; an empty member leaves its
// column as it is. last_error and provider_id hold a value or nullopt, which writes NULL.
struct MoveFields {
  std::optional<std::int64_t> attempts;
  std::optional<std::int64_t> next_attempt_at;
  std::optional<std::int64_t> created_at;
  std::optional<std::int64_t> sent_at;
  std::optional<std::optional<std::string>> last_error;
  std::optional<std::optional<std::string>> provider_id;
};

// The only way a notification's status changes. Inside the caller's transaction: checks the
// move against notify_transition_allowed for the row as it stands, writes it and appends the
// audit event `notification.<to>` (details: channel, kind, from, to and the caller's own).
// An illegal move throws DomainError illegal_transition and writes nothing.
Notification move_notification(Db& db, std::int64_t id, NotifyStatus to, const MoveFields& f,
                               const std::string& actor, nlohmann::json details, UnixSeconds now) {
  const auto n = require(db, id);
  if (!notify_transition_allowed(n.status, to))
    throw DomainError(ErrorKind::conflict, "illegal_transition",
                      "notification " + std::to_string(id) + " is " +
                          std::string(to_string(n.status)) + " and cannot become " +
                          std::string(to_string(to)));
  auto stmt = db.prepare(
      "UPDATE notifications SET status = ?1, updated_at = ?2, "
      "attempts = coalesce(?3, attempts), next_attempt_at = coalesce(?4, next_attempt_at), "
      "created_at = coalesce(?5, created_at), sent_at = coalesce(?6, sent_at), "
      "last_error = CASE WHEN ?7 THEN ?8 ELSE last_error END, "
      "provider_id = CASE WHEN ?9 THEN ?10 ELSE provider_id END WHERE id = ?11");
  stmt.bind(1, to_string(to))
      .bind(2, now)
      .bind(3, f.attempts)
      .bind(4, f.next_attempt_at)
      .bind(5, f.created_at)
      .bind(6, f.sent_at)
      .bind(7, f.last_error ? 1 : 0)
      .bind(8, f.last_error.value_or(std::nullopt))
      .bind(9, f.provider_id ? 1 : 0)
      .bind(10, f.provider_id.value_or(std::nullopt))
      .bind(11, id)
      .run();
  details["channel"] = to_string(n.channel);
  details["kind"] = to_string(n.kind);
  details["from"] = to_string(n.status);
  details["to"] = to_string(to);
  audit_append(db, actor, "notification." + std::string(to_string(to)), "notification",
               std::to_string(id), details);
  return require(db, id);
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
  const auto due = read(s);
  MoveFields f;
  f.attempts = due.attempts + 1;
  auto n = move_notification(db, due.id, NotifyStatus::sending, f, "system",
                             {{"attempt", due.attempts + 1}}, now);
  tx.commit();
  return n;
}

NotifyStatus record_send_result(Db& db, const Notification& n, const SendResult& r,
                                const RetryPolicy& policy, UnixSeconds now) {
  Transaction tx(db);
  NotifyStatus to = NotifyStatus::sent;
  if (r.outcome == SendOutcome::sent) {
    MoveFields f;
    f.provider_id = r.provider_id.empty() ? std::optional<std::string>() : r.provider_id;
    f.sent_at = now;
    f.last_error = std::optional<std::string>();
    move_notification(db, n.id, to, f, "system",
                      {{"attempt", n.attempts}, {"provider_id", r.provider_id}}, now);
    spdlog::info("NOTIFY_SENT id={} channel={} attempt={} provider_id={}", n.id,
                 to_string(n.channel), n.attempts, r.provider_id);
  } else {
    // `now` is the failure's second, cut down: the failure came up to a second after it, so the
    // retry is due a second later than the delay says, never earlier than the delay after it.
    const auto delay = backoff_delay(policy, n.attempts);
    const auto next = now + delay + 1;
    const bool give_up =
        r.outcome == SendOutcome::rejected || next > n.created_at + policy.give_up_after;
    to = give_up ? NotifyStatus::failed : NotifyStatus::queued;
    MoveFields f;
    if (!give_up) f.next_attempt_at = next;
    f.last_error = std::optional<std::string>(r.error);
    move_notification(db, n.id, to, f, "system", {{"attempt", n.attempts}, {"error", r.error}}, now);
    if (give_up)
      spdlog::warn("NOTIFY_FAILED id={} channel={} attempts={} error=\"{}\"", n.id,
                   to_string(n.channel), n.attempts, r.error);
    else
      spdlog::warn("NOTIFY_RETRY id={} channel={} attempt={} next_in={}s error=\"{}\"", n.id,
                   to_string(n.channel), n.attempts, delay, r.error);
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
      MoveFields f;
      f.last_error = std::optional<std::string>(error);
      move_notification(db, n.id, NotifyStatus::failed, f, "system", {{"error", error}}, now);
      spdlog::warn("NOTIFY_INTERRUPTED id={} channel=sms outcome=failed", n.id);
    } else {
      move_notification(db, n.id, NotifyStatus::queued, {}, "system",
                        {{"error", "interrupted by a restart"}}, now);
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
  MoveFields f;
  f.attempts = 0;
  f.next_attempt_at = now;
  f.created_at = now;
  return move_notification(db, id, NotifyStatus::queued, f, actor, {{"retry", true}}, now);
}

void record_delivery_status(Db& db, std::int64_t id, const std::string& provider_status,
                            const std::string& error, UnixSeconds now) {
  Transaction tx(db);
  auto n = require(db, id);
  std::optional<NotifyStatus> to;
  if (provider_status == "delivered") to = NotifyStatus::delivered;
  else if (provider_status == "undelivered" || provider_status == "failed") to = NotifyStatus::failed;
  // A report moves only a message the provider took (sent, or delivered and now reported
  // undelivered); intermediate reports, repeats, and reports about a row that is not sent yet
  // (or no longer) change nothing.
  const bool taken = n.status == NotifyStatus::sent || n.status == NotifyStatus::delivered;
  if (!to || !taken || !notify_transition_allowed(n.status, *to)) return;
  MoveFields f;
  f.last_error = error.empty() ? std::optional<std::string>() : error;
  move_notification(db, id, *to, f, "provider",
                    {{"provider_status", provider_status}, {"error", error}}, now);
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
