// The outbox's life: the table of legal status moves and its one transition function,
// idempotent enqueueing, claiming, backoff, giving up, crash recovery, suspension, reminders
// run twice, and the REST routes' refusals.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/api.h"
#include "audit/audit_log.h"
#include "domain/appointments.h"
#include "domain/errors.h"
#include "domain/join_tokens.h"
#include "notify/compose.h"
#include "notify/outbox.h"
#include "temp_db.h"
#include "util/time.h"

namespace assist {
namespace {

using nlohmann::json;

const Principal admin{Role::admin, std::nullopt, "control-socket", false, {}};

Config notify_config() {
  auto c = *load_config_text(
                "notify:\n"
                "  timezone: Europe/Paris\n"
                "  email: {smtp_url: 'smtp://127.0.0.1:2525', tls: 'off', from: 'assist@example.org'}\n"
                "  sms:\n"
                "    provider: twilio\n"
                "    twilio: {account_sid: AC1, auth_token: tok, from: '+33700000000'}\n",
                "test")
                .config;
  return c;
}

using S = NotifyStatus;
constexpr S all_statuses[] = {S::queued, S::sending, S::sent, S::delivered, S::failed};

// Every move outbox.cpp makes, and no other.
const std::vector<std::pair<S, S>> legal_moves = {
    {S::queued, S::sending}, {S::sending, S::sent},     {S::sending, S::queued},
    {S::sending, S::failed}, {S::sent, S::delivered},   {S::sent, S::failed},
    {S::delivered, S::failed}, {S::failed, S::queued},
};

TEST(NotifyTransitions, ExactlyTheLegalMovesAreAllowed) {
  for (auto from : all_statuses)
    for (auto to : all_statuses) {
      const bool legal =
          std::find(legal_moves.begin(), legal_moves.end(), std::pair{from, to}) != legal_moves.end();
      EXPECT_EQ(notify_transition_allowed(from, to), legal) << to_string(from) << " -> " << to_string(to);
    }
  EXPECT_FALSE(notify_transition_allowed(S::delivered, S::queued));
  EXPECT_FALSE(notify_transition_allowed(S::sent, S::sending));
  EXPECT_FALSE(notify_transition_allowed(S::failed, S::sent));
  EXPECT_FALSE(notify_transition_allowed(S::queued, S::failed));  // a queued row is claimed first
  EXPECT_FALSE(notify_transition_allowed(S::queued, S::queued));
}

class OutboxTest : public ::testing::Test {
 protected:
  testing::TempDb t;
  Db& db = *t.db;
  Config config = notify_config();

  NewNotification sample(const std::string& key, Channel channel = Channel::email) {
    return {std::nullopt, NotifyKind::link, channel, "ada@example.org", key, "{}", 1000};
  }

  Notification enqueue(const NewNotification& n, UnixSeconds now = 1000) {
    Transaction tx(db);
    auto out = enqueue_notification(db, n, "test", now);
    tx.commit();
    return *out;
  }

  // The (from, to) of every notification.* status event, oldest first ("queued" has no from).
  std::vector<std::pair<std::string, std::string>> moves_audited(std::int64_t id) {
    AuditQuery q;
    q.object_type = "notification";
    q.object_id = std::to_string(id);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : audit_list(db, q)) {
      auto d = json::parse(e.details);
      if (d.contains("from")) {
        EXPECT_EQ(e.action, "notification." + d["to"].get<std::string>());
        out.emplace_back(d["from"], d["to"]);
      }
    }
    return out;
  }

  std::int64_t count(const std::string& table) {
    auto s = db.prepare("SELECT count(*) FROM " + table);
    s.step();
    return s.integer(0);
  }

