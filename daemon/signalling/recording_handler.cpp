#include "signalling/recording_handler.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>

#include "domain/queues.h"
#include "domain/recordings.h"
#include "signalling/hub.h"
#include "util/time.h"

namespace assist::signalling {
namespace {

namespace fs = std::filesystem;

class Recordings : public std::enable_shared_from_this<Recordings> {
 public:
  Recordings(Hub& hub, Db& db, std::function<std::shared_ptr<const Config>()> config)
      : hub_(hub), db_(db), config_(std::move(config)) {}

  void request(Context& c, const Message& m) {
    if (!c.is_staff()) throw ProtocolError("forbidden", "only the specialist can start or stop recording");
    const bool on = m.flag("active");
    const auto mode = mode_of(c.appointment_id());
    if (on && mode == "off") throw ProtocolError("recording_disabled", "recording is turned off for this call");
    if (!on && mode == "always") throw ProtocolError("recording_required", "this call is always recorded");
    start_or_stop(c, on, c.name());
  }

  // The customer's answer to a recording that asked for consent.
  void consent(Context& c, const Message& m) {
    if (c.is_staff()) throw ProtocolError("forbidden", "only the customer answers for their consent");
    auto& call = calls_[c.appointment_id()];
    if (call.consent != Consent::asked) throw ProtocolError("not_asked", "nobody asked to record this call");
    const bool given = m.flag("accept");
    try {
      record_recording_consent(db_, c.appointment_id(), c.actor(), given);
    } catch (const std::exception& e) {
      spdlog::error("SIGNAL_RECORDING_UNRECORDED appointment={} consent={} error=\"{}\"", c.appointment_id(), given,
                    e.what());
      throw ProtocolError("consent_not_stored", "your answer could not be stored; answer again");
    }
    if (given) {
      call.consent = Consent::given;
      return set(c, true, call.by);
    }
    call.consent = Consent::refused;
    spdlog::info("SIGNAL_RECORDING_REFUSED appointment={} by={}", c.appointment_id(), c.actor());
    hub_.send_to_call(c.appointment_id(), state(call));
  }

  void joined(Context& c) {
    participants_[c.participant()] = {c.participant(), c.role(), c.name(), c.appointment_id()};
    auto& call = calls_[c.appointment_id()];
    const auto mode = mode_of(c.appointment_id());
    if (!call.active && call.consent == Consent::none && mode == "always") start_or_stop(c, true, "");
    if (c.is_staff()) {
      auto told = state(call);
      told["mode"] = mode;
      c.reply(told);
    } else if (call.active || call.consent == Consent::asked) {
      c.reply(state(call));
    }
  }

  void closed(std::int64_t appointment_id) {
    calls_.erase(appointment_id);
    std::erase_if(participants_, [&](const auto& p) { return p.second.appointment_id == appointment_id; });
  }

  void room_opened(std::int64_t appointment_id, media::RoomEvents& events) {
    std::weak_ptr<Recordings> weak = shared_from_this();
    events.recording_started = [weak, appointment_id](const std::string& participant, const std::string& path) {
      if (auto self = weak.lock()) self->started(appointment_id, participant, path);
    };
    events.recording_finished = [weak, appointment_id](const std::string& participant, const std::string& path,
                                                       const media::RecordingResult& result) {
      if (auto self = weak.lock()) self->finished(appointment_id, participant, path, result);
    };
  }

 private:
  struct Participant {
    std::string label;
    CallRole role = CallRole::customer;
    std::string name;
    std::int64_t appointment_id = 0;
  };
  // recording.consent require: the customer is asked before the first recording of a call.
  enum class Consent { none, asked, given, refused };
  struct CallState {
    bool active = false;
    std::string by;  // who started (or asked for) it; "" when the server did
    Consent consent = Consent::none;
  };

  static nlohmann::json state(const CallState& call) {
    nlohmann::json out{{"type", "recording"}, {"active", call.active}};
    if ((call.active || call.consent == Consent::asked) && !call.by.empty()) out["by"] = call.by;
    if (call.consent == Consent::asked) out["consent"] = "asked";
    if (call.consent == Consent::refused && !call.active) out["consent"] = "refused";
    return out;
  }

