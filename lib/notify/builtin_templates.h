// The templates assist ships, for en and fr.
#pragma once

#include <string_view>

#include "notify/notification.h"

namespace assist {

struct BuiltinTemplate {
  std::string_view subject;
  std::string_view text;
  std::string_view sms;
};

// nullptr when the locale has no built-in texts.
const BuiltinTemplate* builtin_template(NotifyKind kind, std::string_view locale);

}  // namespace assist