  Appointment appointment(UnixSeconds starts_at, const std::string& phone = "+33612345678") {
    NewAppointment n;
    n.customer_name = "Ada";
    n.customer_email = "ada@example.org";
    n.customer_phone = phone;
    n.locale = "fr";
    n.starts_at = starts_at;
    Transaction tx(db);
    auto a = create_appointment(db, n, admin);
    tx.commit();
    return a;
  }
};

TEST_F(OutboxTest, SameKeyIsQueuedOnce) {
  enqueue(sample("k1"));
  Transaction tx(db);
  EXPECT_FALSE(enqueue_notification(db, sample("k1"), "test", 1000));
  tx.commit();
  EXPECT_EQ(list_notifications(db, std::nullopt, 0, 10).size(), 1u);
}

TEST_F(OutboxTest, ClaimSendAndAuditEveryMove) {
  auto n = enqueue(sample("k1"));
  EXPECT_FALSE(claim_next_notification(db, 999));  // not yet due
  auto claimed = claim_next_notification(db, 1000);
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->status, NotifyStatus::sending);
  EXPECT_EQ(claimed->attempts, 1);
  EXPECT_FALSE(claim_next_notification(db, 1000));  // one claim only
  EXPECT_EQ(record_send_result(db, *claimed, {SendOutcome::sent, "SM1", ""}, {}, 1001), NotifyStatus::sent);
  auto sent = *find_notification(db, n.id);
  EXPECT_EQ(sent.status, NotifyStatus::sent);
  EXPECT_EQ(sent.provider_id, "SM1");
  AuditQuery q;
  q.object_type = "notification";
  std::vector<std::string> actions;
  for (const auto& e : audit_list(db, q)) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"notification.queued", "notification.sending",
                                               "notification.sent"}));
  EXPECT_TRUE(audit_verify(db).ok);
}

TEST_F(OutboxTest, FailuresBackOffExponentiallyThenGiveUp) {
  const RetryPolicy policy{10, 35, 100};
  EXPECT_EQ(backoff_delay(policy, 1), 10);
  EXPECT_EQ(backoff_delay(policy, 2), 20);
  EXPECT_EQ(backoff_delay(policy, 3), 35);
  EXPECT_EQ(backoff_delay(policy, 50), 35);
  auto n = enqueue(sample("k1"));
  auto c = claim_next_notification(db, 1000);
  // Seconds are cut down: a failure at 1000.9 is recorded at 1000, and a claim at 1010 may be
  // at 1010.0, only 9.1 s later. The retry must wait the whole 10 s, so not before 1011.
  EXPECT_EQ(record_send_result(db, *c, {SendOutcome::retry, "", "down"}, policy, 1000), NotifyStatus::queued);
  EXPECT_EQ(*find_notification(db, n.id)->last_error, "down");
  EXPECT_FALSE(claim_next_notification(db, 1010));
  c = claim_next_notification(db, 1011);
  ASSERT_TRUE(c);
  EXPECT_EQ(record_send_result(db, *c, {SendOutcome::retry, "", "down"}, policy, 1011), NotifyStatus::queued);
  EXPECT_FALSE(claim_next_notification(db, 1031));
  c = claim_next_notification(db, 1090);
  // 1090 + 35 is past created_at + give_up_after.
  EXPECT_EQ(record_send_result(db, *c, {SendOutcome::retry, "", "down"}, policy, 1090), NotifyStatus::failed);
  EXPECT_EQ(find_notification(db, n.id)->attempts, 3);
  // A failed one can be retried by hand, and only then.
  Transaction tx(db);
  EXPECT_EQ(retry_notification(db, n.id, "test", 2000).status, NotifyStatus::queued);
  EXPECT_THROW(retry_notification(db, n.id, "test", 2000), std::exception);
  tx.commit();
}

TEST_F(OutboxTest, RejectionFailsAtOnce) {
  auto n = enqueue(sample("k1"));
  auto c = claim_next_notification(db, 1000);
  EXPECT_EQ(record_send_result(db, *c, {SendOutcome::rejected, "", "HTTP 400"}, {}, 1000), NotifyStatus::failed);
}

TEST_F(OutboxTest, RestartRequeuesEmailButFailsInterruptedSms) {
  auto email = enqueue(sample("k1"));
  auto sms = enqueue(sample("k2", Channel::sms));
  auto queued = enqueue(sample("k3"));
  ASSERT_TRUE(claim_next_notification(db, 1000));
  ASSERT_TRUE(claim_next_notification(db, 1000));
  EXPECT_EQ(recover_interrupted_notifications(db, 1001), 2);
  EXPECT_EQ(find_notification(db, email.id)->status, NotifyStatus::queued);
  EXPECT_EQ(find_notification(db, sms.id)->status, NotifyStatus::failed);
  EXPECT_NE(find_notification(db, sms.id)->last_error->find("notification retry"), std::string::npos);
  EXPECT_EQ(find_notification(db, queued.id)->status, NotifyStatus::queued);
}

