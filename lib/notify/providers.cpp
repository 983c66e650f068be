// Email over SMTP, SMS through Twilio or a generic JSON endpoint, and signed webhooks.
#include <nlohmann/json.hpp>

#include <cctype>

#include "notify/curl_handle.h"
#include "notify/mime.h"
#include "notify/provider.h"
#include "notify/templates.h"
#include "notify/webhook_signature.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/url.h"

namespace assist {
namespace {

SendResult classify_http(const TransferResult& r) {
  if (r.code != CURLE_OK) return {SendOutcome::retry, "", r.error};
  if (r.status >= 200 && r.status < 300) return {SendOutcome::sent, "", ""};
  const auto error = "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
  if (r.status == 408 || r.status == 429 || r.status >= 500) return {SendOutcome::retry, "", error};
  return {SendOutcome::rejected, "", error};
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
  return out;
}

// A provider sends with the configuration it was made from (providers are made at start).
class ConfiguredProvider : public Provider {
 public:
  explicit ConfiguredProvider(const Config& c) : config_(c) {}

 protected:
  Config config_;
};

class EmailProvider : public ConfiguredProvider {
 public:
  using ConfiguredProvider::ConfiguredProvider;
  SendResult send(const Notification& n) override {
    const auto payload = nlohmann::json::parse(n.payload);
    EmailMessage m;
    m.from = config_.notify_email_from;
    m.to = n.recipient;
    m.to_name = payload.value("to_name", "");
    m.subject = payload.at("subject").get<std::string>();
    m.text = payload.at("text").get<std::string>();
    m.html = payload.at("html").get<std::string>();
    if (payload.contains("ics")) {
      m.ics = payload["ics"].get<std::string>();
      m.ics_method = payload.value("ics_method", "REQUEST");
    }
    const auto domain = m.from.substr(m.from.find('@') + 1);
    m.message_id = "<notification-" + std::to_string(n.id) + "-" + std::to_string(n.created_at) +
                   "@" + domain + ">";
    m.date = now_seconds();
    SmtpSend s{config_.notify_smtp_url, config_.notify_smtp_tls == "required",
               config_.notify_smtp_username, config_.notify_smtp_password, m.from, m.to,
               build_mime(m)};
    const auto r = smtp_send(s);
    if (r.code == CURLE_OK) return {SendOutcome::sent, m.message_id, ""};
    // A 5xx reply to the recipient or the data is final; anything else may pass.
    const auto error = r.error + (r.status ? " (SMTP " + std::to_string(r.status) + ")" : "");
    if (r.status >= 500 && r.status < 600 && r.code != CURLE_LOGIN_DENIED)
      return {SendOutcome::rejected, "", error};
    return {SendOutcome::retry, "", error};
  }
};

class TwilioProvider : public ConfiguredProvider {
 public:
  using ConfiguredProvider::ConfiguredProvider;
  SendResult send(const Notification& n) override {
    const auto payload = nlohmann::json::parse(n.payload);
    const auto& sid = config_.notify_twilio_account_sid;
    HttpPost post;
    post.url = config_.notify_twilio_base_url + "/2010-04-01/Accounts/" + sid + "/Messages.json";
    post.username = sid;
    post.password = config_.notify_twilio_auth_token;
    post.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
    const auto& from = config_.notify_twilio_from;
    post.body = form_encode({{"To", n.recipient},
                             {from.rfind("MG", 0) == 0 ? "MessagingServiceSid" : "From", from},
                             {"Body", payload.at("body").get<std::string>()},
                             {"StatusCallback", status_callback_url(config_, n.id)}});
    const auto r = http_post(post);
    auto result = classify_http(r);
    if (result.outcome == SendOutcome::sent) {
      const auto answer = nlohmann::json::parse(r.body, nullptr, false);
      if (answer.is_object() && answer.contains("sid") && answer["sid"].is_string())
        result.provider_id = answer["sid"].get<std::string>();
    }
    return result;
  }
};

class HttpSmsProvider : public ConfiguredProvider {
 public:
  using ConfiguredProvider::ConfiguredProvider;
  SendResult send(const Notification& n) override {
    const auto payload = nlohmann::json::parse(n.payload);
    HttpPost post;
    post.url = config_.notify_sms_http_url;
    post.headers = config_.notify_sms_http_headers;
    post.headers.push_back("Content-Type: application/json");
    post.body = expand_template(config_.notify_sms_http_body,
                                {{"to", nlohmann::json(n.recipient).dump()},
                                 {"body", payload.at("body").dump()}},
                                "notify.sms.http.body", false);
    return classify_http(http_post(post));
  }
};

class WebhookProvider : public ConfiguredProvider {
 public:
  using ConfiguredProvider::ConfiguredProvider;
  SendResult send(const Notification& n) override {
    auto event = nlohmann::json::parse(n.payload);
    event["id"] = "notification-" + std::to_string(n.id);
    const auto body = event.dump();
    const auto timestamp = std::to_string(now_seconds());
    HttpPost post;
    post.url = n.recipient;
    post.body = body;
    post.headers = {"Content-Type: application/json",
                    "X-Assist-Event-Id: notification-" + std::to_string(n.id),
                    "X-Assist-Timestamp: " + timestamp,
                    "X-Assist-Signature: " + webhook_signature(config_.notify_webhook_secret, timestamp, body)};
    auto result = classify_http(http_post(post));
    if (result.outcome == SendOutcome::sent) result.provider_id = "notification-" + std::to_string(n.id);
    return result;
  }
};

}  // namespace

std::string channel_problem(Channel channel, const Config& c) {
  switch (channel) {
    case Channel::email:
      return c.notify_smtp_url.empty() ? "email is not configured (notify.email.smtp_url)" : "";
    case Channel::sms:
      if (c.notify_sms_provider == "twilio")
        return c.notify_twilio_account_sid.empty() || c.notify_twilio_auth_token.empty() ||
                       c.notify_twilio_from.empty()
                   ? "Twilio needs notify.sms.twilio.account_sid, auth_token and from"
                   : "";
      if (c.notify_sms_provider == "http")
        return c.notify_sms_http_url.empty() ? "the http SMS provider needs notify.sms.http.url" : "";
      return "SMS is not configured (notify.sms.provider)";
    case Channel::webhook:
      return c.notify_webhook_url.empty() || c.notify_webhook_secret.empty()
                 ? "the webhook is not configured (notify.webhook.url and notify.webhook.secret)"
                 : "";
  }
  return "unknown channel";
}

std::unique_ptr<Provider> make_provider(Channel channel, const Config& c) {
  if (!channel_problem(channel, c).empty()) return nullptr;
  switch (channel) {
    case Channel::email: return std::make_unique<EmailProvider>(c);
    case Channel::sms:
      if (c.notify_sms_provider == "twilio") return std::make_unique<TwilioProvider>(c);
      return std::make_unique<HttpSmsProvider>(c);
    case Channel::webhook: return std::make_unique<WebhookProvider>(c);
  }
  return nullptr;
}

std::string status_callback_token(const Config& c, std::int64_t id) {
  return hmac_sha256_hex(c.notify_twilio_auth_token, "status-callback:" + std::to_string(id));
}

std::string status_callback_url(const Config& c, std::int64_t id) {
  return c.public_url + "/api/v1/notifications/" + std::to_string(id) +
         "/status?token=" + status_callback_token(c, id);
}

}  // namespace assist
