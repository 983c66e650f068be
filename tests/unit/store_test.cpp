#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "store/wal_checkpointer.h"
#include "temp_db.h"

namespace assist {
namespace {

using testing::TempDir;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Store, MigratesOnceAndUsesWal) {
  TempDir dir;
  Db db(dir.file("a.db"));
  EXPECT_EQ(migrate(db), latest_schema_version());
  EXPECT_EQ(migrate(db), 0);
  EXPECT_EQ(schema_version(db), latest_schema_version());
  auto mode = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
  auto fk = db.prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(fk.step());
  EXPECT_EQ(fk.integer(0), 1);
}

TEST(Store, RefusesAFileThatIsNotADatabaseAndLeavesItAlone) {
  TempDir dir;
  const auto path = dir.file("assist.db");
  const std::string content = "these are somebody's notes, not a database\n" + std::string(5000, 'x');
  std::ofstream(path, std::ios::binary) << content;
  try {
    Db db(path);
    FAIL() << "opened a text file as a database";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("is not a usable SQLite database"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(path), content);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST(Store, RefusesASchemaFromTheFuture) {
  TempDir dir;
  {
    Db db(dir.file("a.db"));
    db.exec("PRAGMA user_version = 999");
  }
  Db db(dir.file("a.db"));
  EXPECT_THROW(migrate(db), StoreError);
}

TEST(Store, TransactionRollsBackUnlessCommitted) {
  testing::TempDb t;
  {
    Transaction tx(*t.db);
    t.db->exec("INSERT INTO queues (name, created_at) VALUES ('q', 0)");
  }
  auto count = t.db->prepare("SELECT count(*) FROM queues");
  count.step();
  EXPECT_EQ(count.integer(0), 0);
}

TEST(Store, UniqueViolationIsAConflict) {
  testing::TempDb t;
  t.db->exec("INSERT INTO queues (name, created_at) VALUES ('q', 0)");
  EXPECT_THROW(t.db->exec("INSERT INTO queues (name, created_at) VALUES ('q', 0)"), StoreConflict);
}

// Commits `pages` 4 KiB rows, one transaction each, as the signalling thread's writes come.
void write_pages(Db& db, int pages) {
  db.exec("CREATE TABLE IF NOT EXISTS bulk (data BLOB)");
  for (int i = 0; i < pages; ++i) {
    Transaction tx(db);
    db.prepare("INSERT INTO bulk (data) VALUES (zeroblob(4000))").run();
    tx.commit();
  }
}

std::uintmax_t wal_size(const std::string& path) { return std::filesystem::file_size(path + "-wal"); }

TEST(WalCheckpointer, TheWatchedConnectionNeverCheckpointsItself) {
  TempDir dir;
  const auto path = dir.file("a.db");
  {
    Db alone(path);  // SQLite's own checkpoints at 1000 pages keep the WAL near that size
    write_pages(alone, 1500);
    EXPECT_LT(wal_size(path), 1200u * 4096);
  }
  Db db(path);
  WalCheckpointer checkpointer(db, 1'000'000);
  write_pages(db, 1500);
  EXPECT_GT(wal_size(path), 1500u * 4096);
  EXPECT_EQ(checkpointer.checkpoints(), 0u);
}

TEST(WalCheckpointer, ItsThreadCopiesTheWalIntoTheDatabase) {
  TempDir dir;
  const auto path = dir.file("a.db");
  Db db(path);
  db.exec("CREATE TABLE IF NOT EXISTS bulk (data BLOB)");
  const auto before = std::filesystem::file_size(path);
  WalCheckpointer checkpointer(db, 100);
  write_pages(db, 300);
  // Each row fills a page. Fewer than 100 of them can be left in the WAL once the checkpointer
  // has caught up, so at least 200 reach the database. The deadline only bounds how long a
  // broken checkpointer is waited for; it is no assumption on timing.
  const auto copied = [&] { return std::filesystem::file_size(path) >= before + 200u * 4096; };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!copied() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(copied()) << std::filesystem::file_size(path) << " bytes";
  EXPECT_GT(checkpointer.checkpoints(), 0u);
}

TEST(WalCheckpointer, GivesTheConnectionItsOwnCheckpointsBack) {
  TempDir dir;
  const auto path = dir.file("a.db");
  Db db(path);
  { WalCheckpointer checkpointer(db, 1'000'000); }
  write_pages(db, 1500);
  EXPECT_LT(wal_size(path), 1200u * 4096);
}

}  // namespace
}  // namespace assist
