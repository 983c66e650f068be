// RFC 5322/2045 email text: a multipart/alternative text + HTML body, and optionally an
// iCalendar part (text/calendar with its iTIP method) as calendar clients expect.
#pragma once

#include <optional>
#include <string>

#include "util/time.h"

namespace assist {

struct EmailMessage {
  std::string from;
  std::string to;
  std::string to_name;
  std::string subject;
  std::string text;
  std::string html;
  std::optional<std::string> ics;  // VCALENDAR text
  std::string ics_method;          // "REQUEST" or "CANCEL"
  std::string message_id;          // "<notification-7@host>": the same on every retry
  UnixSeconds date = 0;
};

std::string build_mime(const EmailMessage& message);

// "=?UTF-8?B?...?=" when the text is not plain ASCII.
std::string encode_header_words(const std::string& text);

}  // namespace assist
