#include "notify/twilio_signature.h"

#include <algorithm>

#include "util/crypto.h"

namespace assist {

std::string twilio_signature(std::string_view auth_token, std::string_view url, FormFields fields) {
  // A name sent twice keeps each value, in order of value, as Twilio's own validators do.
  std::sort(fields.begin(), fields.end());
  std::string signed_text(url);
  for (const auto& [name, value] : fields) signed_text += name + value;
  return hmac_sha1_base64(auth_token, signed_text);
}

}  // namespace assist
