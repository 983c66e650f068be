#include "notify/twilio_signature.h"

#include <gtest/gtest.h>

namespace assist {
namespace {

// The example in Twilio's "Validating requests" documentation, fields given out of order.
const char* const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
const FormFields documented_fields = {{"To", "+18005551212"},
                                      {"CallSid", "CA1234567890ABCDE"},
                                      {"From", "+14158675309"},
                                      {"Digits", "1234"},
                                      {"Caller", "+14158675309"}};

TEST(TwilioSignature, MatchesTwiliosDocumentedExample) {
  EXPECT_EQ(twilio_signature("12345", url, documented_fields), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST(TwilioSignature, CoversTheTokenTheUrlAndEveryField) {
  const auto genuine = twilio_signature("12345", url, documented_fields);
  EXPECT_NE(twilio_signature("12346", url, documented_fields), genuine);
  EXPECT_NE(twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=3", documented_fields),
            genuine);
  auto changed = documented_fields;
  changed[1].second = "CA1234567890ABCDF";
  EXPECT_NE(twilio_signature("12345", url, changed), genuine);
  changed = documented_fields;
  changed.emplace_back("Extra", "");
  EXPECT_NE(twilio_signature("12345", url, changed), genuine);
}

}  // namespace
}  // namespace assist
