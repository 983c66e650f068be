// The signalling hub (daemon/signalling/hub.h) with its media and call-control handlers, driven
// through fake peers and a recording fake media room: no GStreamer, no sockets. Every message
// the hub sends is checked against the message table (check_outgoing); one that does not match
// fails the test.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "api/http.h"
#include "audit/audit_log.h"
#include "config/config.h"
#include "domain/appointments.h"
#include "domain/credentials.h"
#include "domain/errors.h"
#include "domain/join_tokens.h"
#include "domain/users.h"
#include "domain/waiting_room.h"
#include "hub_fixture.h"
#include "domain/chat.h"
#include "signalling/call_control_handler.h"
#include "signalling/chat_handler.h"
#include "signalling/hub.h"
#include "signalling/media_handler.h"
#include "signalling/recording_handler.h"
#include "signalling/snapshot_handler.h"
#include "domain/snapshots.h"
#include "image_bytes.h"
#include "domain/queues.h"
#include "domain/recordings.h"
#include "temp_db.h"
#include "test_people.h"
#include "util/time.h"

namespace assist::signalling {
namespace {

using namespace hub_testing;
using nlohmann::json;
using S = AppointmentState;

std::string sdp(const std::string& tag = "1") { return "v=0\r\no=- " + tag + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"; }

// ---- hello ----

class HubHello : public HubTest {};

TEST_F(HubHello, CustomerLinkIsWelcomed) {
  auto p = join(customer_token);
  const auto w = p->last("welcome");
  EXPECT_EQ(w["version"], 2);
  EXPECT_EQ(w["role"], "customer");
  const auto label = w["participant"].get<std::string>();
  EXPECT_TRUE(label.size() > 1 && label[0] == 'p' &&
              label.find_first_not_of("0123456789", 1) == std::string::npos)
      << w.dump();
  EXPECT_EQ(w["appointment"]["id"], appt.id);
  EXPECT_EQ(w["appointment"]["customer_name"], "Ada");
  EXPECT_EQ(w["name"], "Ada");  // as its chat messages name it
  ASSERT_TRUE(w["ice_servers"].is_array());
  ASSERT_EQ(w["ice_servers"].size(), 1u) << w.dump();
  EXPECT_EQ(w["ice_servers"][0]["urls"], json::array({"stun:stun.example.org:3478"}));
  EXPECT_FALSE(w.contains("watching"));
  // The welcome comes first, then who is there.
  ASSERT_GE(p->sent.size(), 2u);
  EXPECT_EQ(p->sent[0]["type"], "welcome");
  const auto st = p->last("state");
  EXPECT_EQ(st["appointment_state"], "waiting");
  EXPECT_EQ(st["participants"], json::array({{{"id", p->label()},
                                              {"role", "customer"},
                                              {"name", "Ada"},
                                              {"sharing", false},
                                              {"audio", true},
                                              {"video", true},
                                              {"quality", nullptr},
                                              {"reconnecting", false}}}));
  // The call is live: the room has the participant, the database the row.
  EXPECT_EQ(hub->calls(), 1u);
  ASSERT_TRUE(room());
  ASSERT_EQ(room()->of("join").size(), 1u);
  EXPECT_EQ(room()->of("join")[0].participant, p->label());
  auto r = rows(appt.id);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].role, "customer");
  EXPECT_FALSE(r[0].left_at);
  EXPECT_EQ(state(appt.id), S::waiting);
}

TEST_F(HubHello, SpecialistLinkIsWelcomed) {
  auto p = join(specialist_token);
  EXPECT_EQ(p->last("welcome")["role"], "specialist");
  auto r = rows(appt.id);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].role, "specialist");
}

TEST_F(HubHello, ConsoleSessionJoinsItsAppointment) {
  auto p = join_console(alice, appt.id);
  ASSERT_EQ(p->count("welcome"), 1) << p->dump();
  EXPECT_EQ(p->last("welcome")["role"], "specialist");
  EXPECT_EQ(p->last("welcome")["appointment"]["id"], appt.id);
  EXPECT_EQ(p->last("welcome")["name"], "Alice");  // the user's display name
  auto s = join_console(sue, appt.id);
  ASSERT_EQ(s->count("welcome"), 1) << s->dump();
  EXPECT_EQ(s->last("welcome")["role"], "supervisor");
  auto r = rows(appt.id);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].user_id, alice.id);
  EXPECT_EQ(r[1].role, "supervisor");
  EXPECT_EQ(r[1].user_id, sue.id);
  EXPECT_NE(p->label(), s->label());
}

TEST_F(HubHello, AnotherSpecialistsAppointmentIsNotFound) {
  auto other = join_console(bob, appt.id);
  expect_refused(other, "appointment_not_found");
  auto missing = join_console(bob, appt.id + 1000);
  expect_refused(missing, "appointment_not_found");
  // Word for word the same answer: nothing tells that the appointment exists.
  EXPECT_EQ(other->last("error"), missing->last("error"));
  EXPECT_TRUE(rows(appt.id).empty());
  EXPECT_EQ(hub->calls(), 0u);
}

TEST_F(HubHello, NoCredentialsIsAuthenticationRequired) {
  auto p = open();
  say(p, {{"type", "hello"}, {"version", protocol_version}});
  expect_refused(p, "authentication_required");
  auto q = open();
  say(q, {{"type", "hello"}, {"version", protocol_version}, {"appointment_id", appt.id}});
  expect_refused(q, "authentication_required");
  auto r = open("not-a-session");
  say(r, {{"type", "hello"}, {"version", protocol_version}, {"watch", true}});
  expect_refused(r, "authentication_required");
  EXPECT_TRUE(rows(appt.id).empty());
}

TEST_F(HubHello, WatchingConsoleIsWelcomedOutsideAnyCall) {
  auto p = watcher(alice);
  const auto w = p->last("welcome");
  EXPECT_EQ(w["watching"], true);
  EXPECT_EQ(w["role"], "specialist");
  EXPECT_FALSE(w.contains("participant"));
  EXPECT_EQ(watcher(sue)->last("welcome")["role"], "supervisor");
  EXPECT_EQ(watcher(root)->last("welcome")["role"], "supervisor");
  EXPECT_EQ(hub->calls(), 0u);
  EXPECT_TRUE(rows(appt.id).empty());
  // A watcher is in no call: call messages are refused, ping is answered.
  say(p, {{"type", "offer"}, {"sdp", sdp()}});
  EXPECT_TRUE(got_error(*p, "not_in_call", false));
  say(p, {{"type", "ping"}});
  EXPECT_EQ(p->sent.back()["type"], "pong");
  EXPECT_FALSE(p->closed());
}

TEST_F(HubHello, WrongVersionIsRefusedAndClosed) {
  for (int version : {0, 1, 3}) {
    auto p = open();
    say(p, {{"type", "hello"}, {"version", version}, {"token", customer_token.token}});
    EXPECT_TRUE(got_error(*p, "unsupported_version", true)) << version;
    EXPECT_TRUE(p->closed());
    EXPECT_EQ(p->count("welcome"), 0);
  }
  EXPECT_TRUE(rows(appt.id).empty());
  EXPECT_EQ(hub->calls(), 0u);
}

TEST_F(HubHello, SecondHelloIsRefused) {
  auto p = join(customer_token);
  hello_token(p, customer_token.token);
  EXPECT_TRUE(got_error(*p, "already_greeted", false));
  EXPECT_FALSE(p->closed());
  EXPECT_EQ(p->count("welcome"), 1);
  EXPECT_EQ(rows(appt.id).size(), 1u);  // no second row, no takeover of itself
  auto w = watcher(sue);
  say(w, {{"type", "hello"}, {"version", protocol_version}, {"watch", true}});
  EXPECT_TRUE(got_error(*w, "already_greeted", false));
}

