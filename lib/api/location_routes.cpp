// Positions customers shared in a call: GET /api/v1/appointments/{id}/locations. They arrive
// only through the call (signalling/location_handler), never through this API.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "domain/appointments.h"
#include "domain/locations.h"

namespace assist {
namespace {

HttpResponse list(Call& call) {
  const auto a = visible_appointment(call);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& l : list_locations(call.db, a.id)) items.push_back(location_json(l, call.config->locations_map_url));
  return json_response(200, nlohmann::json{{"items", items}, {"next_cursor", nullptr}}.dump());
}

}  // namespace

void add_location_routes(Router& r) { r.add("GET", "/api/v1/appointments/{id}/locations", Access::signed_in, list); }

}  // namespace assist
