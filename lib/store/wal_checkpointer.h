// Takes SQLite's WAL checkpoints, with their fsyncs, off a connection that must not stall (the
// Asio thread's, which carries every call): that connection stops checkpointing itself, and once
// a commit leaves `pages` or more in the WAL, this class's thread runs a PASSIVE checkpoint on a
// connection of its own. Writers go on appending to the WAL meanwhile.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite.h"

namespace assist {

class WalCheckpointer {
 public:
  // Watches `writer`, which must outlive this object; opens its own connection to the same file.
  explicit WalCheckpointer(Db& writer, int pages = 1000);
  ~WalCheckpointer();  // gives the writer its own checkpoints back
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  std::uint64_t checkpoints() const { return checkpoints_; }  // run so far

 private:
  void run();

  Db& writer_;
  Db own_;
  const int pages_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::atomic<std::uint64_t> checkpoints_{0};
  std::thread thread_;
};

}  // namespace assist
