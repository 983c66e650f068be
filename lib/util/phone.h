// Phone numbers through libphonenumber: validation, E.164 normalisation, and the countries
// SMS may go to.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace assist {

struct PhoneCheck {
  std::optional<std::string> e164;  // set when valid
  std::string region;               // ISO 3166-1 alpha-2, e.g. "FR"
  std::string error;                // set when invalid
};

// Accepts international input ("+33 6 12 34 56 78", "+33612345678", "0033 6…" with a region)
// and, when `default_region` is set, national input for that country ("06 12 34 56 78").
PhoneCheck normalise_phone(const std::string& text, const std::string& default_region = "");

// A region libphonenumber has numbering data for ("FR": true, "ZZ": false).
bool is_phone_region(const std::string& region);

// English name of an ISO region code ("BR" → "Brazil"); the code itself when unknown.
std::string country_name(const std::string& region);

// "" when SMS may go to `e164`, else an error naming the country.
std::string check_sms_country(const std::string& e164, const std::vector<std::string>& allowed);

// The default allowlist: the countries where the product is offered.
const std::vector<std::string>& default_sms_countries();

}  // namespace assist