TEST_F(OutboxTest, SuspendedChannelsWait) {
  enqueue(sample("k1"));
  {
    Transaction tx(db);
    set_channel_suspended(db, Channel::email, true, "test", 1000);
    tx.commit();
  }
  EXPECT_FALSE(claim_next_notification(db, 1000));
  EXPECT_EQ(channel_states(db)[0].queued, 1);
  EXPECT_TRUE(channel_states(db)[0].suspended_at);
  {
    Transaction tx(db);
    set_channel_suspended(db, Channel::email, false, "test", 1001);
    tx.commit();
  }
  EXPECT_TRUE(claim_next_notification(db, 1001));
}

TEST_F(OutboxTest, DeliveryReportsMoveSentOnly) {
  auto n = enqueue(sample("k1", Channel::sms));
  record_delivery_status(db, n.id, "delivered", "", 1000);
  EXPECT_EQ(find_notification(db, n.id)->status, NotifyStatus::queued);
  auto c = claim_next_notification(db, 1000);
  record_send_result(db, *c, {SendOutcome::sent, "SM1", ""}, {}, 1000);
  record_delivery_status(db, n.id, "sent", "", 1001);
  EXPECT_EQ(find_notification(db, n.id)->status, NotifyStatus::sent);
  record_delivery_status(db, n.id, "delivered", "", 1002);
  EXPECT_EQ(find_notification(db, n.id)->status, NotifyStatus::delivered);
}

// Each legal move, made by the code that makes it, lands in the row and in the audit log.
TEST_F(OutboxTest, EveryLegalMoveIsMadeAndAudited) {
  const RetryPolicy policy{10, 10, 100};
  auto a = enqueue(sample("a", Channel::sms));
  auto c = claim_next_notification(db, 1000);                                    // queued → sending
  record_send_result(db, *c, {SendOutcome::retry, "", "busy"}, policy, 1000);    // sending → queued
  c = claim_next_notification(db, 1011);
  record_send_result(db, *c, {SendOutcome::sent, "SM1", ""}, policy, 1011);      // sending → sent
  record_delivery_status(db, a.id, "delivered", "", 1020);                        // sent → delivered
  record_delivery_status(db, a.id, "undelivered", "30003", 1030);                 // delivered → failed
  EXPECT_EQ(find_notification(db, a.id)->last_error, "30003");
  {
    Transaction tx(db);
    retry_notification(db, a.id, "test", 1040);                                   // failed → queued
    tx.commit();
  }
  c = claim_next_notification(db, 1040);
  record_send_result(db, *c, {SendOutcome::sent, "SM2", ""}, policy, 1040);
  record_delivery_status(db, a.id, "failed", "", 1050);                           // sent → failed
  EXPECT_EQ(find_notification(db, a.id)->status, S::failed);
  EXPECT_EQ(moves_audited(a.id),
            (std::vector<std::pair<std::string, std::string>>{
                {"queued", "sending"}, {"sending", "queued"}, {"queued", "sending"},
                {"sending", "sent"}, {"sent", "delivered"}, {"delivered", "failed"},
                {"failed", "queued"}, {"queued", "sending"}, {"sending", "sent"},
                {"sent", "failed"}}));

  auto b = enqueue(sample("b"));
  c = claim_next_notification(db, 1100);
  record_send_result(db, *c, {SendOutcome::rejected, "", "HTTP 400"}, policy, 1100);  // sending → failed
  auto email = enqueue(sample("e"));
  auto sms = enqueue(sample("s", Channel::sms));
  ASSERT_TRUE(claim_next_notification(db, 1200));
  ASSERT_TRUE(claim_next_notification(db, 1200));
  EXPECT_EQ(recover_interrupted_notifications(db, 1201), 2);  // sending → queued, sending → failed
  const std::vector<std::pair<std::string, std::string>> failed = {{"queued", "sending"},
                                                                   {"sending", "failed"}};
  EXPECT_EQ(moves_audited(b.id), failed);
  EXPECT_EQ(moves_audited(sms.id), failed);
  EXPECT_EQ(moves_audited(email.id),
            (std::vector<std::pair<std::string, std::string>>{{"queued", "sending"}, {"sending", "queued"}}));
  EXPECT_TRUE(audit_verify(db).ok);
}

