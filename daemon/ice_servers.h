// What a browser puts in RTCConfiguration.iceServers, from the configuration: the STUN server
// and the TURN servers with ephemeral credentials for this participant (see
// util/turn_credentials.h). Handed out in the signalling `welcome`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "config/config.h"

namespace assist {

// [{"urls": ["stun:…"]}, {"urls": ["turn:…", …], "username": …, "credential": …}], each entry
// present only when configured; [] when neither is. `now` is unix seconds.
nlohmann::json ice_servers_for(const Config& config, const std::string& participant, std::int64_t now);

// webrtcbin's "stun://HOST:PORT" as browsers write it (RFC 7064): "stun:HOST:PORT".
std::string browser_stun_url(const std::string& stun_server);

}  // namespace assist
