#include "util/phone.h"

#include <gtest/gtest.h>

namespace assist {
namespace {

TEST(Phone, InternationalNumbersAreNormalisedHoweverTheyAreSpaced) {
  for (const char* written : {"+33612345678", "+33 6 12 34 56 78", "+33 (0)6 12-34-56-78", " +33.6.12.34.56.78"})
    EXPECT_EQ(normalise_phone(written).e164, "+33612345678") << written;
  EXPECT_EQ(normalise_phone("+33 6 12 34 56 78").region, "FR");
}

TEST(Phone, NationalNumbersNeedARegion) {
  const auto refused = normalise_phone("06 12 34 56 78");
  EXPECT_FALSE(refused.e164);
  EXPECT_EQ(refused.error, "must be an international number starting with +, e.g. +33612345678");
  EXPECT_EQ(normalise_phone("06 12 34 56 78", "FR").e164, "+33612345678");
  EXPECT_EQ(normalise_phone("0033 6 12 34 56 78", "FR").e164, "+33612345678");
  EXPECT_EQ(normalise_phone("(201) 555-0123", "US").e164, "+12015550123");
  // An international number keeps its own country whatever the region.
  EXPECT_EQ(normalise_phone("+49 151 23456789", "FR").e164, "+4915123456789");
}

TEST(Phone, ANumberThatIsNotValidThereSaysWhere) {
  const auto wrong = normalise_phone("06 12 34", "FR");
  EXPECT_FALSE(wrong.e164);
  EXPECT_EQ(wrong.error,
            "is not a valid phone number in France (write numbers from elsewhere with + and their country code)");
  EXPECT_FALSE(normalise_phone("+33 6 12").e164);
  EXPECT_FALSE(normalise_phone("call me", "FR").e164);
}

TEST(Phone, RegionsAreThoseWithNumberingData) {
  EXPECT_TRUE(is_phone_region("FR"));
  EXPECT_TRUE(is_phone_region("US"));
  EXPECT_FALSE(is_phone_region("ZZ"));
  EXPECT_FALSE(is_phone_region("XX"));
}

}  // namespace
}  // namespace assist
