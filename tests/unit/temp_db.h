// A fresh, migrated SQLite database in a temporary directory, removed afterwards.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "store/migrations.h"
#include "store/sqlite.h"
#include "util/crypto.h"

namespace assist::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "assist-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct TempDb {
  TempDir dir;
  std::unique_ptr<Db> db;
  TempDb() {
    crypto_init();
    db = std::make_unique<Db>(dir.file("assist.db"));
    migrate(*db);
  }
};

}  // namespace assist::testing
