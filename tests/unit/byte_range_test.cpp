#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <tuple>

#include "api/byte_range.h"

namespace assist {
namespace {

using Kind = ByteRange::Kind;

testing::AssertionResult partial(const ByteRange& r, std::uint64_t first, std::uint64_t last) {
  if (r.kind == Kind::partial && r.first == first && r.last == last) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "kind " << static_cast<int>(r.kind) << ", " << r.first << "-" << r.last;
}

TEST(ByteRange, TheThreeFormsOfOneRange) {
  EXPECT_TRUE(partial(parse_range("bytes=0-9", 100), 0, 9));
  EXPECT_TRUE(partial(parse_range("bytes=10-10", 100), 10, 10));
  EXPECT_TRUE(partial(parse_range("bytes=10-", 100), 10, 99));
  EXPECT_TRUE(partial(parse_range("bytes=-5", 100), 95, 99));
  EXPECT_TRUE(partial(parse_range("bytes=99-", 100), 99, 99));
  EXPECT_TRUE(partial(parse_range("Bytes=0-0", 1), 0, 0)) << "the unit is case-insensitive";
  EXPECT_TRUE(partial(parse_range("  bytes=007-08 ", 100), 7, 8));
}

TEST(ByteRange, NoHeaderOrAMalformedOneMeansTheWholeFile) {
  for (const auto* header : {"", "bytes", "bytes=", "bytes=-", "bytes=abc", "bytes=a-9", "bytes=0-x", "bytes=1-2-3",
                             "bytes=+1-2", "bytes=0x10-", "bytes= 0 - 9", "bytes =0-9", "items=0-9", "0-9", "bytes=,",
                             "bytes=-1-", "bytes=--5", "bytes=\xff-"})
    EXPECT_EQ(parse_range(header, 100).kind, Kind::whole) << '"' << header << '"';
}

TEST(ByteRange, ALastBeforeTheFirstIsInvalidAndIgnored) {
  EXPECT_EQ(parse_range("bytes=10-9", 100).kind, Kind::whole);
  EXPECT_EQ(parse_range("bytes=500-400", 100).kind, Kind::whole) << "invalid, not unsatisfiable";
}

TEST(ByteRange, AnEndPastTheFileIsCutToIt) {
  EXPECT_TRUE(partial(parse_range("bytes=90-1000", 100), 90, 99));
  EXPECT_TRUE(partial(parse_range("bytes=-1000", 100), 0, 99)) << "a suffix longer than the file is all of it";
}

TEST(ByteRange, AStartAtOrPastTheEndCannotBeSatisfied) {
  EXPECT_EQ(parse_range("bytes=100-", 100).kind, Kind::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=100-200", 100).kind, Kind::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-0", 100).kind, Kind::unsatisfiable);
}

TEST(ByteRange, AnEmptyFileHasNoRangeButItsWhole) {
  EXPECT_EQ(parse_range("bytes=0-", 0).kind, Kind::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=0-0", 0).kind, Kind::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-5", 0).kind, Kind::whole);
  EXPECT_EQ(parse_range("bytes=-0", 0).kind, Kind::unsatisfiable);
}

TEST(ByteRange, SeveralRangesAreIgnoredButEmptyListElementsAreNot) {
  EXPECT_EQ(parse_range("bytes=0-1,5-6", 100).kind, Kind::whole);
  EXPECT_EQ(parse_range("bytes=0-1, 0-1", 100).kind, Kind::whole);
  EXPECT_EQ(parse_range("bytes=500-600,700-800", 100).kind, Kind::whole);
  EXPECT_TRUE(partial(parse_range("bytes=, 0-9 ,", 100), 0, 9));
}

TEST(ByteRange, HugeNumbersNeitherOverflowNorWrap) {
  constexpr auto most = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(parse_range("bytes=18446744073709551616-", 100).kind, Kind::unsatisfiable);  // 2^64
  EXPECT_EQ(parse_range("bytes=99999999999999999999999999-", 100).kind, Kind::unsatisfiable);
  EXPECT_TRUE(partial(parse_range("bytes=5-99999999999999999999999999", 100), 5, 99));
  EXPECT_TRUE(partial(parse_range("bytes=-99999999999999999999999999", 100), 0, 99));
  EXPECT_EQ(parse_range("bytes=99999999999999999999999999-99999999999999999999999998", 100).kind, Kind::whole);
  EXPECT_TRUE(partial(parse_range("bytes=18446744073709551614-", most), most - 1, most - 1));
  EXPECT_TRUE(partial(parse_range("bytes=0-", most), 0, most - 1));
}

HttpRequest get(const std::string& range, const std::string& if_range = "") {
  HttpRequest r;
  r.method = "GET";
  r.target = "/f";
  if (!range.empty()) r.headers["range"] = range;
  if (!if_range.empty()) r.headers["if-range"] = if_range;
  return r;
}

std::string header(const HttpResponse& r, const std::string& name) {
  const auto it = std::find_if(r.headers.begin(), r.headers.end(), [&](const auto& h) { return h.first == name; });
  return it == r.headers.end() ? "(none)" : it->second;
}

TEST(FileResponse, WholeWithoutARange) {
  const auto r = file_response(get(""), "/data/f", 100, "video/webm");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "video/webm");
  ASSERT_TRUE(r.file);
  EXPECT_EQ((std::tuple(r.file->path, r.file->offset, r.file->length)), (std::tuple(std::string("/data/f"), 0u, 100u)));
  EXPECT_EQ(header(r, "Accept-Ranges"), "bytes");
  EXPECT_EQ(header(r, "Content-Range"), "(none)");
}

TEST(FileResponse, PartialWithItsContentRange) {
  const auto r = file_response(get("bytes=10-19"), "/data/f", 100, "video/webm");
  EXPECT_EQ(r.status, 206);
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->offset, 10u);
  EXPECT_EQ(r.file->length, 10u);
  EXPECT_EQ(header(r, "Content-Range"), "bytes 10-19/100");
  EXPECT_EQ(header(r, "Accept-Ranges"), "bytes");
}

TEST(FileResponse, UnsatisfiableIsAProblemNamingTheSize) {
  const auto r = file_response(get("bytes=100-"), "/data/f", 100, "video/webm");
  EXPECT_EQ(r.status, 416);
  EXPECT_FALSE(r.file);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_NE(r.body.find("\"code\":\"range_not_satisfiable\""), std::string::npos) << r.body;
  EXPECT_EQ(header(r, "Content-Range"), "bytes */100");
  EXPECT_EQ(header(r, "Accept-Ranges"), "bytes");
}

TEST(FileResponse, AnIfRangeOrAnotherMethodGetsTheWholeFile) {
  EXPECT_EQ(file_response(get("bytes=0-9", "\"abc\""), "/data/f", 100, "text/plain").status, 200)
      << "no validator is ever sent, so none matches";
  auto post = get("bytes=0-9");
  post.method = "POST";
  EXPECT_EQ(file_response(post, "/data/f", 100, "text/plain").status, 200);
}

}  // namespace
}  // namespace assist
