#include "domain/contact.h"

#include <algorithm>
#include <cctype>

namespace assist {

bool is_email_address(const std::string& e) {
  if (e.size() > 254) return false;
  const auto at = e.find('@');
  if (at == std::string::npos || at == 0 || at > 64 || e.find('@', at + 1) != std::string::npos)
    return false;
  const auto domain = e.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string::npos || dot == 0 || domain.back() == '.' || domain.find("..") != std::string::npos)
    return false;
  auto allowed_local = [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
  };
  auto allowed_domain = [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; };
  return std::all_of(e.begin(), e.begin() + static_cast<long>(at), allowed_local) &&
         std::all_of(domain.begin(), domain.end(), allowed_domain);
}

bool is_supported_locale(const std::string& locale) { return locale == "en" || locale == "fr"; }

}  // namespace assist
