#include "api/metrics.h"

#include <tuple>

namespace assist {

void Metrics::count_request(const std::string& route, const std::string& method, int status) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
}

std::string Metrics::render(const std::string& gauges) const {
  std::string out =
      "# HELP assist_http_requests_total HTTP requests answered, by route, method and status.\n"
      "# TYPE assist_http_requests_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += "assist_http_requests_total{route=\"" + route + "\",method=\"" + method +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  return out + gauges;
}

}  // namespace assist
