#include "notify/webhook_signature.h"

#include "util/crypto.h"

namespace assist {

std::string webhook_signature(const std::string& secret, const std::string& timestamp,
                              const std::string& body) {
  return "v1=" + hmac_sha256_hex(secret, timestamp + "." + body);
}

}  // namespace assist