TEST_F(HubHello, NothingButHelloBeforeHello) {
  auto p = open();
  for (const json& m : {json{{"type", "ping"}}, json{{"type", "end"}},
                        json{{"type", "offer"}, {"sdp", sdp()}},
                        json{{"type", "ice"}, {"mline", 0}, {"candidate", ""}}}) {
    p->forget();
    say(p, m);
    EXPECT_TRUE(got_error(*p, "hello_required", false)) << m.dump();
  }
  EXPECT_FALSE(p->closed());
  EXPECT_TRUE(rooms.opened.empty());
  // Broken messages get their own code, greeted or not.
  hub->on_message(p, "{not json");
  EXPECT_TRUE(got_error(*p, "malformed", false));
  // After all that, hello still works.
  hello_token(p, customer_token.token);
  EXPECT_EQ(p->count("welcome"), 1) << p->dump();
}

TEST_F(HubHello, PingIsAnsweredInACall) {
  auto p = join(customer_token);
  say(p, {{"type", "ping"}});
  EXPECT_EQ(p->sent.back(), json({{"type", "pong"}}));
}

// ---- refusals ----

class HubRefusal : public HubTest {};

TEST_F(HubRefusal, UnknownLink) {
  auto p = open();
  hello_token(p, "no-such-token-at-all");
  expect_refused(p, "invalid_token");
  EXPECT_EQ(hub->calls(), 0u);
}

TEST_F(HubRefusal, TooEarlyFollowsTheConfiguredLeadTime) {
  auto later = appointment(alice, 2 * 3600);
  auto tok = token(later, JoinRole::customer);
  auto p = open();
  hello_token(p, tok.token);
  expect_refused(p, "too_early");  // default lead time: 15 minutes
  EXPECT_TRUE(rows(later.id).empty());
  config = config_from("links:\n  lead_time: 3h\n");
  auto q = open();
  hello_token(q, tok.token);
  EXPECT_EQ(q->count("welcome"), 1) << q->dump();
  EXPECT_EQ(rows(later.id).size(), 1u);
}

TEST_F(HubRefusal, ExpiredLink) {
  db.prepare("UPDATE appointments SET starts_at = ? WHERE id = ?").bind(1, now_seconds() - 7200).bind(2, appt.id).run();
  auto p = open();
  hello_token(p, customer_token.token);
  expect_refused(p, "link_expired");
  EXPECT_TRUE(rows(appt.id).empty());
  EXPECT_EQ(state(appt.id), S::scheduled);
}

TEST_F(HubRefusal, CancelledAppointment) {
  {
    Transaction tx(db);
    transition_appointment(db, appt.id, S::cancelled, "user:x");
    tx.commit();
  }
  auto p = open();
  hello_token(p, customer_token.token);
  expect_refused(p, "appointment_closed");
  auto q = join_console(alice, appt.id);
  expect_refused(q, "appointment_closed");
  EXPECT_TRUE(rows(appt.id).empty());
  EXPECT_EQ(hub->calls(), 0u);
}

// ---- presence and watchers ----

class HubPresence : public HubTest {};

TEST_F(HubPresence, BothSidesMakeACallOneSideWaits) {
  auto c = join(customer_token);
  EXPECT_EQ(state(appt.id), S::waiting);
  auto s = join_console(alice, appt.id);
  ASSERT_EQ(s->count("welcome"), 1) << s->dump();
  EXPECT_EQ(state(appt.id), S::in_call);
  const auto entry = [](const std::string& id, const char* role, const char* name) {
    return json{{"id", id},      {"role", role},  {"name", name},      {"sharing", false},
                {"audio", true}, {"video", true}, {"quality", nullptr}, {"reconnecting", false}};
  };
  const json both = json::array({entry(c->label(), "customer", "Ada"), entry(s->label(), "specialist", "Alice")});
  for (const auto& p : {c, s}) {
    auto st = p->last("state");
    EXPECT_EQ(st["appointment_state"], "in_call") << p->dump();
    EXPECT_EQ(st["participants"], both) << p->dump();
  }
  EXPECT_EQ(hub->calls(), 1u);
  EXPECT_EQ(rooms.opened.size(), 1u);  // one room for the call

  hub->on_close(c);
  EXPECT_EQ(state(appt.id), S::waiting);
  auto st = s->last("state");
  EXPECT_EQ(st["appointment_state"], "waiting");
  EXPECT_EQ(ids(st), std::vector<std::string>{s->label()});
  // A socket that closed without `leave` may be a network drop: shown as reconnecting.
  EXPECT_EQ(reconnecting(st), (std::map<std::string, std::int64_t>{{c->label(), 0}})) << s->dump();
  ASSERT_EQ(room()->of("leave").size(), 1u);
  EXPECT_EQ(room()->of("leave")[0].participant, c->label());
  EXPECT_FALSE(room()->closed());
  auto r = rows(appt.id);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].left_at);
  EXPECT_EQ(r[0].left_reason, "disconnected");
  EXPECT_FALSE(r[1].left_at);

  hub->on_close(s);
  EXPECT_EQ(hub->calls(), 0u);
  EXPECT_TRUE(room()->closed());
  EXPECT_TRUE(room()->destroyed);
  EXPECT_EQ(state(appt.id), S::waiting);  // the sweeper closes it once the window passed
  for (const auto& row : rows(appt.id)) EXPECT_TRUE(row.left_at);
  hub->on_close(s);  // a second close of the same socket is harmless
}

TEST_F(HubPresence, WatchersHearOnlyOfAppointmentsTheyMaySee) {
  auto wa = watcher(alice);
  auto wb = watcher(bob);
  auto ws = watcher(sue);
  auto wr = watcher(root);
  auto c = join(customer_token);  // alice's appointment
  for (const auto& w : {wa, ws, wr}) {
    auto m = w->last("appointment");
    ASSERT_FALSE(m.is_null()) << w->dump();
    EXPECT_EQ(m["id"], appt.id);
    EXPECT_EQ(m["state"], "waiting");
    EXPECT_EQ(m["participants"], 1);
    EXPECT_EQ(w->count("state"), 0) << "call messages are for the call";
  }
  EXPECT_EQ(wb->count("appointment"), 0) << wb->dump();

  auto bobs = appointment(bob, -60);
  auto bc = join(token(bobs, JoinRole::customer));
  EXPECT_EQ(wb->last("appointment")["id"], bobs.id) << wb->dump();
  EXPECT_EQ(wa->last("appointment")["id"], appt.id) << "alice heard of bob's appointment: " << wa->dump();
  EXPECT_EQ(ws->last("appointment")["id"], bobs.id);
  EXPECT_EQ(wr->last("appointment")["id"], bobs.id);

  // Leaving tells them too.
  hub->on_close(c);
  EXPECT_EQ(wa->last("appointment")["participants"], 0) << wa->dump();
  EXPECT_EQ(wb->last("appointment")["id"], bobs.id);
  // A watcher going away is no call event.
  hub->on_close(wa);
  EXPECT_EQ(hub->calls(), 1u);
}

// ---- takeover ----

class HubTakeover : public HubTest {};

TEST_F(HubTakeover, TheSameLinkAgainReplacesTheOldConnection) {
  auto first = join(customer_token);
  auto s = join_console(alice, appt.id);
  const auto old_label = first->label();
  auto second = join(customer_token);
  EXPECT_TRUE(got_error(*first, "replaced", true));
  EXPECT_TRUE(first->closed());
  EXPECT_NE(second->label(), old_label);
  EXPECT_FALSE(second->closed());
  EXPECT_FALSE(s->closed());
  const auto st = s->last("state");
  EXPECT_EQ(ids(st), (std::vector<std::string>{s->label(), second->label()})) << s->dump();
  EXPECT_EQ(st["appointment_state"], "in_call");
  EXPECT_EQ(state(appt.id), S::in_call);
  auto r = rows(appt.id);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].left_at);
  EXPECT_EQ(r[0].left_reason, "replaced");
  EXPECT_FALSE(r[1].left_at);
  EXPECT_FALSE(r[2].left_at);
  auto leaves = room()->of("leave");
  ASSERT_EQ(leaves.size(), 1u);
  EXPECT_EQ(leaves[0].participant, old_label);
  // The old socket's close event afterwards changes nothing.
  s->forget();
  hub->on_close(first);
  EXPECT_EQ(s->count("state"), 0) << s->dump();
  EXPECT_EQ(rows(appt.id)[0].left_reason, "replaced");
  EXPECT_EQ(state(appt.id), S::in_call);
  // The old connection is out of the call.
  EXPECT_EQ(hub->calls(), 1u);
}

