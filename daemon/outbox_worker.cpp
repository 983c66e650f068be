#include "outbox_worker.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "util/time.h"

namespace assist {
namespace {

constexpr auto idle_poll = std::chrono::milliseconds(200);

}  // namespace

OutboxWorker::OutboxWorker(const Config& config)
    : db_(config.database_path()),
      policy_{config.notify_retry_base, config.notify_retry_max, config.notify_give_up_after} {
  for (auto channel : {Channel::email, Channel::sms, Channel::webhook})
    if (auto provider = make_provider(channel, config)) providers_[channel] = std::move(provider);
}

OutboxWorker::~OutboxWorker() { stop(); }

void OutboxWorker::start() {
  const int recovered = recover_interrupted_notifications(db_, now_seconds());
  std::string channels;
  for (const auto& [channel, provider] : providers_)
    channels += (channels.empty() ? "" : ",") + std::string(to_string(channel));
  spdlog::info("NOTIFY_WORKER_STARTED channels={} recovered={}", channels.empty() ? "none" : channels,
               recovered);
  thread_ = std::thread([this] { run(); });
}

void OutboxWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  spdlog::info("NOTIFY_WORKER_STOPPED");
}

void OutboxWorker::run() {
  for (;;) {
    bool busy = false;
    try {
      busy = send_one();
    } catch (const std::exception& e) {
      spdlog::error("NOTIFY_WORKER_ERROR error=\"{}\"", e.what());
    }
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    if (!busy) wake_.wait_for(lock, idle_poll, [this] { return stopping_; });
    if (stopping_) return;
  }
}

bool OutboxWorker::send_one() {
  auto claimed = claim_next_notification(db_, now_seconds());
  if (!claimed) return false;
  SendResult result;
  auto provider = providers_.find(claimed->channel);
  if (provider == providers_.end()) {
    result = {SendOutcome::retry, "",
              "the " + std::string(to_string(claimed->channel)) + " channel is not configured"};
  } else {
    try {
      result = provider->second->send(*claimed);
    } catch (const std::exception& e) {  // e.g. a payload that no longer parses
      result = {SendOutcome::rejected, "", e.what()};
    }
  }
  record_send_result(db_, *claimed, result, policy_, now_seconds());
  return true;
}

}  // namespace assist
