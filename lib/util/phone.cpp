#include "util/phone.h"

#include <phonenumbers/phonenumberutil.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include <algorithm>

namespace assist {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

PhoneCheck normalise_phone(const std::string& text, const std::string& default_region) {
  const auto* util = PhoneNumberUtil::GetInstance();
  const auto first = text.find_first_not_of(" \t");
  const bool international = first != std::string::npos && text[first] == '+';
  if (!international && default_region.empty())
    return {std::nullopt, "", "must be an international number starting with +, e.g. +33612345678"};
  PhoneNumber number;
  if (util->Parse(text, international ? "ZZ" : default_region, &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return {std::nullopt, "", "is not a phone number"};
  std::string region;
  util->GetRegionCodeForNumber(number, &region);
  if (!util->IsValidNumber(number))
    return {std::nullopt, region,
            international ? "is not a valid phone number"
                          : "is not a valid phone number in " + country_name(default_region) +
                                " (write numbers from elsewhere with + and their country code)"};
  std::string e164;
  util->Format(number, PhoneNumberUtil::E164, &e164);
  return {e164, region, ""};
}

bool is_phone_region(const std::string& region) {
  return PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(region) != 0;
}

std::string country_name(const std::string& region) {
  UErrorCode status = U_ZERO_ERROR;
  UChar name[128];
  const auto locale = "und_" + region;
  const auto length = uloc_getDisplayCountry(locale.c_str(), "en", name, 128, &status);
  if (U_FAILURE(status) || length <= 0) return region;
  char utf8[512];
  int32_t utf8_length = 0;
  u_strToUTF8(utf8, sizeof utf8, &utf8_length, name, length, &status);
  if (U_FAILURE(status)) return region;
  return std::string(utf8, static_cast<std::size_t>(utf8_length));
}

std::string check_sms_country(const std::string& e164, const std::vector<std::string>& allowed) {
  const auto phone = normalise_phone(e164);
  if (!phone.e164) return "the phone number " + e164 + " " + phone.error;
  if (std::find(allowed.begin(), allowed.end(), phone.region) != allowed.end()) return "";
  return "SMS to " + country_name(phone.region) + " (" + phone.region +
         ") is not allowed; the countries SMS may go to are listed in notify.sms.allowed_countries";
}

const std::vector<std::string>& default_sms_countries() {
  static const std::vector<std::string> countries = {
      "ZA", "DE", "SA", "AT", "BE", "BG", "CY", "HR", "DK", "EG", "AE", "ES", "EE", "FI", "FR",
      "GE", "GR", "HU", "IE", "IS", "IL", "IT", "LV", "LI", "LT", "LU", "MT", "NO", "NL", "PL",
      "PT", "QA", "CZ", "RO", "GB", "SK", "SI", "SE", "CH", "AR", "AW", "BS", "BZ", "BM", "CA",
      "CO", "CW", "US", "KY", "JM", "PR", "DO", "TT", "AU", "HK", "JP", "NZ", "TW"};
  return countries;
}

}  // namespace assist
