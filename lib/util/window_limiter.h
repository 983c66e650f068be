// How many times each key (an address) may do something within a sliding window, counted in
// memory: nothing is stored, and a restart forgets. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace assist {

class WindowLimiter {
 public:
  // Counts one for `key` at `now` (seconds) when fewer than `limit` were counted in the
  // `window` seconds before it, and returns nullopt; otherwise counts nothing and returns the
  // seconds until one more would be allowed.
  std::optional<std::int64_t> take(const std::string& key, std::int64_t now, std::int64_t limit,
                                   std::int64_t window);

 private:
  void forget_idle(std::int64_t now, std::int64_t window);

  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<std::int64_t>> taken_;  // times, oldest first
  std::int64_t last_sweep_ = 0;
};

}  // namespace assist