TEST_F(HubTakeover, AnotherLinkOfTheSameAppointmentDoesNotReplace) {
  auto c = join(customer_token);
  auto s = join(specialist_token);
  EXPECT_FALSE(c->closed());
  EXPECT_FALSE(s->closed());
  EXPECT_EQ(ids(c->last("state")).size(), 2u);
}

// ---- routing ----

class HubRouting : public HubTest {
 protected:
  PeerPtr c, s;
  void SetUp() override {
    HubTest::SetUp();
    c = join(customer_token);
    s = join_console(alice, appt.id);
  }
};

TEST_F(HubRouting, NegotiationReachesTheRoom) {
  say(c, {{"type", "offer"}, {"sdp", sdp("c")}});
  const std::string cand = "candidate:1 1 UDP 2122252543 192.0.2.1 50000 typ host";
  say(c, {{"type", "ice"}, {"mline", 1}, {"candidate", cand}});
  say(s, {{"type", "ice"}, {"mline", 0}, {"candidate", ""}});

  auto offers = room()->of("offer");
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].participant, c->label());
  EXPECT_EQ(offers[0].text, sdp("c"));
  auto ice = room()->of("add_candidate");
  ASSERT_EQ(ice.size(), 2u);
  EXPECT_EQ(ice[0].participant, c->label());
  EXPECT_EQ(ice[0].mline, 1u);
  EXPECT_EQ(ice[0].text, cand);
  EXPECT_EQ(ice[1].participant, s->label());
  EXPECT_EQ(ice[1].text, "");  // end of candidates
  EXPECT_EQ(c->count("error") + s->count("error"), 0) << c->dump() << s->dump();
}

TEST_F(HubRouting, InvalidNegotiationIsMalformedAndGoesNowhere) {
  const auto before = room()->calls.size();
  const std::vector<std::pair<PeerPtr, json>> bad = {
      {c, {{"type", "offer"}, {"stream", "publish"}, {"sdp", sdp()}}},  // a version 1 member
      {c, {{"type", "offer"}, {"sdp", "not an sdp"}}},
      {c, {{"type", "offer"}, {"sdp", ""}}},
      {c, {{"type", "ice"}, {"mline", 0}, {"candidate", "a=candidate:1"}}},
      {c, {{"type", "ice"}, {"mline", 99}, {"candidate", ""}}},
      {c, {{"type", "offer"}, {"sdp", sdp()}, {"extra", 1}}},
      {c, {{"type", "screen"}}},
      {c, {{"type", "screen"}, {"sharing", "yes"}}},
  };
  for (const auto& [peer, m] : bad) {
    peer->forget();
    say(peer, m);
    EXPECT_TRUE(got_error(*peer, "malformed", false)) << m.dump();
    EXPECT_FALSE(peer->closed()) << m.dump();
  }
  EXPECT_EQ(room()->calls.size(), before);
  s->forget();
  say(s, {{"type", "answer"}, {"sdp", sdp()}});  // the server never offers in version 2
  EXPECT_TRUE(got_error(*s, "unknown_type", false)) << s->dump();
  EXPECT_EQ(state(appt.id), S::in_call);
}

TEST_F(HubRouting, ScreenSharingIsInTheStateEveryoneGets) {
  s->forget();
  say(c, {{"type", "screen"}, {"sharing", true}});
  auto st = s->last("state");
  ASSERT_FALSE(st.is_null()) << s->dump();
  bool sharing = false;
  for (const auto& p : st["participants"])
    if (p["id"] == c->label()) sharing = p["sharing"];
  EXPECT_TRUE(sharing) << st.dump();
  s->forget();
  say(c, {{"type", "screen"}, {"sharing", true}});  // no change: nothing sent
  EXPECT_EQ(s->count("state"), 0);
  say(c, {{"type", "screen"}, {"sharing", false}});
  const auto stopped = s->last("state");
  for (const auto& p : stopped["participants"]) EXPECT_FALSE(p["sharing"].get<bool>());
}

TEST_F(HubRouting, MicrophoneAndCameraAreInTheStateEveryoneGets) {
  const auto customer_in = [&](const json& st) {
    for (const auto& p : st["participants"])
      if (p["id"] == c->label()) return p;
    return json();
  };
  s->forget();
  say(c, {{"type", "devices"}, {"audio", false}, {"video", true}});
  auto muted = customer_in(s->last("state"));
  EXPECT_EQ(muted["audio"], false) << s->dump();
  EXPECT_EQ(muted["video"], true);
  s->forget();
  say(c, {{"type", "devices"}, {"audio", false}, {"video", true}});  // no change: nothing sent
  EXPECT_EQ(s->count("state"), 0);
  say(c, {{"type", "devices"}, {"audio", true}, {"video", false}});
  auto camera_off = customer_in(s->last("state"));
  EXPECT_EQ(camera_off["audio"], true) << s->dump();
  EXPECT_EQ(camera_off["video"], false);
  say(c, {{"type", "devices"}, {"audio", true}});
  EXPECT_TRUE(got_error(*c, "malformed", false)) << c->dump();
}

TEST_F(HubRouting, ConnectionQualityIsInTheStateEveryoneGets) {
  say(c, {{"type", "quality"}, {"grade", "fair"}});
  const auto state = s->last("state");
  std::string seen;
  for (const auto& p : state["participants"])
    if (p["id"] == c->label()) seen = p["quality"].get<std::string>();
  EXPECT_EQ(seen, "fair") << s->dump();
  s->forget();
  say(c, {{"type", "quality"}, {"grade", "fair"}});  // no change: nothing sent
  EXPECT_EQ(s->count("state"), 0);
  say(c, {{"type", "quality"}, {"grade", "great"}});
  EXPECT_TRUE(got_error(*c, "malformed", false)) << c->dump();
  EXPECT_EQ(s->count("state"), 0);
}

TEST_F(HubRouting, ADroppedParticipantIsReconnectingUntilItComesBackOrAMinutePasses) {
  hub->on_close(c);
  EXPECT_EQ(reconnecting(s->last("state")).count(c->label()), 1u) << s->dump();
  // Back on a new socket with the same link: in the call again, no longer reconnecting.
  auto back = join(customer_token);
  auto st = s->last("state");
  EXPECT_TRUE(reconnecting(st).empty()) << s->dump();
  EXPECT_EQ(ids(st).size(), 2u);
  // Dropped again, and not back within a minute: gone.
  hub->on_close(back);
  s->forget();
  hub->forget_lost(now_seconds() + 30);
  EXPECT_EQ(s->count("state"), 0);  // still reconnecting: nothing changed
  hub->forget_lost(now_seconds() + 61);
  EXPECT_TRUE(reconnecting(s->last("state")).empty()) << s->dump();
  EXPECT_EQ(ids(s->last("state")), std::vector<std::string>{s->label()});
}

TEST_F(HubRouting, OneWhoHangsUpIsGoneAtOnce) {
  say(c, {{"type", "leave"}});
  EXPECT_EQ(c->closes.size(), 1u);
  const auto st = s->last("state");
  EXPECT_EQ(ids(st), std::vector<std::string>{s->label()}) << s->dump();
  EXPECT_TRUE(reconnecting(st).empty()) << s->dump();
  const auto r = rows(appt.id);
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0].left_reason, "hung up");
  hub->on_close(c);  // the socket then closes: nothing more happens
  EXPECT_TRUE(reconnecting(s->last("state")).empty());
}

