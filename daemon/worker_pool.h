// Threads for work that would stall the Asio thread (which carries every call's signalling):
// REST requests with their Argon2 checks and audit walks, page rendering, the sweeper. Each
// thread has its own SQLite connection, opened on first use. The Asio side only awaits.
#pragma once

#include <utility>  // before Asio: boost/asio/awaitable.hpp uses std::exchange without it

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <exception>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "store/sqlite.h"

namespace assist {

class WorkerPool {
 public:
  WorkerPool(std::string database_path, int threads);
  ~WorkerPool();  // finishes queued jobs, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs job(db) on a worker; the awaiting coroutine resumes on its own executor with the
  // result, or with the job's exception rethrown. Pass a named job: GCC 12 mishandles
  // temporaries with destructors inside a co_await expression (it freed a lambda's captures
  // twice here).
  template <class Job>
  boost::asio::awaitable<std::invoke_result_t<Job, Db&>> run(Job job) {
    using Result = std::invoke_result_t<Job, Db&>;
    return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(std::exception_ptr, Result)>(
        [this](auto handler, Job job) {
          boost::asio::post(io_, [this, job = std::move(job), handler = std::move(handler)]() mutable {
            std::exception_ptr failure;
            Result result{};
            try {
              result = job(connection());
            } catch (...) {
              failure = std::current_exception();
            }
            auto executor = boost::asio::get_associated_executor(handler);
            boost::asio::post(executor, [handler = std::move(handler), failure, result = std::move(result)]() mutable {
              handler(failure, std::move(result));
            });
          });
        },
        boost::asio::use_awaitable, std::move(job));
  }

 private:
  Db& connection();  // this worker thread's own

  std::string database_path_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

}  // namespace assist
