// Checks of a customer's contact details.
#pragma once

#include <string>

namespace assist {

bool is_email_address(const std::string& email);
bool is_supported_locale(const std::string& locale);

}  // namespace assist
