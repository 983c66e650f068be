// Every appointments.sweep_interval, closes the appointments whose window has passed with
// nobody connected (lib/domain/appointment_sweep.h) on a worker thread, then tells the hub,
// which updates the consoles and writes any leave the database refused before.
#pragma once

#include <utility>  // before Asio: boost/asio/awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>

#include "config/config.h"

namespace assist {

class WorkerPool;
namespace signalling {
class Hub;
}

// Runs until the io_context stops.
boost::asio::awaitable<void> sweep_forever(WorkerPool& workers, signalling::Hub& hub,
                                           std::function<std::shared_ptr<const Config>()> config);

// Every few seconds, participants shown as reconnecting for too long are shown as gone
// (Hub::forget_lost). Runs until the io_context stops.
boost::asio::awaitable<void> forget_lost_forever(signalling::Hub& hub);

}  // namespace assist
