#include "ice_servers.h"

#include "util/turn_credentials.h"

namespace assist {

std::string browser_stun_url(const std::string& stun_server) {
  if (stun_server.rfind("stun://", 0) == 0) return "stun:" + stun_server.substr(7);
  return stun_server;
}

nlohmann::json ice_servers_for(const Config& config, const std::string& participant, std::int64_t now) {
  auto servers = nlohmann::json::array();
  if (!config.stun_server.empty())
    servers.push_back({{"urls", nlohmann::json::array({browser_stun_url(config.stun_server)})}});
  if (!config.turn_servers.empty() && !config.turn_secret.empty()) {
    const auto credentials = turn_credentials(config.turn_secret, participant, now + config.turn_ttl);
    servers.push_back({{"urls", config.turn_servers},
                       {"username", credentials.username},
                       {"credential", credentials.credential}});
  }
  return servers;
}

}  // namespace assist
