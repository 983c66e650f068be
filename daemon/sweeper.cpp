#include "sweeper.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include "domain/appointment_sweep.h"
#include "signalling/hub.h"
#include "util/time.h"
#include "worker_pool.h"

namespace assist {

boost::asio::awaitable<void> sweep_forever(WorkerPool& workers, signalling::Hub& hub,
                                           std::function<std::shared_ptr<const Config>()> config) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  const auto sweep = [](Db& db) { return sweep_appointments(db, now_seconds()); };
  for (;;) {
    timer.expires_after(std::chrono::seconds(config()->sweep_interval));
    co_await timer.async_wait(boost::asio::use_awaitable);
    try {
      const auto swept = co_await workers.run(sweep);
      for (const auto& s : swept) {
        spdlog::info("APPOINTMENT_SWEPT id={} from={} to={}", s.id, to_string(s.from), to_string(s.to));
        hub.appointment_changed(s.id);
      }
      hub.retry_unrecorded_leaves();
    } catch (const std::exception& e) {
      spdlog::error("APPOINTMENT_SWEEP_FAILED error=\"{}\" (tried again next interval)", e.what());
    }
  }
}

boost::asio::awaitable<void> forget_lost_forever(signalling::Hub& hub) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    timer.expires_after(std::chrono::seconds(5));
    co_await timer.async_wait(boost::asio::use_awaitable);
    hub.forget_lost(now_seconds());
  }
}

}  // namespace assist