// A provider's answer that arrives for a row no longer sending is refused, and writes nothing.
TEST_F(OutboxTest, IllegalMovesAreRefusedAndWriteNothing) {
  auto refused = [&](const Notification& stale, const SendResult& result, S now_status) {
    const auto before = *find_notification(db, stale.id);
    ASSERT_EQ(before.status, now_status);
    const auto events = count("audit_events");
    try {
      record_send_result(db, stale, result, {}, 5000);
      ADD_FAILURE() << "a " << to_string(now_status) << " row accepted a send result";
    } catch (const DomainError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::conflict);
      EXPECT_EQ(e.code(), "illegal_transition");
      EXPECT_NE(std::string(e.what()).find(std::string(to_string(now_status))), std::string::npos);
    }
    const auto after = *find_notification(db, stale.id);
    EXPECT_EQ(after.status, before.status);
    EXPECT_EQ(after.updated_at, before.updated_at);
    EXPECT_EQ(after.attempts, before.attempts);
    EXPECT_EQ(after.next_attempt_at, before.next_attempt_at);
    EXPECT_EQ(after.last_error, before.last_error);
    EXPECT_EQ(after.provider_id, before.provider_id);
    EXPECT_EQ(after.sent_at, before.sent_at);
    EXPECT_EQ(count("audit_events"), events);
  };

  // failed → sent: a restart failed the interrupted SMS before its provider's answer was recorded.
  auto sms = enqueue(sample("s", Channel::sms));
  auto claimed = *claim_next_notification(db, 1000);
  recover_interrupted_notifications(db, 1001);
  refused(claimed, {SendOutcome::sent, "SM1", ""}, S::failed);

  // delivered → queued and delivered → sent: an answer recorded twice.
  auto email = enqueue(sample("e"));
  claimed = *claim_next_notification(db, 1000);
  record_send_result(db, claimed, {SendOutcome::sent, "id1", ""}, {}, 1002);
  record_delivery_status(db, email.id, "delivered", "", 1003);
  refused(claimed, {SendOutcome::retry, "", "timeout"}, S::delivered);
  refused(claimed, {SendOutcome::sent, "id2", ""}, S::delivered);

  // sent → sending cannot even be asked for: only queued rows are claimed.
  auto other = enqueue(sample("o"));
  claimed = *claim_next_notification(db, 1000);
  record_send_result(db, claimed, {SendOutcome::sent, "id3", ""}, {}, 1004);
  EXPECT_FALSE(claim_next_notification(db, 9999));
  EXPECT_EQ(find_notification(db, other.id)->status, S::sent);

  // Retrying anything but a failed row keeps its own refusal.
  Transaction tx(db);
  try {
    retry_notification(db, email.id, "test", 1005);
    ADD_FAILURE() << "a delivered notification was retried";
  } catch (const DomainError& e) {
    EXPECT_EQ(e.code(), "not_failed");
  }
  EXPECT_EQ(find_notification(db, email.id)->status, S::delivered);
  EXPECT_EQ(find_notification(db, sms.id)->status, S::failed);
  EXPECT_TRUE(audit_verify(db).ok);
}

TEST_F(OutboxTest, RemindTwiceQueuesOneReminderPerAppointmentAndChannel) {
  const auto now = now_seconds();
  auto a = appointment(now + 1800);        // its 1h reminder is due
  appointment(now + 3 * 86400);  // nothing due yet
  config.notify_quiet_hours = "";
  const auto events = count("audit_events");
  auto dry = run_reminders(db, config, now, true, admin);
  ASSERT_EQ(dry.size(), 2u);
  EXPECT_EQ(dry[0].outcome, "would_queue");
  EXPECT_TRUE(list_notifications(db, std::nullopt, 0, 10).empty());
  EXPECT_EQ(count("join_tokens"), 0);  // a dry run writes nothing
  EXPECT_EQ(count("audit_events"), events);
  auto sms = dry[1];
  EXPECT_EQ(sms.channel, Channel::sms);
  EXPECT_EQ(sms.sms_encoding, "GSM-7");
  EXPECT_GE(sms.sms_segments, 1);
  auto first = run_reminders(db, config, now, false, admin);
  auto second = run_reminders(db, config, now + 60, false, admin);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].outcome, "queued");
  EXPECT_EQ(first[0].appointment_id, a.id);
  EXPECT_EQ(first[0].offset, 3600);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].outcome, "already_queued");
  EXPECT_EQ(second[0].notification_id, first[0].notification_id);
  EXPECT_EQ(list_notifications(db, std::nullopt, 0, 10).size(), 2u);
  EXPECT_EQ(count("join_tokens"), 2);  // one link per reminder queued, none for a repeat
}

