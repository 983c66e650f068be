// location: staff ask where the customer is (location_request). The customer's page says why
// and asks them; their browser's answer — a position, or why there is none (they refused, it
// could not tell) — comes back as location, is stored (lib/domain/locations) and goes to
// everyone in the call, with a link to the operator's map service when locations.map_url is set.
// Only the customer asked may answer, once per request.
#pragma once

#include <functional>
#include <memory>

#include "config/config.h"
#include "store/sqlite.h"

namespace assist::signalling {

class Hub;

void add_location_handler(Hub& hub, Db& db, std::function<std::shared_ptr<const Config>()> config);

}  // namespace assist::signalling
