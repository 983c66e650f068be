// Webhook signatures: "v1=" + hex HMAC-SHA256(secret, timestamp + "." + body). Receivers
// recompute it and refuse old timestamps, which stops replays.
#pragma once

#include <string>

namespace assist {

std::string webhook_signature(const std::string& secret, const std::string& timestamp,
                              const std::string& body);

}  // namespace assist