TEST_F(HubRouting, RoomEventsReachTheirParticipantOnly) {
  auto& events = room()->events;
  c->forget();
  s->forget();
  events.answer(c->label(), sdp("srv"));
  events.candidate(s->label(), 0, "candidate:2 1 UDP 1 192.0.2.9 4000 typ host");
  events.connection_state(c->label(), "connected");
  events.failure(s->label(), "offer_not_bundled", "the offer has no BUNDLE group");
  events.answer("p999", sdp("nobody"));  // no such participant: dropped
  ASSERT_EQ(c->sent.size(), 2u) << c->dump();
  EXPECT_EQ(c->sent[0], json({{"type", "answer"}, {"sdp", sdp("srv")}}));
  EXPECT_EQ(c->sent[1], json({{"type", "media"}, {"state", "connected"}}));
  ASSERT_EQ(s->sent.size(), 2u) << s->dump();
  EXPECT_EQ(s->sent[0]["type"], "ice");
  EXPECT_EQ(s->sent[0]["mline"], 0);
  EXPECT_TRUE(got_error(*s, "offer_not_bundled", false));
  // An event for someone who has left goes nowhere.
  const auto gone = c->label();
  hub->on_close(c);
  s->forget();
  events.connection_state(gone, "closed");
  EXPECT_EQ(s->count("media"), 0);
}

// A problem text from the media side (a GError message, an exception) may be longer than the
// table allows error.message; it is cut, and FakePeer checks the result against the table.
TEST_F(HubRouting, LongMediaFailureStaysWithinTheTable) {
  room()->events.failure(c->label(), "offer_refused", "offer refused: " + std::string(600, 'x'));
  auto e = c->last("error");
  ASSERT_FALSE(e.is_null()) << c->dump();
  EXPECT_EQ(e["code"], "offer_refused");
  EXPECT_LE(e["message"].get<std::string>().size(), 500u);
}

// ---- ending a call ----

TEST_F(HubRouting, OnlyStaffMayEndTheCall) {
  say(c, {{"type", "end"}});
  EXPECT_TRUE(got_error(*c, "forbidden", false));
  EXPECT_FALSE(c->closed());
  EXPECT_EQ(state(appt.id), S::in_call);
  EXPECT_EQ(hub->calls(), 1u);
}

TEST_F(HubRouting, StaffEndsTheCallForEveryone) {
  auto w = watcher(sue);
  say(s, {{"type", "end"}});
  for (const auto& p : {c, s}) {
    auto e = p->last("ended");
    ASSERT_FALSE(e.is_null()) << p->dump();
    EXPECT_EQ(e["reason"], "ended");
    EXPECT_TRUE(p->closed()) << p->dump();
    EXPECT_EQ(p->count("error"), 0) << p->dump();
  }
  EXPECT_EQ(state(appt.id), S::ended);
  EXPECT_EQ(hub->calls(), 0u);
  EXPECT_TRUE(room()->closed());
  for (const auto& row : rows(appt.id)) {
    EXPECT_TRUE(row.left_at);
    EXPECT_EQ(row.left_reason, "call ended");
  }
  EXPECT_EQ(w->last("appointment")["state"], "ended") << w->dump();
  AuditQuery q;
  q.object_id = std::to_string(appt.id);
  q.action = "appointment.ended";
  auto events = audit_list(db, q);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "user:alice");
  // The sockets' close events come afterwards and change nothing; the link no longer works.
  hub->on_close(c);
  hub->on_close(s);
  auto again = open();
  hello_token(again, customer_token.token);
  expect_refused(again, "appointment_closed");
}

TEST_F(HubRouting, CancellingTheAppointmentEndsTheCall) {
  auto w = watcher(root);
  auto record = room();
  {
    Transaction tx(db);
    transition_appointment(db, appt.id, S::cancelled, "user:x");
    tx.commit();
  }
  hub->appointment_changed(appt.id);
  for (const auto& p : {c, s}) {
    auto e = p->last("ended");
    ASSERT_FALSE(e.is_null()) << p->dump();
    EXPECT_EQ(e["reason"], "cancelled");
    EXPECT_TRUE(p->closed());
  }
  EXPECT_TRUE(record->closed());
  EXPECT_EQ(hub->calls(), 0u);
  EXPECT_EQ(state(appt.id), S::cancelled);
  for (const auto& row : rows(appt.id)) EXPECT_EQ(row.left_reason, "call ended");
  EXPECT_EQ(w->last("appointment")["state"], "cancelled") << w->dump();
  auto again = open();
  hello_token(again, customer_token.token);
  expect_refused(again, "appointment_closed");
  EXPECT_EQ(rooms.opened.size(), 1u);  // no new room for the refused hello
}

TEST_F(HubRouting, AChangeThatDoesNotCloseLeavesTheCallAlone) {
  hub->appointment_changed(appt.id);
  hub->appointment_changed(appt.id + 999);  // unknown: nothing
  EXPECT_FALSE(c->closed());
  EXPECT_FALSE(s->closed());
  EXPECT_EQ(c->count("ended"), 0);
  EXPECT_EQ(hub->calls(), 1u);
}

// ---- faults ----

class HubFault : public HubTest {};

TEST_F(HubFault, AHandlerThatBreaksLeavesCleanly) {
  hub = make_hub(false);
  hub->handle("offer", [](Context&, const Message&) { throw std::runtime_error("broken feature"); });
  auto p = join(customer_token);
  say(p, {{"type", "offer"}, {"sdp", sdp()}});
  EXPECT_TRUE(got_error(*p, "internal", false));
  EXPECT_TRUE(p->closed());
  auto r = rows(appt.id);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].left_at);
  EXPECT_EQ(r[0].left_reason, "error");
  EXPECT_EQ(hub->calls(), 0u);  // no ghost call
  EXPECT_TRUE(room()->closed());
  hub->on_close(p);
  EXPECT_EQ(hub->calls(), 0u);
  // The page joins again by itself.
  auto back = join(customer_token);
  EXPECT_EQ(hub->calls(), 1u);
}

TEST_F(HubFault, TheOthersSeeTheBrokenConnectionLeave) {
  hub = make_hub(false);
  hub->handle("offer", [](Context&, const Message&) { throw std::runtime_error("broken feature"); });
  auto c = join(customer_token);
  auto s = join(specialist_token);
  say(c, {{"type", "offer"}, {"sdp", sdp()}});
  EXPECT_TRUE(c->closed());
  EXPECT_FALSE(s->closed());
  EXPECT_EQ(ids(s->last("state")), std::vector<std::string>{s->label()}) << s->dump();
  EXPECT_EQ(s->last("state")["appointment_state"], "waiting");
  EXPECT_EQ(state(appt.id), S::waiting);
  EXPECT_EQ(hub->calls(), 1u);
}

TEST_F(HubFault, RefusalsFromHandlersAreReplies) {
  hub = make_hub(false);
  hub->handle("offer", [](Context&, const Message&) {
    throw DomainError(ErrorKind::conflict, "illegal_transition", "not now");
  });
  hub->handle("screen", [](Context&, const Message&) { throw ProtocolError("malformed", "no"); });
  auto p = join(customer_token);
  say(p, {{"type", "offer"}, {"sdp", sdp()}});
  EXPECT_TRUE(got_error(*p, "illegal_transition", false));
  say(p, {{"type", "screen"}, {"sharing", true}});
  EXPECT_TRUE(got_error(*p, "malformed", false));
  EXPECT_FALSE(p->closed());
  EXPECT_FALSE(rows(appt.id)[0].left_at);
  // No feature registered for ice on this hub.
  say(p, {{"type", "ice"}, {"mline", 0}, {"candidate", ""}});
  EXPECT_TRUE(got_error(*p, "unknown_type", false));
  EXPECT_EQ(hub->calls(), 1u);
}

class HubDatabaseFault : public HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    db.set_busy_timeout(std::chrono::milliseconds(20));  // as the daemon's signalling thread: short
    other = std::make_unique<Db>(db.path());
  }
  void lock() { other->exec("BEGIN IMMEDIATE"); }
  void unlock() { other->exec("ROLLBACK"); }
  std::unique_ptr<Db> other;  // a second connection that holds the write lock
};

TEST_F(HubDatabaseFault, AChatTheDatabaseRefusedIsNotSentAndItsSenderIsTold) {
  add_chat_handler(*hub, db, [](std::function<void()> task) { task(); });
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  lock();
  say(c, {{"type", "chat"}, {"text", "is anyone there?"}});
  EXPECT_TRUE(got_error(*c, "chat_not_stored", false)) << c->dump();
  EXPECT_EQ(s->count("chat"), 0);
  EXPECT_EQ(c->count("chat"), 0);
  EXPECT_FALSE(c->closed()) << "the call goes on";
  unlock();
  say(c, {{"type", "chat"}, {"text", "is anyone there?"}});
  EXPECT_EQ(s->last("chat")["text"], "is anyone there?");
  EXPECT_EQ(list_chat(db, appt.id, 0, 10).size(), 1u);
}

