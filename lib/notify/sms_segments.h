// How many SMS parts a text costs: GSM-7 (160 per single message, 153 per part) when every
// character is in the GSM 03.38 alphabet, else UCS-2 (70, 67 per part).
#pragma once

#include <string>

namespace assist {

struct SmsSegments {
  bool gsm7 = true;
  int units = 0;     // septets (GSM-7) or UTF-16 code units (UCS-2)
  int segments = 0;  // 0 for an empty text
};

SmsSegments count_sms_segments(const std::string& utf8);

}  // namespace assist
