#include "candidate_rewrite.h"

#include <arpa/inet.h>

#include <string_view>
#include <vector>

namespace assist::media {
namespace {

// 4, 6, or 0 when `address` is not a numeric IP address; `unspecified` for 0.0.0.0 and ::.
int family_of(const std::string& address, bool* unspecified = nullptr) {
  unsigned char bytes[16] = {};
  int family = 0;
  if (inet_pton(AF_INET, address.c_str(), bytes) == 1)
    family = 4;
  else if (inet_pton(AF_INET6, address.c_str(), bytes) == 1)
    family = 6;
  if (unspecified) {
    *unspecified = family != 0;
    for (unsigned char b : bytes) *unspecified = *unspecified && b == 0;
  }
  return family;
}

// Where each space-separated field of `text` starts and how long it is.
std::vector<std::pair<std::size_t, std::size_t>> fields(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto space = text.find(' ', start);
    const auto end = space == std::string_view::npos ? text.size() : space;
    out.emplace_back(start, end - start);
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return out;
}

}  // namespace

std::string rewrite_candidate(const std::string& candidate, const std::string& public_address) {
  const int family = family_of(public_address);
  if (family == 0) return candidate;
  const std::size_t body = candidate.rfind("a=", 0) == 0 ? 2 : 0;
  if (candidate.compare(body, 10, "candidate:") != 0) return candidate;
  // candidate:FOUNDATION COMPONENT TRANSPORT PRIORITY ADDRESS PORT typ TYPE [extensions]
  const auto parts = fields(std::string_view(candidate).substr(body));
  if (parts.size() < 8) return candidate;
  auto field = [&](std::size_t i) { return candidate.substr(body + parts[i].first, parts[i].second); };
  if (field(6) != "typ" || field(7) != "host" || family_of(field(4)) != family) return candidate;
  std::string out = candidate;
  out.replace(body + parts[4].first, parts[4].second, public_address);
  return out;
}

std::string rewrite_sdp(const std::string& sdp, const std::string& public_address) {
  const int family = family_of(public_address);
  if (family == 0) return sdp;
  std::string out;
  out.reserve(sdp.size());
  std::size_t start = 0;
  while (start < sdp.size()) {
    auto newline = sdp.find('\n', start);
    const auto next = newline == std::string::npos ? sdp.size() : newline + 1;
    auto end = newline == std::string::npos ? sdp.size() : newline;
    if (end > start && sdp[end - 1] == '\r') --end;
    std::string line = sdp.substr(start, end - start);
    if (line.rfind("a=candidate:", 0) == 0) {
      line = rewrite_candidate(line, public_address);
    } else if (line.rfind("c=", 0) == 0) {
      // c=IN IP4 ADDRESS (a multicast ADDRESS/TTL is left alone)
      const auto parts = fields(std::string_view(line));
      if (parts.size() == 3) {
        const auto type = line.substr(parts[1].first, parts[1].second);
        const auto address = line.substr(parts[2].first, parts[2].second);
        const bool same_family = (type == "IP4" && family == 4) || (type == "IP6" && family == 6);
        bool unspecified = false;
        if (same_family && family_of(address, &unspecified) == family && !unspecified)
          line.replace(parts[2].first, parts[2].second, public_address);
      }
    }
    out += line;
    out.append(sdp, end, next - end);  // the line ending as it was
    start = next;
  }
  return out;
}

}  // namespace assist::media