  // A start waits for the customer's consent where the server requires it; a stop while it
  // waits withdraws the question.
  void start_or_stop(Context& c, bool on, const std::string& by) {
    auto& call = calls_[c.appointment_id()];
    const bool ask = on && !call.active && config_()->recording_consent == "require" && call.consent != Consent::given;
    if (ask || (!on && call.consent == Consent::asked)) {
      call.consent = on ? Consent::asked : Consent::none;
      call.by = on ? by : "";
      spdlog::info("SIGNAL_RECORDING_CONSENT appointment={} asked={} by={}", c.appointment_id(), on, c.actor());
      return hub_.send_to_call(c.appointment_id(), state(call));
    }
    set(c, on, by);
  }

  void set(Context& c, bool on, const std::string& by) {
    auto& call = calls_[c.appointment_id()];
    if (call.active == on) return c.reply(state(call));  // asked twice
    call.active = on;
    call.by = on ? by : "";
    c.room().record(on, directory(c.appointment_id()));
    spdlog::info("SIGNAL_RECORDING appointment={} active={} by={}", c.appointment_id(), on, c.actor());
    hub_.send_to_call(c.appointment_id(), state(call));
  }

  // The call's queue may have a mode of its own.
  std::string mode_of(std::int64_t appointment_id) {
    return recording_mode_for(db_, appointment_id, config_()->recording_mode);
  }

  std::string directory(std::int64_t appointment_id) const {
    return (fs::path(config_()->recordings_dir()) / std::to_string(appointment_id)).string();
  }

  // The row names the file relative to the recordings directory.
  std::string relative(const std::string& path) const {
    return fs::path(path).lexically_relative(config_()->recordings_dir()).string();
  }

  void started(std::int64_t appointment_id, const std::string& participant, const std::string& path) {
    const auto it = participants_.find(participant);
    RecordedParticipant who{participant, CallRole::customer, participant};
    if (it != participants_.end()) who = {participant, it->second.role, it->second.name};
    try {
      begin_recording(db_, appointment_id, who, relative(path), now_milliseconds());
    } catch (const std::exception& e) {
      spdlog::error("SIGNAL_RECORDING_UNRECORDED appointment={} path={} error=\"{}\"", appointment_id, path, e.what());
    }
  }

  void finished(std::int64_t appointment_id, const std::string& participant, const std::string& path,
                const media::RecordingResult& result) {
    const RecordingEnd end{result.complete, result.error, static_cast<std::int64_t>(result.bytes), result.sha256,
                           result.duration_ms};
    try {
      end_recording(db_, relative(path), end, now_seconds());
    } catch (const std::exception& e) {
      spdlog::error("SIGNAL_RECORDING_UNRECORDED appointment={} path={} error=\"{}\"", appointment_id, path, e.what());
    }
    if (result.complete) return;
    spdlog::error("RECORDING_FAILED appointment={} participant={} path={} error=\"{}\"", appointment_id, participant,
                  path, result.error);
    // The room stopped recording the call: everyone is told.
    auto call = calls_.find(appointment_id);
    if (call == calls_.end() || !call->second.active) return;
    call->second.active = false;
    call->second.by.clear();
    auto message = state(call->second);
    message["error"] = "recording_failed";
    hub_.send_to_call(appointment_id, message);
  }

  Hub& hub_;
  Db& db_;
  std::function<std::shared_ptr<const Config>()> config_;
  std::map<std::int64_t, CallState> calls_;
  std::map<std::string, Participant> participants_;  // by label, while their call is open
};

}  // namespace

void add_recording_handler(Hub& hub, Db& db, std::function<std::shared_ptr<const Config>()> config) {
  auto recordings = std::make_shared<Recordings>(hub, db, std::move(config));
  hub.handle("recording", [recordings](Context& c, const Message& m) { recordings->request(c, m); });
  hub.handle("recording_consent", [recordings](Context& c, const Message& m) { recordings->consent(c, m); });
  hub.on_join([recordings](Context& c) { recordings->joined(c); });
  hub.on_call_closed([recordings](std::int64_t id) { recordings->closed(id); });
  hub.on_room([recordings](std::int64_t id, media::RoomEvents& events) { recordings->room_opened(id, events); });
}

}  // namespace assist::signalling
