// A thin RAII layer over SQLite: one connection, cached prepared statements, transactions.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

struct sqlite3;
struct sqlite3_stmt;

namespace assist {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A unique constraint refused the write.
class StoreConflict : public StoreError {
 public:
  using StoreError::StoreError;
};

class Stmt {
 public:
  Stmt(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  Stmt(Stmt&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)), db_(other.db_) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();  // resets the cached statement for its next user

  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, double value);
  Stmt& bind(int index, std::string_view value);
  Stmt& bind(int index, std::nullptr_t);
  Stmt& bind(int index, const std::optional<std::string>& value);
  Stmt& bind(int index, const std::optional<std::int64_t>& value);
  Stmt& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Stmt& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Stmt& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }

  bool step();  // true while there is a row
  void run();   // steps once, expecting no row

  std::int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;

 private:
  sqlite3_stmt* stmt_;
  sqlite3* db_;
};

class Db {
 public:
  // Opens (creating if absent) and checks that the file is an SQLite database before writing
  // anything to it; sets WAL mode and foreign keys.
  explicit Db(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(std::string_view sql);
  Stmt prepare(std::string_view sql);
  std::int64_t last_insert_id() const;
  int changes() const;
  const std::string& path() const { return path_; }
  // Whether writes could succeed: the connection is not read-only and the file and its
  // directory (for the WAL and journal files) are writable. Takes no lock.
  bool writable() const;
  // How long a write waits for another connection's write lock before failing (default 5 s,
  // right for worker threads; the signalling thread's connection waits far less).
  void set_busy_timeout(std::chrono::milliseconds wait);

  // Called after each commit on this connection with the pages now in the WAL. Setting a hook
  // turns off this connection's automatic checkpoints (SQLite's own, at 1000 pages), so
  // whoever sets it checkpoints instead; an empty hook turns them back on. Runs inside SQLite:
  // it must not throw, nor use this connection.
  using WalHook = std::function<void(int pages)>;
  void set_wal_hook(WalHook hook);
  // A PASSIVE checkpoint: copies what it can from the WAL into the database without waiting
  // for readers or writers. False when another connection's checkpoint or WAL restart held it
  // up at that moment (try again soon).
  bool checkpoint();

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  WalHook wal_hook_;
};

// BEGIN IMMEDIATE on construction; rolls back unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace assist
