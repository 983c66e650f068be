#include <gtest/gtest.h>

#include "util/window_limiter.h"

namespace assist {
namespace {

TEST(WindowLimiter, AllowsTheLimitPerWindowThenSaysHowLongToWait) {
  WindowLimiter limiter;
  EXPECT_FALSE(limiter.take("192.0.2.1", 1000, 2, 600));
  EXPECT_FALSE(limiter.take("192.0.2.1", 1100, 2, 600));
  EXPECT_EQ(limiter.take("192.0.2.1", 1200, 2, 600), 400);  // the first falls out at 1600
  EXPECT_FALSE(limiter.take("192.0.2.2", 1200, 2, 600)) << "another address has its own count";
  EXPECT_EQ(limiter.take("192.0.2.1", 1599, 2, 600), 1);
  EXPECT_FALSE(limiter.take("192.0.2.1", 1600, 2, 600));
  EXPECT_EQ(limiter.take("192.0.2.1", 1600, 2, 600), 100) << "refusals are not counted";
}

TEST(WindowLimiter, ALowerLimitFromAReloadAppliesAtOnce) {
  WindowLimiter limiter;
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.take("a", 1000 + i, 10, 600));
  EXPECT_TRUE(limiter.take("a", 1010, 3, 600));
}

TEST(WindowLimiter, ForgetsAddressesOnceTheirWindowIsOver) {
  WindowLimiter limiter;
  EXPECT_FALSE(limiter.take("a", 1000, 1, 60));
  EXPECT_TRUE(limiter.take("a", 1030, 1, 60));
  EXPECT_FALSE(limiter.take("b", 2000, 1, 60));  // sweeps "a" out
  EXPECT_FALSE(limiter.take("a", 2001, 1, 60));
}

}  // namespace
}  // namespace assist
