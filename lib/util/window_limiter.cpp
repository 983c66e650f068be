#include "util/window_limiter.h"

#include <algorithm>

namespace assist {

std::optional<std::int64_t> WindowLimiter::take(const std::string& key, std::int64_t now, std::int64_t limit,
                                                 std::int64_t window) {
  std::lock_guard lock(mutex_);
  forget_idle(now, window);
  auto& times = taken_[key];
  while (!times.empty() && times.front() <= now - window) times.pop_front();
  if (static_cast<std::int64_t>(times.size()) >= limit) return std::max<std::int64_t>(1, times.front() + window - now);
  times.push_back(now);
  return std::nullopt;
}

// Keys whose last use is out of the window go, at most once a window, so that the map holds
// only recent addresses.
void WindowLimiter::forget_idle(std::int64_t now, std::int64_t window) {
  if (now - last_sweep_ < window) return;
  last_sweep_ = now;
  std::erase_if(taken_, [&](const auto& entry) { return entry.second.empty() || entry.second.back() <= now - window; });
}

}  // namespace assist
