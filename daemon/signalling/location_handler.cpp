#include "signalling/location_handler.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <string>

#include "domain/errors.h"
#include "domain/locations.h"
#include "signalling/hub.h"
#include "util/time.h"

namespace assist::signalling {
namespace {

class Locations {
 public:
  Locations(Hub& hub, Db& db, std::function<std::shared_ptr<const Config>()> config)
      : hub_(hub), db_(db), config_(std::move(config)) {}

  void request(Context& c, const Message& m) {
    if (!c.is_staff()) throw ProtocolError("forbidden", "only the specialist asks for the customer's location");
    const auto customer = hub_.customer_in(c.appointment_id());
    if (!customer) throw ProtocolError("customer_absent", "the customer is not in the call");
    const auto id = "l" + std::to_string(++requests_);
    // Asking again replaces a question the customer has not answered yet: the page shows the latest.
    std::erase_if(pending_, [&](const auto& p) { return p.second.customer == customer->participant; });
    pending_[id] = {c.appointment_id(), customer->participant, customer->name, c.participant(), c.actor()};
    spdlog::info("SIGNAL_LOCATION_REQUESTED appointment={} request={} by={}", c.appointment_id(), id, c.actor());
    nlohmann::json ask{{"type", "location_request"}, {"request", id}, {"by", c.name()}};
    if (const auto reason = m.optional_text("reason"); reason && !reason->empty()) ask["reason"] = *reason;
    hub_.send_to_member(c.appointment_id(), customer->participant, ask.dump());
  }

  void answer(Context& c, const Message& m) {
    const auto id = m.text("request");
    const auto it = pending_.find(id);
    if (it == pending_.end() || it->second.customer != c.participant())
      throw ProtocolError("not_asked", "nobody asked for your location");
    const auto error = m.optional_text("error");
    NewLocation in{c.appointment_id(), it->second.name, it->second.actor, c.actor(), LocationStatus::shared,
                   std::nullopt, now_seconds()};
    if (error) {
      try {
        in.status = location_status_from(*error);
      } catch (const DomainError&) {
        in.status = LocationStatus::shared;  // refused below: "shared" is no error
      }
      if (in.status == LocationStatus::shared)
        throw ProtocolError("malformed", "error is denied, unavailable, timeout or unsupported");
    } else {
      const auto latitude = m.number("latitude"), longitude = m.number("longitude"), accuracy = m.number("accuracy");
      if (!latitude || !longitude || !accuracy)
        throw ProtocolError("malformed", "a location has latitude, longitude and accuracy, or an error");
      in.position = Position{*latitude, *longitude, *accuracy, m.integer("captured_at").value_or(0)};
    }
    const auto location = record_location(db_, in);
    pending_.erase(it);
    spdlog::info("SIGNAL_LOCATION appointment={} location={} status={}", c.appointment_id(), location.id,
                 to_string(location.status));
    auto out = location_json(location, config_()->locations_map_url);
    out["type"] = "location";
    out["request"] = id;
    hub_.send_to_staff(c.appointment_id(), out);
    // The customer's page only learns that its answer was kept.
    c.reply({{"type", "location"}, {"request", id}, {"id", location.id}, {"status", to_string(location.status)}});
  }

  void left(const std::string& participant) {
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.customer == participant) {
        hub_.send_to_member(it->second.appointment_id, it->second.asker,
                            nlohmann::json{{"type", "location"}, {"request", it->first}, {"error", "customer_left"}}.dump());
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void closed(std::int64_t appointment_id) {
    std::erase_if(pending_, [&](const auto& p) { return p.second.appointment_id == appointment_id; });
  }

 private:
  struct Pending {
    std::int64_t appointment_id = 0;
    std::string customer;  // "p3": who is asked
    std::string name;      // their name in the call
    std::string asker;     // the staff member's participant id
    std::string actor;
  };

  Hub& hub_;
  Db& db_;
  std::function<std::shared_ptr<const Config>()> config_;
  std::map<std::string, Pending> pending_;  // by request id
  std::uint64_t requests_ = 0;
};

}  // namespace

void add_location_handler(Hub& hub, Db& db, std::function<std::shared_ptr<const Config>()> config) {
  auto locations = std::make_shared<Locations>(hub, db, std::move(config));
  hub.handle("location_request", [locations](Context& c, const Message& m) { locations->request(c, m); });
  hub.handle("location", [locations](Context& c, const Message& m) { locations->answer(c, m); });
  hub.on_leave([locations](const std::string& participant) { locations->left(participant); });
  hub.on_call_closed([locations](std::int64_t id) { locations->closed(id); });
}

}  // namespace assist::signalling
