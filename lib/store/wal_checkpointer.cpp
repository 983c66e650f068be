#include "store/wal_checkpointer.h"

#include <spdlog/spdlog.h>

namespace assist {

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
    try {
      own_.checkpoint();
      ++checkpoints_;
    } catch (const StoreError& e) {
      spdlog::warn("STORE_CHECKPOINT_FAILED path={} error=\"{}\"", own_.path(), e.what());
    }
    lock.lock();
  }
}

}  // namespace assist
