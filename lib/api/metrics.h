// Request counters for /metrics (Prometheus text format); safe to use from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <tuple>
#include <string>
#include <utility>

namespace assist {

class Metrics {
 public:
  void count_request(const std::string& route, const std::string& method, int status);
  // Renders counters plus the gauges passed in as ready-made Prometheus text.
  std::string render(const std::string& gauges) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
};

}  // namespace assist
