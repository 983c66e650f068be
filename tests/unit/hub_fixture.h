// The signalling hub's test bench: fake peers that check every message the hub sends against the
// message table, and a fixture with a database, people, an appointment whose window is open, its
// links, and a hub with its media and call-control handlers over fake media rooms.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "audit/audit_log.h"
#include "config/config.h"
#include "domain/appointments.h"
#include "domain/credentials.h"
#include "domain/join_tokens.h"
#include "domain/users.h"
#include "domain/waiting_room.h"
#include "fake_media_room.h"
#include "signalling/call_control_handler.h"
#include "signalling/hub.h"
#include "signalling/media_handler.h"
#include "temp_db.h"
#include "test_people.h"
#include "util/time.h"

namespace assist::signalling::hub_testing {

using nlohmann::json;
using S = AppointmentState;
inline const Principal admin{Role::admin, std::nullopt, "control-socket", false, {}};

// One WebSocket as the hub sees it: what was sent (parsed) and the close frames.
class FakePeer : public Peer {
 public:
  explicit FakePeer(std::string name) : name_(std::move(name)) {}

  void send(std::string text) override {
    if (!closes.empty()) ADD_FAILURE() << name_ << ": sent after the close frame: " << text;
    auto m = json::parse(text, nullptr, false);
    if (m.is_discarded()) {
      ADD_FAILURE() << name_ << ": not JSON: " << text;
      return;
    }
    if (auto problem = check_outgoing(m); !problem.empty())
      ADD_FAILURE() << name_ << ": a message outside the table (" << problem << "): " << text;
    if (m["type"] == "welcome" && m.contains("participant") && m["participant"].is_string())
      label_ = m["participant"].get<std::string>();
    sent.push_back(std::move(m));
  }
  void close(const std::string& reason) override { closes.push_back(reason); }

  bool closed() const { return !closes.empty(); }
  int count(const std::string& type) const {
    int n = 0;
    for (const auto& m : sent) n += m["type"] == type;
    return n;
  }
  // The last message of `type`; null when there is none.
  json last(const std::string& type) const {
    for (auto it = sent.rbegin(); it != sent.rend(); ++it)
      if ((*it)["type"] == type) return *it;
    return nullptr;
  }
  // The participant id its welcome gave it ("" before); kept by forget().
  const std::string& label() const { return label_; }
  std::string dump() const {
    std::string out = name_ + " got:";
    for (const auto& m : sent) out += "\n  " + m.dump();
    for (const auto& c : closes) out += "\n  [close: " + c + "]";
    return out;
  }
  void forget() { sent.clear(); }

  std::vector<json> sent;
  std::vector<std::string> closes;

 private:
  std::string name_;
  std::string label_;
};
using PeerPtr = std::shared_ptr<FakePeer>;

struct Row {
  std::int64_t id = 0;
  std::string role;
  std::optional<std::int64_t> user_id;
  std::optional<std::int64_t> left_at;
  std::optional<std::string> left_reason;
};

inline std::shared_ptr<const Config> config_from(const std::string& yaml) {
  auto load = load_config_text(yaml, "test.yaml");
  for (const auto& e : load.errors) ADD_FAILURE() << e.to_string();
  if (!load.config) return std::make_shared<const Config>();
  return std::make_shared<const Config>(*load.config);
}

// Who is in the call, as `state` says (not those shown as reconnecting).
inline std::vector<std::string> ids(const json& state) {
  std::vector<std::string> out;
  if (state.is_null()) return out;
  for (const auto& p : state["participants"])
    if (!p["reconnecting"].get<bool>()) out.push_back(p["id"].get<std::string>());
  return out;
}

// Those `state` shows as reconnecting, with how long they have been away.
inline std::map<std::string, std::int64_t> reconnecting(const json& state) {
  std::map<std::string, std::int64_t> out;
  for (const auto& p : state["participants"])
    if (p["reconnecting"].get<bool>()) out[p["id"].get<std::string>()] = p["away_seconds"].get<std::int64_t>();
  return out;
}

inline ::testing::AssertionResult got_error(const FakePeer& p, const std::string& code, bool final) {
  auto e = p.last("error");
  if (e.is_null()) return ::testing::AssertionFailure() << "no error message; " << p.dump();
  if (e["code"] != code) return ::testing::AssertionFailure() << "last error is not " << code << "; " << p.dump();
  if (e["final"] != final) return ::testing::AssertionFailure() << "final is not " << final << "; " << p.dump();
  return ::testing::AssertionSuccess();
}

class HubTest : public ::testing::Test {
 protected:
  assist::testing::TempDb t;
  Db& db = *t.db;
  std::shared_ptr<const Config> config = config_from("media:\n  ice:\n    stun_server: stun://stun.example.org:3478\n");
  assist::testing::FakeMediaRooms rooms;
  std::unique_ptr<Hub> hub;
  testing::People people = testing::create_people(db);
  const User &alice = people.alice, &bob = people.bob, &sue = people.sue, &root = people.root;
  Appointment appt;  // alice's, its window open now
  IssuedToken customer_token, specialist_token;
  int opened_ = 0;