TEST_F(HubDatabaseFault, ALeaveTheDatabaseRefusedIsWrittenLater) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  ASSERT_EQ(state(appt.id), S::in_call);
  lock();
  s->forget();
  EXPECT_NO_THROW(hub->on_close(c));
  EXPECT_EQ(ids(s->last("state")), std::vector<std::string>{s->label()}) << s->dump();
  EXPECT_EQ(room()->of("leave").size(), 1u);
  EXPECT_FALSE(rows(appt.id)[0].left_at);  // not yet written
  hub->retry_unrecorded_leaves();          // still locked: kept for later
  EXPECT_FALSE(rows(appt.id)[0].left_at);
  unlock();
  hub->retry_unrecorded_leaves();
  auto r = rows(appt.id);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].left_at);
  EXPECT_EQ(r[0].left_reason, "disconnected");
  EXPECT_FALSE(r[1].left_at);
  EXPECT_EQ(state(appt.id), S::waiting);
  hub->retry_unrecorded_leaves();  // nothing left: the row is not written twice
  AuditQuery q;
  q.object_id = std::to_string(appt.id);
  q.action = "participant.left";
  EXPECT_EQ(audit_list(db, q).size(), 1u);
}

TEST_F(HubDatabaseFault, TheLastLeaveTheDatabaseRefusedClosesTheCallAnyway) {
  auto c = join(customer_token);
  lock();
  EXPECT_NO_THROW(hub->on_close(c));
  EXPECT_EQ(hub->calls(), 0u);
  EXPECT_TRUE(room()->closed());
  unlock();
  hub->retry_unrecorded_leaves();
  EXPECT_TRUE(rows(appt.id)[0].left_at);
}

// Once a leave the database refused is written, those still in the call are told the state it
// left the appointment in (not only the watchers).
TEST_F(HubDatabaseFault, TheRemainingParticipantLearnsTheStateOnceTheLeaveIsWritten) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  lock();
  hub->on_close(c);
  unlock();
  hub->retry_unrecorded_leaves();
  ASSERT_EQ(state(appt.id), S::waiting);
  EXPECT_EQ(s->last("state")["appointment_state"], std::string("waiting")) << s->dump();
}

TEST_F(HubDatabaseFault, AHelloTheDatabaseRefusedIsAnErrorNotACrash) {
  const auto alices_session = session(alice);
  lock();
  auto p = open();
  EXPECT_NO_THROW(hello_token(p, customer_token.token));
  EXPECT_TRUE(got_error(*p, "internal", false));
  EXPECT_TRUE(p->closed());
  EXPECT_EQ(p->count("welcome"), 0);
  EXPECT_EQ(hub->calls(), 0u);
  EXPECT_TRUE(rooms.opened.empty());
  auto q = open(alices_session);  // reading the session works; the join's write does not
  say(q, {{"type", "hello"}, {"version", protocol_version}, {"appointment_id", appt.id}});
  EXPECT_TRUE(got_error(*q, "internal", false)) << q->dump();
  EXPECT_TRUE(q->closed());
  EXPECT_EQ(hub->calls(), 0u);
  unlock();
  EXPECT_TRUE(rows(appt.id).empty());
  EXPECT_EQ(state(appt.id), S::scheduled);
  // Once the database takes writes again, the same link joins.
  auto back = join(customer_token);
  EXPECT_EQ(hub->calls(), 1u);
}

TEST_F(HubDatabaseFault, AJoinTheDatabaseRefusedLeavesTheCallAsItWas) {
  auto s = join_console(alice, appt.id);
  lock();
  s->forget();
  auto p = open();
  hello_token(p, customer_token.token);
  EXPECT_TRUE(got_error(*p, "internal", false));
  EXPECT_EQ(s->count("state"), 0) << "a member that never joined: " << s->dump();
  unlock();
  EXPECT_EQ(rows(appt.id).size(), 1u);
  EXPECT_EQ(hub->calls(), 1u);
  // The next join is the second member, not the third.
  auto c = join(customer_token);
  EXPECT_EQ(ids(c->last("state")).size(), 2u) << c->dump();
  EXPECT_EQ(state(appt.id), S::in_call);
}

// ---- chat ----

class HubChat : public HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    // The event loop's turn ends at once unless a test holds the deferred tasks.
    add_chat_handler(*hub, db, [this](std::function<void()> task) {
      if (hold) deferred.push_back(std::move(task));
      else task();
    });
    c = join(customer_token);
    s = join_console(alice, appt.id);
  }
  void chat(const PeerPtr& p, const std::string& text) { say(p, {{"type", "chat"}, {"text", text}}); }
  std::vector<ChatMessage> stored() { return list_chat(db, appt.id, 0, 1000); }
  void end_turn() {
    for (auto& task : std::exchange(deferred, {})) task();
  }
  PeerPtr c, s;
  bool hold = false;
  std::vector<std::function<void()>> deferred;
};

TEST_F(HubChat, MessagesOfOneTurnAreStoredTogetherThenSentInOrder) {
  hold = true;
  chat(c, "one");
  chat(s, "two");
  chat(c, "three");
  EXPECT_EQ(deferred.size(), 1u) << "one store for the turn";
  EXPECT_TRUE(stored().empty());
  EXPECT_EQ(s->count("chat"), 0) << "nothing is sent before it is stored";
  end_turn();
  const auto kept = stored();
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[1].sender_name, "Alice");
  for (const auto& p : {c, s}) {
    std::vector<std::string> texts;
    for (const auto& m : p->sent)
      if (m["type"] == "chat") texts.push_back(m["text"]);
    EXPECT_EQ(texts, (std::vector<std::string>{"one", "two", "three"})) << p->dump();
  }
  EXPECT_EQ(c->last("chat")["id"], kept[2].id);
  EXPECT_EQ(audit_list(db, {"appointment", std::to_string(appt.id), "message.sent", 0, 100}).size(), 3u);
  chat(c, "four");  // the next turn has a store of its own
  EXPECT_EQ(deferred.size(), 1u);
}

TEST_F(HubChat, AMessageReachesEveryoneAndIsStored) {
  chat(c, "  Hello <b>there</b>\n");
  for (const auto& p : {c, s}) {
    const auto m = p->last("chat");
    ASSERT_FALSE(m.is_null()) << p->dump();
    EXPECT_EQ(m["text"], "Hello <b>there</b>");  // trimmed, kept as text: the pages escape it
    EXPECT_EQ(m["participant"], c->label());
    EXPECT_EQ(m["role"], "customer");
    EXPECT_EQ(m["name"], "Ada");
  }
  chat(s, "Hi Ada");
  EXPECT_EQ(c->last("chat")["name"], "Alice");  // the console user's display name
  EXPECT_EQ(c->last("chat")["role"], "specialist");
  const auto kept = stored();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].text, "Hello <b>there</b>");
  EXPECT_EQ(kept[1].sender_name, "Alice");
  EXPECT_LT(kept[0].id, kept[1].id);
}

TEST_F(HubChat, WhoJoinsLaterGetsTheHistoryInOrder) {
  chat(c, "one");
  chat(s, "two");
  chat(c, "three");
  auto late = join(token(appt, JoinRole::customer));  // another link: no takeover
  const auto h = late->last("chat_history");
  ASSERT_FALSE(h.is_null()) << late->dump();
  std::vector<std::string> texts;
  for (const auto& m : h["messages"]) texts.push_back(m["text"]);
  EXPECT_EQ(texts, (std::vector<std::string>{"one", "two", "three"}));
  // Sent after the welcome, to the newcomer only.
  ASSERT_GE(late->sent.size(), 2u);
  EXPECT_EQ(late->sent[0]["type"], "welcome");
  EXPECT_EQ(late->sent[1]["type"], "chat_history");
  EXPECT_EQ(c->count("chat_history"), 1) << "its own, from when it joined";
}