// The reminder is rendered before its join link exists; the link it carries is the real one,
// issued when it was queued, and its first opening is recorded against it.
TEST_F(OutboxTest, QueuedRemindersCarryTheirOwnWorkingLink) {
  const auto now = now_seconds();
  auto a = appointment(now + 1800);
  config.notify_quiet_hours = "";
  auto items = run_reminders(db, config, now, false, admin);
  ASSERT_EQ(items.size(), 2u);
  std::vector<std::string> tokens;
  for (const auto& item : items) {
    ASSERT_EQ(item.outcome, "queued");
    const auto n = *find_notification(db, *item.notification_id);
    const auto payload = json::parse(n.payload);
    const auto text = payload[item.channel == Channel::sms ? "body" : "text"].get<std::string>();
    const auto prefix = config.public_url + "/j/";
    const auto at = text.find(prefix);
    ASSERT_NE(at, std::string::npos) << text;
    const auto token = text.substr(at + prefix.size(), 32);
    if (item.channel == Channel::email)
      EXPECT_NE(payload["html"].get<std::string>().find("href=\"" + prefix + token + "\""),
                std::string::npos);
    else
      EXPECT_EQ(item.sms_text, text);
    auto resolved = resolve_join_token(db, token, a.starts_at, config.lead_time);
    EXPECT_EQ(resolved.check, JoinCheck::ok);
    ASSERT_TRUE(resolved.appointment);
    EXPECT_EQ(resolved.appointment->id, a.id);
    EXPECT_EQ(record_join_token_opened(db, token, now), n.id);
    tokens.push_back(token);
  }
  EXPECT_NE(tokens[0], tokens[1]);
}

TEST_F(OutboxTest, RemindersSkipCountriesOutsideTheAllowlist) {
  const auto now = now_seconds();
  appointment(now + 1800, "+5511987654321");
  auto items = run_reminders(db, config, now, false, admin);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].outcome, "skipped");
  EXPECT_NE(items[1].reason.find("Brazil"), std::string::npos);
}

class NotifyApiTest : public OutboxTest {
 protected:
  ApiServices services{SharedConfig(std::make_shared<const Config>(config)), {}, 0, "test", {}, {}, {}, {}};
  Api api{services};

  HttpResponse call(const std::string& method, const std::string& target, const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    if (!body.empty()) r.headers["content-type"] = "application/json";
    r.control_socket = true;
    return api.handle(r, db);
  }
};

TEST_F(NotifyApiTest, SendLinkQueuesAnInvitationWithIcs) {
  auto a = appointment(now_seconds() + 86400 * 2);
  auto r = call("POST", "/api/v1/appointments/" + std::to_string(a.id) + "/notifications", R"({"via":"email"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto body = json::parse(r.body);
  EXPECT_EQ(body["kind"], "invitation");
  EXPECT_EQ(body["status"], "queued");
  auto n = *find_notification(db, body["id"].get<std::int64_t>());
  auto payload = json::parse(n.payload);
  EXPECT_EQ(payload["ics_method"], "REQUEST");
  EXPECT_NE(payload["ics"].get<std::string>().find("SEQUENCE:0"), std::string::npos);
  EXPECT_NE(payload["text"].get<std::string>().find("/j/"), std::string::npos);
  // A reschedule tells the invited address again, with SEQUENCE:1.
  auto moved = call("POST", "/api/v1/appointments/" + std::to_string(a.id) + "/reschedule",
                    json{{"starts_at", format_iso8601(a.starts_at + 3600)}}.dump());
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto all = list_notifications(db, std::nullopt, 0, 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].kind, NotifyKind::reschedule);
  EXPECT_NE(json::parse(all[1].payload)["ics"].get<std::string>().find("SEQUENCE:1"), std::string::npos);
}

TEST_F(NotifyApiTest, RefusalsAreClear) {
  auto a = appointment(now_seconds() + 86400, "+5511987654321");
  const auto url = "/api/v1/appointments/" + std::to_string(a.id) + "/notifications";
  auto r = call("POST", url, R"({"via":"pigeon"})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(json::parse(r.body)["code"], "unknown_channel");
  r = call("POST", url, R"({"via":"sms"})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(json::parse(r.body)["code"], "country_not_allowed");
  EXPECT_NE(json::parse(r.body)["detail"].get<std::string>().find("Brazil (BR)"), std::string::npos);
  r = call("POST", url, R"({"via":"webhook"})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(json::parse(r.body)["code"], "channel_not_configured");
  EXPECT_EQ(call("POST", "/api/v1/channels/pigeon/suspend").status, 422);
  EXPECT_EQ(call("POST", "/api/v1/channels/sms/suspend").status, 200);
  EXPECT_TRUE(list_notifications(db, std::nullopt, 0, 10).empty());
}

}  // namespace
}  // namespace assist
