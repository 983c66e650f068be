// Twilio's request signature, X-Twilio-Signature: base64 HMAC-SHA1, under the account's auth
// token, of the URL Twilio requested followed by every POST field's name and value, sorted by
// name, with no separators. https://www.twilio.com/docs/usage/security#validating-requests
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assist {

using FormFields = std::vector<std::pair<std::string, std::string>>;

std::string twilio_signature(std::string_view auth_token, std::string_view url, FormFields fields);

}  // namespace assist