TEST_F(HubChat, EmptyAndOverlongMessagesAreRefusedAndNotStored) {
  chat(c, " \n\t ");
  EXPECT_TRUE(got_error(*c, "malformed", false));
  chat(c, std::string(max_chat_characters + 1, 'x'));
  EXPECT_TRUE(got_error(*c, "too_large", false));
  chat(c, std::string(8001, 'x'));  // over the table's byte limit: refused before the handler
  EXPECT_TRUE(got_error(*c, "too_large", false));
  EXPECT_EQ(s->count("chat"), 0) << s->dump();
  EXPECT_TRUE(stored().empty());
  // 2000 characters of two bytes each are 4000 bytes, and fine.
  std::string accents;
  for (std::size_t i = 0; i < max_chat_characters; ++i) accents += "\xc3\xa9";
  chat(c, accents);
  EXPECT_EQ(stored().size(), 1u);
}

TEST_F(HubChat, AFloodIsRefusedWithoutBeingStored) {
  for (int i = 0; i < 30; ++i) chat(c, "spam " + std::to_string(i));
  EXPECT_TRUE(got_error(*c, "rate_limited", false));
  EXPECT_FALSE(c->closed());
  const auto kept = stored().size();
  EXPECT_GE(kept, 10u);
  EXPECT_LT(kept, 30u);
  EXPECT_EQ(static_cast<std::size_t>(s->count("chat")), kept);
  chat(s, "the other side is not limited by it");
  EXPECT_EQ(stored().back().text, "the other side is not limited by it");
}

TEST_F(HubChat, WatchersCannotChat) {
  auto w = watcher(alice);
  chat(w, "hello?");
  EXPECT_TRUE(got_error(*w, "not_in_call", false));
  EXPECT_TRUE(stored().empty());
}

TEST_F(HubChat, TypingReachesTheOthersOnlyAndIsNotStored) {
  c->forget();
  s->forget();
  say(c, {{"type", "typing"}, {"active", true}});
  const auto t = s->last("typing");
  ASSERT_FALSE(t.is_null()) << s->dump();
  EXPECT_EQ(t["participant"], c->label());
  EXPECT_EQ(t["name"], "Ada");
  EXPECT_EQ(t["active"], true);
  EXPECT_EQ(c->count("typing"), 0) << "the sender hears its own typing: " << c->dump();
  say(c, {{"type", "typing"}, {"active", false}});
  EXPECT_EQ(s->last("typing")["active"], false);
  EXPECT_EQ(s->count("typing"), 2);
  EXPECT_EQ(c->count("typing"), 0);
  EXPECT_TRUE(stored().empty());
  say(c, {{"type", "typing"}});  // active is required
  EXPECT_TRUE(got_error(*c, "malformed", false));
}

TEST_F(HubChat, ATypingFloodIsDroppedQuietlyButAStopAlwaysFollowsAStart) {
  s->forget();
  for (int i = 0; i < 50; ++i) say(c, {{"type", "typing"}, {"active", true}});
  const auto started = s->count("typing");
  EXPECT_GE(started, 1);
  EXPECT_LE(started, 6) << "a flood of typing notices went through";
  EXPECT_EQ(c->count("error"), 0) << c->dump();
  EXPECT_FALSE(c->closed());
  say(c, {{"type", "typing"}, {"active", false}});
  EXPECT_EQ(s->count("typing"), started + 1);
  EXPECT_EQ(s->last("typing")["active"], false);
  say(c, {{"type", "typing"}, {"active", false}});  // nothing to stop
  EXPECT_EQ(s->count("typing"), started + 1);
}

TEST_F(HubChat, AChatMessageEndsTheTyping) {
  say(s, {{"type", "typing"}, {"active", true}});
  ASSERT_EQ(c->last("typing")["active"], true) << c->dump();
  chat(s, "done typing");
  c->forget();
  say(s, {{"type", "typing"}, {"active", false}});  // the page's stop after sending: already implied
  EXPECT_EQ(c->count("typing"), 0) << c->dump();
}

TEST(Chat, TextIsTrimmedAndCountedInCharacters) {
  EXPECT_EQ(checked_chat_text("\n hi \t"), "hi");
  auto code = [](const std::string& text) {
    try {
      checked_chat_text(text);
    } catch (const DomainError& e) {
      return e.code();
    }
    return std::string();
  };
  EXPECT_EQ(code(""), "empty_message");
  EXPECT_EQ(code("\xff\xfe"), "not_utf8");
  EXPECT_EQ(code("\xc3"), "not_utf8");  // cut in the middle of a character
  EXPECT_EQ(code(std::string(max_chat_characters, 'a')), "");
  EXPECT_EQ(code(std::string(max_chat_characters + 1, 'a')), "message_too_long");
}

// ---- the waiting room ----

class HubWaitingRoom : public HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    waiting = appointment(alice, -60, false);
    waiting_token = token(waiting, JoinRole::customer);
    hub->on_join([this](Context& c) { joined_hooks.push_back(c.participant()); });
  }
  std::shared_ptr<assist::testing::RoomRecord> waiting_room() { return rooms.last(waiting.id); }
  Appointment waiting;
  IssuedToken waiting_token;
  std::vector<std::string> joined_hooks;
};

TEST_F(HubWaitingRoom, ACustomerBeforeAdmissionWaitsWithoutMediaThenComesInWhenStaffJoins) {
  auto c = join(waiting_token);
  EXPECT_EQ(c->last("welcome")["admitted"], false);
  EXPECT_EQ(c->last("waiting")["position"], 1) << c->dump();
  EXPECT_FALSE(c->last("waiting").contains("estimated_wait_seconds")) << "no history, no estimate";
  EXPECT_TRUE(c->last("state").is_null()) << "no call state in the waiting room; " << c->dump();
  ASSERT_TRUE(waiting_room());
  EXPECT_EQ(waiting_room()->count("join"), 0) << "media starts only after admission";
  EXPECT_TRUE(joined_hooks.empty()) << "no chat history before admission";
  say(c, {{"type", "offer"}, {"sdp", sdp()}});
  EXPECT_TRUE(got_error(*c, "not_admitted", false));
  EXPECT_EQ(waiting_room()->count("offer"), 0);
  EXPECT_EQ(find_appointment(db, waiting.id)->state, S::waiting);

  auto s = join_console(alice, waiting.id);
  EXPECT_EQ(s->last("welcome")["admitted"], true);
  EXPECT_EQ(c->count("admitted"), 1) << c->dump();
  EXPECT_EQ(waiting_room()->count("join"), 2);
  EXPECT_EQ(joined_hooks.size(), 2u);
  EXPECT_EQ(ids(c->last("state")).size(), 2u) << c->dump();
  EXPECT_TRUE(find_appointment(db, waiting.id)->admitted_at);
  EXPECT_EQ(find_appointment(db, waiting.id)->state, S::in_call);
}

TEST_F(HubWaitingRoom, AdmissionOverRestLetsTheCustomerInAndAReloadStaysIn) {
  auto c = join(waiting_token);
  admit(db, waiting, principal_for(db, alice), now_seconds());
  hub->appointment_changed(waiting.id);
  EXPECT_EQ(c->count("admitted"), 1) << c->dump();
  EXPECT_EQ(waiting_room()->count("join"), 1);
  hub->on_close(c);
  auto back = join(waiting_token);
  EXPECT_EQ(back->last("welcome")["admitted"], true) << "admitted once is admitted";
  EXPECT_EQ(back->count("waiting"), 0);
}

TEST_F(HubWaitingRoom, PositionsFollowTheLineLive) {
  auto later = appointment(alice, -30, false);
  auto first = join(waiting_token);
  auto second = join(token(later, JoinRole::customer));
  EXPECT_EQ(first->last("waiting")["position"], 1);
  EXPECT_EQ(second->last("waiting")["position"], 2);
  const auto told = second->count("waiting");
  // Bob's customers are in another line: they change nothing here.
  auto other = join(token(appointment(bob, -60, false), JoinRole::customer));
  EXPECT_EQ(other->last("waiting")["position"], 1);
  EXPECT_EQ(second->count("waiting"), told) << "told only when the place changes";
  hub->on_close(first);
  EXPECT_EQ(second->last("waiting")["position"], 1) << second->dump();
}

