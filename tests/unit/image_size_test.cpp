#include "util/image_size.h"

#include <gtest/gtest.h>

#include <string>

#include "image_bytes.h"

namespace assist {
namespace {

TEST(ImageSize, ReadsAJpegsFrameHeaderPastItsOtherSegments) {
  const auto size = image_size(testing::tiny_jpeg(1280, 720));
  ASSERT_TRUE(size);
  EXPECT_EQ(size->width, 1280);
  EXPECT_EQ(size->height, 720);
}

TEST(ImageSize, ReadsAProgressiveJpegButNotAHuffmanTableAsAFrame) {
  // An empty APP0, then a DHT (C4) holding bytes that would read as a size, then SOF2.
  const std::string jpeg = std::string("\xFF\xD8", 2) + std::string("\xFF\xE0\x00\x02", 4) +
                           std::string("\xFF\xC4\x00\x07\x00\x11\x22\x33\x44", 9) +
                           std::string("\xFF\xC2\x00\x0B\x08\x01\xE0\x02\x80\x01\x01\x11\x00", 13) +
                           std::string("\xFF\xD9", 2);
  const auto size = image_size(jpeg);
  ASSERT_TRUE(size);
  EXPECT_EQ(size->width, 640);
  EXPECT_EQ(size->height, 480);
}

TEST(ImageSize, ReadsAPngsHeader) {
  const auto size = image_size(testing::tiny_png(3000, 2000));
  ASSERT_TRUE(size);
  EXPECT_EQ(size->width, 3000);
  EXPECT_EQ(size->height, 2000);
}

TEST(ImageSize, RefusesWhatIsNotAReadableImage) {
  const auto jpeg = testing::tiny_jpeg(64, 48);
  EXPECT_FALSE(image_size(""));
  EXPECT_FALSE(image_size("GIF89a\x01\x00\x01\x00"));
  EXPECT_FALSE(image_size(jpeg.substr(0, 24))) << "cut before its frame header";
  EXPECT_FALSE(image_size(testing::tiny_jpeg(0, 48))) << "no width";
  EXPECT_FALSE(image_size(testing::tiny_png(10, 0))) << "no height";
  EXPECT_FALSE(image_size(testing::tiny_png(10, 10).substr(0, 20))) << "cut in its header";
  EXPECT_FALSE(image_size(std::string("\xFF\xD8\xFF\xDA\x00\x08", 6))) << "scan data before any frame header";
}

}  // namespace
}  // namespace assist
