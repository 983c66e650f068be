#include "store/wal_checkpointer.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace assist {
namespace {
constexpr auto retry_after = std::chrono::milliseconds(20);
}  // namespace

WalCheckpointer::WalCheckpointer(Db& writer, int pages)
    : writer_(writer), own_(writer.path()), pages_(pages), thread_([this] { run(); }) {
  writer_.set_wal_hook([this](int in_wal) {
    if (in_wal < pages_) return;
    {
      std::lock_guard lock(mutex_);
      wanted_ = true;
    }
    wake_.notify_one();
  });
}

WalCheckpointer::~WalCheckpointer() {
  writer_.set_wal_hook({});
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    bool held_up = false;
    try {
      held_up = !own_.checkpoint();
      if (!held_up) ++checkpoints_;
    } catch (const StoreError& e) {
      spdlog::warn("STORE_CHECKPOINT_FAILED path={} error=\"{}\"", own_.path(), e.what());
    }
    lock.lock();
    // Held up by a WAL restart or another checkpoint: soon again, even if no commit asks.
    if (held_up && !stopping_) wanted_ = !wake_.wait_for(lock, retry_after, [this] { return stopping_; });
  }
}

}  // namespace assist