TEST_F(HubWaitingRoom, ADeclinedCustomerIsToldWhyAndLeaves) {
  auto c = join(waiting_token);
  auto w = watcher(alice);
  decline(db, waiting, "Please call our hotline instead", principal_for(db, alice));
  hub->appointment_changed(waiting.id);
  const auto ended = c->last("ended");
  EXPECT_EQ(ended["reason"], "declined") << c->dump();
  EXPECT_EQ(ended["message"], "Please call our hotline instead");
  EXPECT_TRUE(c->closed());
  EXPECT_EQ(hub->calls(), 0u);
  EXPECT_EQ(w->last("appointment")["state"], "cancelled");
  EXPECT_THROW(decline(db, appt, "late", principal_for(db, alice)), DomainError) << "appt was admitted";
}

TEST_F(HubWaitingRoom, WatchersSeeTheCustomerWaiting) {
  auto w = watcher(alice);
  auto c = join(waiting_token);
  const auto m = w->last("appointment");
  EXPECT_EQ(m["id"], waiting.id);
  EXPECT_EQ(m["waiting"], true);
  EXPECT_EQ(m["participants"], 1);
}

// ---- recording ----

class HubRecording : public HubTest {
 protected:
  void start(const std::string& mode, const std::string& consent = "notify") {
    config = config_from("storage:\n  data_dir: /srv/assist\nrecording:\n  mode: " + mode + "\n  consent: " +
                         consent + "\n");
    add_recording_handler(*hub, db, [this] { return config; });
  }
  void record(const PeerPtr& p, bool on) { say(p, {{"type", "recording"}, {"active", on}}); }
  std::vector<std::string> record_calls() {
    std::vector<std::string> out;
    for (const auto& c : room()->of("record")) out.push_back(c.text);
    return out;
  }
  const std::string dir = "/srv/assist/recordings/";
};

TEST_F(HubRecording, TheSpecialistStartsAndStopsItAndEveryoneIsTold) {
  start("on_demand");
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  EXPECT_EQ(c->count("recording"), 0) << "nobody records before it is asked";
  record(s, true);
  EXPECT_EQ(record_calls(), std::vector<std::string>{"on " + dir + std::to_string(appt.id)});
  for (const auto& p : {c, s}) {
    EXPECT_EQ(p->last("recording")["active"], true) << p->dump();
    EXPECT_EQ(p->last("recording")["by"], alice.display_name) << p->dump();
  }
  record(s, true);  // asked twice: nothing new
  EXPECT_EQ(record_calls().size(), 1u);
  record(s, false);
  EXPECT_EQ(record_calls().back(), "off");
  EXPECT_EQ(c->last("recording")["active"], false) << c->dump();
}

TEST_F(HubRecording, WhoJoinsWhileItRecordsIsToldAtOnce) {
  start("on_demand");
  auto s = join_console(alice, appt.id);
  record(s, true);
  auto c = join(customer_token);
  EXPECT_EQ(c->last("recording")["active"], true) << c->dump();
}

TEST_F(HubRecording, TheCustomerCannotStartIt) {
  start("on_demand");
  auto c = join(customer_token);
  record(c, true);
  EXPECT_TRUE(got_error(*c, "forbidden", false));
  EXPECT_TRUE(record_calls().empty());
}

TEST_F(HubRecording, OffRefusesAndAlwaysRecordsFromTheFirstJoin) {
  start("off");
  auto s = join_console(alice, appt.id);
  record(s, true);
  EXPECT_TRUE(got_error(*s, "recording_disabled", false));
  EXPECT_TRUE(record_calls().empty());
  s->close("test");
  hub->on_close(s);

  config = config_from("storage:\n  data_dir: /srv/assist\nrecording:\n  mode: always\n");
  auto c = join(customer_token);
  EXPECT_EQ(record_calls(), std::vector<std::string>{"on " + dir + std::to_string(appt.id)});
  EXPECT_EQ(c->last("recording")["active"], true) << c->dump();
  EXPECT_FALSE(c->last("recording").contains("by")) << "the server started it";
  auto s2 = join_console(alice, appt.id);
  record(s2, false);
  EXPECT_TRUE(got_error(*s2, "recording_required", false));
}

TEST_F(HubRecording, WhereConsentIsRequiredNothingRecordsUntilTheCustomerAccepts) {
  start("on_demand", "require");
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  record(s, true);
  EXPECT_TRUE(record_calls().empty()) << "recorded before the customer agreed";
  EXPECT_EQ(c->last("recording")["consent"], "asked") << c->dump();
  EXPECT_EQ(c->last("recording")["by"], alice.display_name) << c->dump();
  EXPECT_EQ(c->last("recording")["active"], false);

  say(s, {{"type", "recording_consent"}, {"accept", true}});
  EXPECT_TRUE(got_error(*s, "forbidden", false)) << "staff cannot answer for the customer";
  say(c, {{"type", "recording_consent"}, {"accept", false}});
  EXPECT_TRUE(record_calls().empty());
  EXPECT_EQ(s->last("recording")["consent"], "refused") << s->dump();
  EXPECT_EQ(audited("recording.consent_refused"), 1u);
  say(c, {{"type", "recording_consent"}, {"accept", true}});
  EXPECT_TRUE(got_error(*c, "not_asked", false)) << "an answer nobody asked for";

  record(s, true);  // asked again, and this time accepted
  say(c, {{"type", "recording_consent"}, {"accept", true}});
  EXPECT_EQ(record_calls(), std::vector<std::string>{"on " + dir + std::to_string(appt.id)});
  EXPECT_EQ(c->last("recording")["active"], true) << c->dump();
  EXPECT_FALSE(c->last("recording").contains("consent")) << c->dump();
  EXPECT_EQ(audited("recording.consent_given"), 1u);
  record(s, false);
  record(s, true);  // given once for this call: not asked again
  EXPECT_EQ(record_calls().back(), "on " + dir + std::to_string(appt.id));
}

TEST_F(HubRecording, AQuestionWithdrawnBeforeTheAnswerRecordsNothing) {
  start("on_demand", "require");
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  record(s, true);
  record(s, false);
  EXPECT_FALSE(c->last("recording").contains("consent")) << c->dump();
  say(c, {{"type", "recording_consent"}, {"accept", true}});
  EXPECT_TRUE(got_error(*c, "not_asked", false));
  EXPECT_TRUE(record_calls().empty());
}

TEST_F(HubRecording, AQueuesOwnModeTakesThePlaceOfTheServers) {
  start("on_demand");
  const Principal admin{Role::admin, std::nullopt, "system", false, {}};
  QueueFields fields;
  fields.name = "Roadside help";
  fields.recording_mode = "off";
  Queue queue;
  {
    Transaction tx(db);
    queue = create_queue(db, "roadside", fields, admin);
    tx.commit();
  }
  db.prepare("UPDATE appointments SET queue_id = ? WHERE id = ?").bind(1, queue.id).bind(2, appt.id).run();
  auto s = join_console(alice, appt.id);
  EXPECT_EQ(s->last("recording")["mode"], "off") << s->dump();
  record(s, true);
  EXPECT_TRUE(got_error(*s, "recording_disabled", false));
  EXPECT_TRUE(record_calls().empty());

  QueueFields always;
  always.recording_mode = "always";
  {
    Transaction tx(db);
    update_queue(db, queue, always, admin);
    tx.commit();
  }
  auto c = join(customer_token);
  EXPECT_EQ(record_calls(), std::vector<std::string>{"on " + dir + std::to_string(appt.id)})
      << "the queue records every call from a join";
  EXPECT_EQ(c->last("recording")["active"], true) << c->dump();
}

