#include <gtest/gtest.h>

#include <filesystem>

#include "store/blob_store.h"
#include "temp_db.h"
#include "util/byte_size.h"
#include "util/crypto.h"
#include "util/file_names.h"
#include "util/media_type.h"

namespace assist {
namespace {

TEST(FileNames, KeepOnlyTheLastComponentWithoutControlsOrLeadingDots) {
  EXPECT_EQ(safe_file_name("../../etc/passwd"), "passwd");
  EXPECT_EQ(safe_file_name("C:\\Users\\ada\\report.pdf"), "report.pdf");
  EXPECT_EQ(safe_file_name("..."), "file");
  EXPECT_EQ(safe_file_name(""), "file");
  EXPECT_EQ(safe_file_name(".bashrc"), "bashrc");
  EXPECT_EQ(safe_file_name("a\r\nb\t.txt"), "ab.txt");
  EXPECT_EQ(safe_file_name("<img src=x onerror=alert(1)>.png"), "<img src=x onerror=alert(1)>.png");  // shown as text
  EXPECT_EQ(safe_file_name("caf\xc3\xa9.txt"), "caf\xc3\xa9.txt");
  EXPECT_EQ(safe_file_name("bad\xff.txt"), "bad_.txt");
  // Cut to 200 bytes on a character boundary: never half an "é".
  std::string long_name = "a" + std::string(150, 'x');
  for (int i = 0; i < 100; ++i) long_name += "\xc3\xa9";
  EXPECT_EQ(safe_file_name(long_name).size(), 199u);
}

TEST(FileNames, ContentDispositionHasAnAsciiFallbackAndTheUtf8Name) {
  EXPECT_EQ(content_disposition("r\xc3\xa9sum\xc3\xa9 \"1\".pdf", false),
            "attachment; filename=\"r__sum__ _1_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%221%22.pdf");
  EXPECT_EQ(content_disposition("a.png", true), "inline; filename=\"a.png\"; filename*=UTF-8''a.png");
}

TEST(ByteSize, NeedsAUnit) {
  EXPECT_EQ(parse_byte_size("25MiB"), 25LL << 20);
  EXPECT_EQ(parse_byte_size("512KiB"), 512LL << 10);
  EXPECT_EQ(parse_byte_size("1GiB"), 1LL << 30);
  EXPECT_EQ(parse_byte_size("4096B"), 4096);
  for (const char* bad : {"25", "25MB", "MiB", "-1MiB", "1.5MiB", "25 MiB", "99999999999999999GiB"})
    EXPECT_FALSE(parse_byte_size(bad)) << bad;
  EXPECT_EQ(format_byte_size(25LL << 20), "25MiB");
  EXPECT_EQ(format_byte_size(1000), "1000B");
}

TEST(MediaType, ComesFromTheBytes) {
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);
  EXPECT_EQ(detect_media_type(png), "image/png");
  EXPECT_EQ(detect_media_type("just some notes\n"), "text/plain");
  EXPECT_EQ(detect_media_type("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), "application/pdf");
  std::string elf("\x7f" "ELF\x02\x01\x01", 7);
  elf.resize(128, '\0');
  elf[16] = 2;      // e_type: an executable
  elf[18] = 0x3e;   // e_machine: x86-64
  EXPECT_NE(detect_media_type(elf).find("application/x-"), std::string::npos) << detect_media_type(elf);
}

TEST(BlobStore, StoresByDigestWholeOrNotAtAll) {
  crypto_init();
  testing::TempDir dir;
  BlobStore blobs(dir.file("files"));
  const auto sha = blobs.put("hello");
  EXPECT_EQ(sha, sha256_hex("hello"));
  EXPECT_EQ(blobs.path_of(sha), dir.file("files") + "/" + sha.substr(0, 2) + "/" + sha);
  EXPECT_EQ(blobs.read(sha), "hello");
  const auto located = blobs.locate(sha);
  ASSERT_TRUE(located);
  EXPECT_EQ(located->path, blobs.path_of(sha));
  EXPECT_EQ(located->size, 5u);
  EXPECT_EQ(blobs.put("hello"), sha);  // once
  EXPECT_TRUE(std::filesystem::is_empty(dir.file("files/tmp")));
  EXPECT_FALSE(blobs.read("../../etc/passwd"));
  EXPECT_FALSE(blobs.read(std::string(64, 'a')));
  EXPECT_FALSE(blobs.locate("../../etc/passwd"));
  EXPECT_FALSE(blobs.locate(std::string(64, 'a')));
}

}  // namespace
}  // namespace assist
