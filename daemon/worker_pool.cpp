#include "worker_pool.h"

#include <sys/resource.h>
#include <unistd.h>

#include <memory>

namespace assist {
namespace {

// Workers run at a lower priority than the thread that carries signalling, so that a burst of
// sign-ins (Argon2 is CPU-bound) delays other sign-ins rather than every call's messages.
constexpr int worker_niceness = 10;

thread_local std::unique_ptr<Db> worker_db;

}  // namespace

WorkerPool::WorkerPool(std::string database_path, int threads)
    : database_path_(std::move(database_path)), work_(io_.get_executor()) {
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this] {
      ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), worker_niceness);  // per thread on Linux
      io_.run();
      worker_db.reset();
    });
}

WorkerPool::~WorkerPool() {
  work_.reset();
  for (auto& t : threads_) t.join();
}

Db& WorkerPool::connection() {
  if (!worker_db) worker_db = std::make_unique<Db>(database_path_);
  return *worker_db;
}

}  // namespace assist