TEST_F(HubRecording, EachFileTheRoomReportsIsARowFromStartToEnd) {
  start("on_demand");
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  record(s, true);
  const auto file = dir + std::to_string(appt.id) + "/" + c->label() + "-1.webm";
  room()->events.recording_started(c->label(), file);
  auto rows = list_recordings(db, appt.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, RecordingState::recording);
  EXPECT_EQ(rows[0].file, std::to_string(appt.id) + "/" + c->label() + "-1.webm");
  EXPECT_EQ(rows[0].role, CallRole::customer);
  EXPECT_EQ(rows[0].name, "Ada");
  EXPECT_EQ(rows[0].media_type, "video/webm");

  media::RecordingResult done;
  done.complete = true;
  done.bytes = 12345;
  done.sha256 = std::string(64, 'a');
  done.duration_ms = 20000;
  room()->events.recording_finished(c->label(), file, done);
  rows = list_recordings(db, appt.id);
  EXPECT_EQ(rows[0].state, RecordingState::complete);
  EXPECT_EQ(rows[0].size, 12345);
  EXPECT_EQ(rows[0].duration_ms, 20000);
  EXPECT_EQ(rows[0].sha256, done.sha256);
  EXPECT_EQ(audited("recording.started"), 1u);
  EXPECT_EQ(audited("recording.stopped"), 1u);
  EXPECT_EQ(c->last("recording")["active"], true) << "a file closing in order changes nothing in the call";
}

TEST_F(HubRecording, AFileThatFailedStopsTheRecordingForEveryone) {
  start("on_demand");
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  record(s, true);
  const auto file = dir + std::to_string(appt.id) + "/" + s->label() + "-2.webm";
  room()->events.recording_started(s->label(), file);
  media::RecordingResult failed;
  failed.error = "No space left on device";
  room()->events.recording_finished(s->label(), file, failed);
  const auto rows = list_recordings(db, appt.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, RecordingState::failed);
  EXPECT_EQ(rows[0].error, "No space left on device");
  for (const auto& p : {c, s}) {
    EXPECT_EQ(p->last("recording")["active"], false) << p->dump();
    EXPECT_EQ(p->last("recording")["error"], "recording_failed") << p->dump();
  }
  EXPECT_EQ(audited("recording.failed"), 1u);
}

class HubSnapshot : public HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    config = config_from("storage:\n  data_dir: " + t.dir.file("data") + "\n");
    announce = add_snapshot_handler(*hub, db, [this] { return config; },
                                    [this](std::chrono::milliseconds delay, std::function<void()> task) {
                                      EXPECT_EQ(delay, device_snapshot_timeout);
                                      later.push_back(std::move(task));
                                    }).stored;
  }
  void ask(const PeerPtr& p, const std::string& source = "") {
    nlohmann::json m{{"type", "snapshot"}};
    if (!source.empty()) m["source"] = source;
    say(p, m);
  }
  std::vector<assist::testing::RoomCall> stills() { return room()->of("take_still"); }
  media::StillResult picture(int width, int height) { return {"", testing::tiny_jpeg(width, height), width, height}; }

  SnapshotAnnouncer announce;
  std::vector<std::function<void()>> later;  // what the handler scheduled
};

TEST_F(HubSnapshot, TheCustomersPageIsAskedAndWhatItUploadsIsAnnouncedToEveryone) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  ask(s);
  const auto request = c->last("snapshot_request")["request"].get<std::string>();
  EXPECT_FALSE(request.empty()) << c->dump();
  EXPECT_EQ(s->count("snapshot_request"), 0) << "only the customer is asked";
  const auto jpeg = testing::tiny_jpeg(1920, 1080);
  const NewSnapshot upload{appt.id, CallRole::customer, "Ada", SnapshotSource::device, "link:customer", jpeg,
                           now_seconds(), std::nullopt};
  const auto stored = store_snapshot(db, BlobStore(config->snapshots_dir()), upload);
  announce(stored.id, request);
  for (const auto& p : {c, s}) {
    EXPECT_EQ(p->last("snapshot")["id"], stored.id) << p->dump();
    EXPECT_EQ(p->last("snapshot")["source"], "device");
    EXPECT_EQ(p->last("snapshot")["width"], 1920);
    EXPECT_EQ(p->last("snapshot")["request"], request);
  }
  for (auto& task : later) task();  // the page answered in time: the server takes nothing
  EXPECT_TRUE(stills().empty());
}

TEST_F(HubSnapshot, WhenThePageCannotTheServerTakesAFrameOfTheCustomersVideo) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  ask(s);
  const auto request = c->last("snapshot_request")["request"].get<std::string>();
  say(c, {{"type", "snapshot_unavailable"}, {"request", request}, {"reason", "no ImageCapture"}});
  ASSERT_EQ(stills().size(), 1u);
  EXPECT_EQ(stills()[0].participant, c->label());
  EXPECT_EQ(stills()[0].text, request);
  room()->events.still_taken(c->label(), request, picture(640, 480));
  const auto rows = list_snapshots(db, appt.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].source, SnapshotSource::server);
  EXPECT_EQ(rows[0].width, 640);
  EXPECT_EQ(rows[0].name, "Ada");
  EXPECT_TRUE(BlobStore(config->snapshots_dir()).read(rows[0].sha256)) << "the JPEG is kept";
  for (const auto& p : {c, s}) EXPECT_EQ(p->last("snapshot")["source"], "server") << p->dump();
  AuditQuery q;
  q.action = "snapshot.taken";
  const auto events = audit_list(db, q);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "user:alice") << "the specialist who asked took it";
}

TEST_F(HubSnapshot, APageThatNeverAnswersIsReplacedByTheServerAfterTheTimeout) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  ask(s);
  EXPECT_TRUE(stills().empty());
  ASSERT_EQ(later.size(), 1u);
  later[0]();
  EXPECT_EQ(stills().size(), 1u);
  const auto request = c->last("snapshot_request")["request"].get<std::string>();
  say(c, {{"type", "snapshot_unavailable"}, {"request", request}});  // the page, late
  EXPECT_EQ(stills().size(), 1u) << "one photo asked, one taken";
}

TEST_F(HubSnapshot, SourceServerSkipsThePage) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  ask(s, "server");
  EXPECT_EQ(c->count("snapshot_request"), 0);
  EXPECT_EQ(stills().size(), 1u);
  ask(s, "gallery");
  EXPECT_TRUE(got_error(*s, "invalid_message", false));
}

TEST_F(HubSnapshot, OnlyStaffAskAndOnlyWhenTheCustomerIsThere) {
  auto s = join_console(alice, appt.id);
  ask(s);
  EXPECT_TRUE(got_error(*s, "customer_absent", false));
  auto c = join(customer_token);
  ask(c);
  EXPECT_TRUE(got_error(*c, "forbidden", false));
  say(c, {{"type", "snapshot_unavailable"}, {"request", "s99"}});
  EXPECT_TRUE(got_error(*c, "not_asked", false));
  EXPECT_TRUE(stills().empty());
}

TEST_F(HubSnapshot, ACameraTheCustomerTurnedOffIsNotPhotographed) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  ask(s);
  const auto request = c->last("snapshot_request")["request"].get<std::string>();
  say(c, {{"type", "snapshot_unavailable"}, {"request", request}, {"reason", "camera_off"}});
  EXPECT_EQ(s->last("snapshot")["error"], "camera_off") << s->dump();
  for (auto& task : later) task();
  EXPECT_TRUE(stills().empty()) << "not from the video either";
}

TEST_F(HubSnapshot, AFailureOrACustomerWhoLeftIsToldOnlyToWhoAsked) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  ask(s, "server");
  const auto request = stills().at(0).text;
  room()->events.still_taken(c->label(), request, {"no picture arrived from the camera", "", 0, 0});
  EXPECT_EQ(s->last("snapshot")["error"], "snapshot_failed") << s->dump();
  EXPECT_EQ(c->count("snapshot"), 0) << c->dump();
  EXPECT_TRUE(list_snapshots(db, appt.id).empty());

  ask(s);
  hub->on_close(c);
  EXPECT_EQ(s->last("snapshot")["error"], "customer_left") << s->dump();
  for (auto& task : later) task();
  EXPECT_EQ(stills().size(), 1u) << "nothing is taken of a customer who left";
}

}  // namespace
}  // namespace assist::signalling
