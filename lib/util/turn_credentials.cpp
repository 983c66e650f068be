#include "util/turn_credentials.h"

#include "util/crypto.h"

namespace assist {

TurnCredentials turn_credentials(const std::string& secret, const std::string& user, std::int64_t expires_at) {
  TurnCredentials out;
  out.username = std::to_string(expires_at) + ":" + user;
  out.credential = hmac_sha1_base64(secret, out.username);
  return out;
}

}  // namespace assist
