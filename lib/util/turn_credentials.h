// Ephemeral TURN credentials from a secret shared with the TURN server (the TURN REST API,
// draft-uberti-behave-turn-rest; coturn's `use-auth-secret` / `static-auth-secret`):
// username = "<expiry as unix seconds>:<user id>", credential = base64(HMAC-SHA1(secret,
// username)). The TURN server recomputes the credential and refuses expired usernames.
#pragma once

#include <cstdint>
#include <string>

namespace assist {

struct TurnCredentials {
  std::string username;
  std::string credential;
};

// Valid until `expires_at` (unix seconds). `user` must not contain ':'.
TurnCredentials turn_credentials(const std::string& secret, const std::string& user, std::int64_t expires_at);

}  // namespace assist
