#include "signalling/camera_handler.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <string>

#include "audit/audit_log.h"
#include "signalling/hub.h"
#include "signalling/message.h"
#include "signalling/rate_limit.h"

namespace assist::signalling {
namespace {

// Each control is audited: a zoom slider dragged about must not write hundreds of events.
constexpr double controls_per_second = 4;
constexpr double controls_burst = 8;

class Cameras {
 public:
  Cameras(Hub& hub, Db& db) : hub_(hub), db_(db) {}

  // The customer's page: what its camera can do now.
  void report(Context& c, const Message& m) {
    if (c.is_staff()) throw ProtocolError("forbidden", "only the customer's page reports its camera");
    const auto facing = m.optional_text("facing").value_or("");
    if (!facing.empty() && facing != "user" && facing != "environment")
      throw ProtocolError("malformed", "facing is user or environment");
    const auto kind = m.optional_text("zoom_kind").value_or("");
    if (!kind.empty() && kind != "hardware" && kind != "digital")
      throw ProtocolError("malformed", "zoom_kind is hardware or digital");
    nlohmann::json caps{{"type", "camera"},
                        {"participant", c.participant()},
                        {"can_flip", m.flag("can_flip")},
                        {"torch", m.flag("torch")},
                        {"torch_on", m.flag("torch_on")},
                        {"control", m.flag("control")}};
    if (!facing.empty()) caps["facing"] = facing;
    if (const auto zoom = m.number("zoom")) caps["zoom"] = *zoom;
    if (const auto most = m.number("zoom_max")) caps["zoom_max"] = *most;
    if (!kind.empty()) caps["zoom_kind"] = kind;
    if (const auto error = m.optional_text("error"); error && !error->empty()) caps["error"] = *error;
    cameras_[c.participant()] = caps;
    hub_.send_to_staff(c.appointment_id(), caps);
  }

  void control(Context& c, const Message& m) {
    if (!c.is_staff()) throw ProtocolError("forbidden", "only the specialist steers the customer's camera");
    const auto customer = hub_.customer_in(c.appointment_id());
    if (!customer) throw ProtocolError("customer_absent", "the customer is not in the call");
    const auto caps = cameras_.find(customer->participant);
    if (caps == cameras_.end())
      throw ProtocolError("not_supported", "the customer's page has not said what its camera can do");
    const auto& can = caps->second;
    if (!can["control"].get<bool>())
      throw ProtocolError("control_refused", "the customer does not let the specialist control their camera");
    const auto action = m.text("action");
    nlohmann::json out{{"type", "camera_control"}, {"action", action}, {"by", c.name()}};
    nlohmann::json detail{{"participant", customer->participant}};
    if (action == "flip") {
      if (!can["can_flip"].get<bool>()) throw ProtocolError("not_supported", "the customer's device has one camera");
    } else if (action == "torch") {
      const auto on = m.member("torch");
      if (!on) throw ProtocolError("malformed", "a torch control says torch: true or false");
      if (!can["torch"].get<bool>()) throw ProtocolError("not_supported", "the customer's camera has no torch");
      out["torch"] = detail["on"] = on->get<bool>();
    } else if (action == "zoom") {
      const auto zoom = m.number("zoom");
      if (!zoom) throw ProtocolError("malformed", "a zoom control says zoom: the factor");
      const auto most = can.value("zoom_max", 1.0);
      if (most <= 1) throw ProtocolError("not_supported", "the customer's camera cannot zoom");
      if (*zoom > most) throw ProtocolError("not_supported", "the customer's camera zooms up to " + can["zoom_max"].dump());
      out["zoom"] = detail["zoom"] = *zoom;
    } else {
      throw ProtocolError("malformed", "action is flip, torch or zoom");
    }
    if (!buckets_.try_emplace(c.participant(), controls_per_second, controls_burst).first->second.take())
      throw ProtocolError("rate_limited", "too many camera controls; wait a moment");
    Transaction tx(db_);
    audit_append(db_, c.actor(), "camera." + action, "appointment", std::to_string(c.appointment_id()), detail);
    tx.commit();
    spdlog::info("SIGNAL_CAMERA_CONTROL appointment={} action={} by={}", c.appointment_id(), action, c.actor());
    hub_.send_to_member(c.appointment_id(), customer->participant, out.dump());
  }

  // Staff joining see the customer's camera as it last said.
  void joined(Context& c) {
    if (!c.is_staff()) return;
    const auto customer = hub_.customer_in(c.appointment_id());
    if (!customer) return;
    if (const auto caps = cameras_.find(customer->participant); caps != cameras_.end()) c.reply(caps->second);
  }

  void left(const std::string& participant) {
    cameras_.erase(participant);
    buckets_.erase(participant);
  }

 private:
  Hub& hub_;
  Db& db_;
  std::map<std::string, nlohmann::json> cameras_;  // by customer participant: their last report
  std::map<std::string, TokenBucket> buckets_;     // by staff participant
};

}  // namespace

void add_camera_handler(Hub& hub, Db& db) {
  auto cameras = std::make_shared<Cameras>(hub, db);
  hub.handle("camera", [cameras](Context& c, const Message& m) { cameras->report(c, m); });
  hub.handle("camera_control", [cameras](Context& c, const Message& m) { cameras->control(c, m); });
  hub.on_join([cameras](Context& c) { cameras->joined(c); });
  hub.on_leave([cameras](const std::string& participant) { cameras->left(participant); });
}

}  // namespace assist::signalling
