#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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

}  // namespace
}  // namespace assist
