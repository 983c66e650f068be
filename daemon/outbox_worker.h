// Sends the outbox off the HTTP thread: one thread with its own SQLite connection, one
// notification at a time, until stop().
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "config/config.h"
#include "notify/notification.h"
#include "notify/outbox.h"
#include "notify/provider.h"
#include "store/sqlite.h"

namespace assist {

class OutboxWorker {
 public:
  // Providers follow the configuration given at start (notify.* keys need a restart).
  explicit OutboxWorker(const Config& config);
  ~OutboxWorker();
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Re-queues what a crash interrupted, then starts the thread.
  void start();
  // Lets a send in progress finish (bounded by the provider timeouts), then joins.
  void stop();

 private:
  void run();
  bool send_one();  // false when nothing was due

  Db db_;
  RetryPolicy policy_;
  std::map<Channel, std::unique_ptr<Provider>> providers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace assist
