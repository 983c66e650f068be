#include "util/turn_credentials.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace assist {

TurnCredentials turn_credentials(const std::string& secret, const std::string& user, std::int64_t expires_at) {
  TurnCredentials out;
  out.username = std::to_string(expires_at) + ":" + user;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (!HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(out.username.data()), out.username.size(), digest,
            &digest_size))
    throw std::runtime_error("HMAC-SHA1 failed");
  // Standard base64 with padding, as coturn compares it: 4 characters per 3 bytes, plus a NUL.
  std::string encoded(4 * ((digest_size + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), digest,
                                     static_cast<int>(digest_size));
  encoded.resize(static_cast<std::size_t>(length));
  out.credential = std::move(encoded);
  return out;
}

}  // namespace assist
