// One interface for every channel's provider: hand over one notification, say what happened.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "notify/notification.h"

namespace assist {

enum class SendOutcome {
  sent,      // the provider accepted it
  retry,     // a failure that may pass (network, timeout, 429, 5xx): try again later
  rejected,  // the provider refused this message for good (bad number, 4xx, 5xx SMTP reply)
};

struct SendResult {
  SendOutcome outcome = SendOutcome::retry;
  std::string provider_id;  // the provider's message id, when it gives one
  std::string error;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual SendResult send(const Notification& notification) = 0;
};

// "" when the channel is configured, else why not (for API errors and `channel list`).
std::string channel_problem(Channel channel, const Config& config);

// nullptr when the channel is not configured.
std::unique_ptr<Provider> make_provider(Channel channel, const Config& config);

// The secret in a notification's Twilio status callback URL.
std::string status_callback_token(const Config& config, std::int64_t notification_id);
std::string status_callback_url(const Config& config, std::int64_t notification_id);

}  // namespace assist