  void SetUp() override {
    appt = appointment(alice, -60);
    customer_token = token(appt, JoinRole::customer);
    specialist_token = token(appt, JoinRole::specialist);
    hub = make_hub(true);
  }

  void TearDown() override {
    const auto v = audit_verify(db);
    EXPECT_TRUE(v.ok) << v.problem;
  }

  std::unique_ptr<Hub> make_hub(bool features) {
    auto h = std::make_unique<Hub>(db, [this] { return config; }, rooms);
    if (features) {
      add_media_handler(*h);
      add_call_control_handler(*h);
    }
    return h;
  }

  // Admitted unless said otherwise: the waiting room has tests of its own (HubWaitingRoom).
  Appointment appointment(const User& specialist, std::int64_t starts_in, bool admitted = true) {
    NewAppointment n;
    n.customer_name = "Ada";
    n.starts_at = now_seconds() + starts_in;
    n.duration = 1800;
    n.specialist_id = specialist.id;
    Transaction tx(db);
    auto a = create_appointment(db, n, admin);
    if (admitted) admit_in_transaction(db, a.id, std::nullopt, admin.actor, now_seconds());
    tx.commit();
    return *find_appointment(db, a.id);
  }

  IssuedToken token(const Appointment& a, JoinRole role) {
    Transaction tx(db);
    auto issued = issue_join_token(db, a, role, config->lead_time, admin);
    tx.commit();
    return issued;
  }

  std::string session(const User& u) { return create_session(db, u); }

  PeerPtr open(const std::string& session_token = "") {
    auto p = std::make_shared<FakePeer>("peer" + std::to_string(++opened_));
    HttpRequest upgrade;
    upgrade.method = "GET";
    upgrade.target = "/ws/v1";
    upgrade.peer = "192.0.2." + std::to_string(opened_);
    if (!session_token.empty()) upgrade.headers["cookie"] = "lang=en; assist_session=" + session_token;
    hub->on_open(p, upgrade);
    return p;
  }

  void say(const PeerPtr& p, const json& m) { hub->on_message(p, m.dump()); }
  void hello_token(const PeerPtr& p, const std::string& tok) {
    say(p, {{"type", "hello"}, {"version", protocol_version}, {"token", tok}});
  }

  // A connection that joined with a link; expects the welcome.
  PeerPtr join(const IssuedToken& tok) {
    auto p = open();
    hello_token(p, tok.token);
    EXPECT_EQ(p->count("welcome"), 1) << p->dump();
    EXPECT_FALSE(p->closed()) << p->dump();
    return p;
  }
  PeerPtr join_console(const User& u, std::int64_t appointment_id) {
    auto p = open(session(u));
    say(p, {{"type", "hello"}, {"version", protocol_version}, {"appointment_id", appointment_id}});
    return p;
  }
  PeerPtr watcher(const User& u) {
    auto p = open(session(u));
    say(p, {{"type", "hello"}, {"version", protocol_version}, {"watch", true}});
    EXPECT_EQ(p->count("welcome"), 1) << p->dump();
    return p;
  }

  S state(std::int64_t id) { return find_appointment(db, id)->state; }

  std::vector<Row> rows(std::int64_t appointment_id) {
    auto stmt = db.prepare(
        "SELECT id, role, user_id, left_at, left_reason FROM participants WHERE appointment_id = ? ORDER BY id");
    stmt.bind(1, appointment_id);
    std::vector<Row> out;
    while (stmt.step())
      out.push_back({stmt.integer(0), stmt.text(1), stmt.optional_integer(2), stmt.optional_integer(3),
                     stmt.optional_text(4)});
    return out;
  }

  std::shared_ptr<assist::testing::RoomRecord> room() { return rooms.last(appt.id); }

  // How many audit events of `action` there are.
  std::size_t audited(const std::string& action) {
    AuditQuery q;
    q.action = action;
    return audit_list(db, q).size();
  }

  void expect_refused(const PeerPtr& p, const std::string& code) {
    EXPECT_TRUE(got_error(*p, code, true));
    EXPECT_TRUE(p->closed()) << p->dump();
    EXPECT_EQ(p->count("welcome"), 0) << p->dump();
  }
};

}  // namespace assist::signalling::hub_testing
