// Remote guidance through the hub: the customer's location, staff's pointer, the shared drawing
// and its freeze-frame, and staff steering the customer's camera. Fake peers check every message
// the hub sends against the message table.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "domain/locations.h"
#include "domain/snapshots.h"
#include "hub_fixture.h"
#include "image_bytes.h"
#include "signalling/board_handler.h"
#include "signalling/camera_handler.h"
#include "signalling/location_handler.h"
#include "signalling/snapshot_handler.h"

namespace assist::signalling {
namespace {

using namespace hub_testing;
using nlohmann::json;

using HubGuidance = HubTest;

// ---- location ----

class HubLocation : public HubGuidance {
 protected:
  void SetUp() override {
    HubGuidance::SetUp();
    config = config_from("locations:\n  map_url: https://maps.example.org/?q={lat},{lon}\n");
    add_location_handler(*hub, db, [this] { return config; });
  }
  std::string ask(const PeerPtr& staff, const PeerPtr& customer, const std::string& reason = "") {
    json m{{"type", "location_request"}};
    if (!reason.empty()) m["reason"] = reason;
    say(staff, m);
    return customer->last("location_request")["request"].get<std::string>();
  }
};

TEST_F(HubLocation, ASharedPositionIsStoredAndShownWithTheOperatorsMapLink) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  const auto request = ask(s, c, "to send the tow truck");
  EXPECT_EQ(c->last("location_request")["by"], "Alice") << c->dump();
  EXPECT_EQ(c->last("location_request")["reason"], "to send the tow truck");
  EXPECT_EQ(s->count("location_request"), 0) << "only the customer is asked";
  say(c, {{"type", "location"}, {"request", request}, {"latitude", 48.858370}, {"longitude", 2.294481},
          {"accuracy", 12.5}, {"captured_at", 1796650000123}});
  const auto rows = list_locations(db, appt.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, LocationStatus::shared);
  ASSERT_TRUE(rows[0].position);
  EXPECT_DOUBLE_EQ(rows[0].position->latitude, 48.858370);
  EXPECT_DOUBLE_EQ(rows[0].position->longitude, 2.294481);
  EXPECT_DOUBLE_EQ(rows[0].position->accuracy, 12.5);
  EXPECT_EQ(rows[0].position->captured_at_ms, 1796650000123);
  EXPECT_EQ(rows[0].requested_by, "user:alice");
  EXPECT_EQ(rows[0].name, "Ada");
  const auto m = s->last("location");
  EXPECT_EQ(m["status"], "shared") << s->dump();
  EXPECT_EQ(m["request"], request);
  EXPECT_EQ(m["map_url"], "https://maps.example.org/?q=48.858370,2.294481");
  EXPECT_EQ(m["requested_by"], "user:alice");
  const auto told = c->last("location");
  EXPECT_EQ(told["status"], "shared") << c->dump();
  EXPECT_EQ(told["id"], rows[0].id);
  EXPECT_FALSE(told.contains("requested_by") || told.contains("latitude")) << "the customer learns it was kept, no more";
  EXPECT_EQ(audited("location.shared"), 1u);
  say(c, {{"type", "location"}, {"request", request}, {"latitude", 1}, {"longitude", 1}, {"accuracy", 1}});
  EXPECT_TRUE(got_error(*c, "not_asked", false)) << "one answer per question";
  EXPECT_EQ(list_locations(db, appt.id).size(), 1u);
}

TEST_F(HubLocation, ARefusalIsStoredAsSuchWithoutAPosition) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  const auto request = ask(s, c);
  EXPECT_FALSE(c->last("location_request").contains("reason"));
  say(c, {{"type", "location"}, {"request", request}, {"error", "denied"}});
  const auto rows = list_locations(db, appt.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, LocationStatus::denied);
  EXPECT_FALSE(rows[0].position);
  EXPECT_EQ(s->last("location")["status"], "denied");
  EXPECT_TRUE(s->last("location")["map_url"].is_null());
  EXPECT_EQ(audited("location.refused"), 1u);
}

TEST_F(HubLocation, OnlyStaffAskOnlyTheCustomerAnswersAndNonsenseIsRefused) {
  auto s = join_console(alice, appt.id);
  say(s, {{"type", "location_request"}});
  EXPECT_TRUE(got_error(*s, "customer_absent", false));
  auto c = join(customer_token);
  say(c, {{"type", "location_request"}});
  EXPECT_TRUE(got_error(*c, "forbidden", false));
  const auto request = ask(s, c);
  say(s, {{"type", "location"}, {"request", request}, {"error", "denied"}});
  EXPECT_TRUE(got_error(*s, "not_asked", false)) << "staff cannot answer for the customer";
  say(c, {{"type", "location"}, {"request", request}, {"latitude", 200}, {"longitude", 0}, {"accuracy", 5}});
  EXPECT_TRUE(got_error(*c, "malformed", false)) << "latitude 200";
  say(c, {{"type", "location"}, {"request", request}, {"latitude", 45}});
  EXPECT_TRUE(got_error(*c, "malformed", false)) << "no longitude";
  say(c, {{"type", "location"}, {"request", request}, {"error", "shared"}});
  EXPECT_TRUE(got_error(*c, "malformed", false));
  say(c, {{"type", "location"}, {"request", request}, {"error", "bored"}});
  EXPECT_TRUE(got_error(*c, "malformed", false));
  EXPECT_TRUE(list_locations(db, appt.id).empty()) << "nothing stored from a bad answer";
  say(c, {{"type", "location"}, {"request", request}, {"error", "timeout"}});
  EXPECT_EQ(list_locations(db, appt.id).at(0).status, LocationStatus::timeout) << "the question still stands";
}

TEST_F(HubLocation, ACustomerWhoLeavesUnansweredIsToldOnlyToWhoAsked) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  ask(s, c);
  say(c, {{"type", "leave"}});
  EXPECT_EQ(s->last("location")["error"], "customer_left") << s->dump();
  EXPECT_TRUE(list_locations(db, appt.id).empty());
}

// ---- pointer and drawing ----

class HubBoard : public HubGuidance {
 protected:
  void SetUp() override {
    HubGuidance::SetUp();
    config = config_from("storage:\n  data_dir: " + t.dir.file("data") + "\n");
    snapshots = add_snapshot_handler(*hub, db, [this] { return config; },
                                     [this](std::chrono::milliseconds, std::function<void()> task) {
                                       later.push_back(std::move(task));
                                     });
    add_board_handler(*hub, snapshots.take_still);
  }
  static json circle(double x0, double y0, double x1, double y1, const std::string& color = "#ff0000") {
    return {{"tool", "circle"}, {"color", color}, {"points", {{x0, y0}, {x1, y1}}}};
  }
  void draw(const PeerPtr& p, const json& stroke) { say(p, {{"type", "annotate"}, {"action", "stroke"}, {"stroke", stroke}}); }
  // The customer's page uploads the still it was asked for.
  Snapshot upload(const PeerPtr& customer, int width, int height) {
    const auto request = customer->last("snapshot_request")["request"].get<std::string>();
    const auto jpeg = testing::tiny_jpeg(width, height);
    const NewSnapshot in{appt.id, CallRole::customer, "Ada", SnapshotSource::device, "link:customer", jpeg,
                         now_seconds(), std::nullopt};
    const auto stored = store_snapshot(db, BlobStore(config->snapshots_dir()), in);
    snapshots.stored(stored.id, request);
    return stored;
  }

  SnapshotService snapshots;
  std::vector<std::function<void()>> later;
};

TEST_F(HubBoard, StaffsPointerReachesTheOthersAndItsDisappearanceToo) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  say(s, {{"type", "pointer"}, {"x", 0.25}, {"y", 0.75}});
  auto m = c->last("pointer");
  EXPECT_EQ(m["participant"], s->label()) << c->dump();
  EXPECT_DOUBLE_EQ(m["x"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(m["y"].get<double>(), 0.75);
  EXPECT_EQ(s->count("pointer"), 0) << "not echoed to the sender";
  say(s, {{"type", "pointer"}});
  EXPECT_FALSE(c->last("pointer").contains("x")) << "gone";
  const auto told = c->count("pointer");
  say(s, {{"type", "pointer"}});
  EXPECT_EQ(c->count("pointer"), told) << "a second 'gone' says nothing new";
  say(c, {{"type", "pointer"}, {"x", 0.5}, {"y", 0.5}});
  EXPECT_TRUE(got_error(*c, "forbidden", false));
  say(s, {{"type", "pointer"}, {"x", 0.5}});
  EXPECT_TRUE(got_error(*s, "malformed", false)) << "x without y";
  say(s, {{"type", "pointer"}, {"x", 1.5}, {"y", 0.5}});
  EXPECT_TRUE(got_error(*s, "malformed", false)) << "outside the picture";
}

TEST_F(HubBoard, AFloodOfPointerMovesIsThinnedNotAnsweredAndTheLastGoneStillGoesThrough) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  for (int i = 0; i < 150; ++i) say(s, {{"type", "pointer"}, {"x", i / 150.0}, {"y", 0.5}});
  const auto moves = c->count("pointer");
  EXPECT_GE(moves, 30);
  EXPECT_LT(moves, 150) << "thinned to about 30 a second";
  EXPECT_EQ(s->count("error"), 0) << "dropped silently: " << s->dump();
  say(s, {{"type", "pointer"}});
  EXPECT_FALSE(c->last("pointer").contains("x")) << "the pointer does not stay stuck on screen";
}

TEST_F(HubBoard, StrokesGoToEveryoneWithAnIdAndWhoeverJoinsLaterSeesThem) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  draw(s, circle(0.4, 0.5, 0.5, 0.5));
  for (const auto& p : {c, s}) {
    const auto m = p->last("annotate");
    EXPECT_EQ(m["action"], "stroke") << p->dump();
    EXPECT_EQ(m["stroke"]["tool"], "circle");
    EXPECT_EQ(m["stroke"]["participant"], s->label());
    EXPECT_EQ(m["stroke"]["points"], json({{0.4, 0.5}, {0.5, 0.5}}));
    EXPECT_FALSE(m["stroke"]["id"].get<std::string>().empty());
  }
  draw(c, {{"tool", "text"}, {"color", "#00ff00"}, {"points", {{0.1, 0.1}}}, {"text", "<b>here</b>"}});
  EXPECT_EQ(s->last("annotate")["stroke"]["text"], "<b>here</b>") << "text as typed: the pages show it as text";
  auto late = join_console(root, appt.id);
  ASSERT_FALSE(late->last("board").is_null()) << late->dump();
  const auto board = late->last("board");
  ASSERT_EQ(board["strokes"].size(), 2u);
  EXPECT_EQ(board["strokes"][0]["tool"], "circle");
  EXPECT_EQ(board["strokes"][1]["tool"], "text");
  EXPECT_FALSE(board.contains("freeze"));
  say(c, {{"type", "leave"}});
  auto back = join(customer_token);
  ASSERT_FALSE(back->last("board").is_null()) << "a customer who comes back sees the drawing: " << back->dump();
  EXPECT_EQ(back->last("board")["strokes"].size(), 2u);
}

TEST_F(HubBoard, UndoTakesBackTheSendersLastStrokeOnlyAndClearIsForStaff) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  draw(s, circle(0.1, 0.1, 0.2, 0.2));
  const auto first = s->last("annotate")["stroke"]["id"];
  draw(c, circle(0.3, 0.3, 0.4, 0.4, "#0000ff"));
  draw(s, circle(0.5, 0.5, 0.6, 0.6));
  const auto last = s->last("annotate")["stroke"]["id"];
  say(s, {{"type", "annotate"}, {"action", "undo"}});
  for (const auto& p : {c, s}) {
    EXPECT_EQ(p->last("annotate")["action"], "undo") << p->dump();
    EXPECT_EQ(p->last("annotate")["id"], last);
  }
  say(s, {{"type", "annotate"}, {"action", "undo"}});
  EXPECT_EQ(c->last("annotate")["id"], first) << "the customer's stroke is theirs to undo";
  const auto told = c->count("annotate");
  say(s, {{"type", "annotate"}, {"action", "undo"}});
  EXPECT_EQ(c->count("annotate"), told) << "nothing left of staff's";
  say(c, {{"type", "annotate"}, {"action", "clear"}});
  EXPECT_TRUE(got_error(*c, "forbidden", false));
  say(s, {{"type", "annotate"}, {"action", "clear"}});
  EXPECT_EQ(c->last("annotate")["action"], "clear");
  auto again = join_console(root, appt.id);
  EXPECT_TRUE(again->last("board").is_null()) << "nothing drawn is left: " << again->dump();
}

TEST_F(HubBoard, StrokesThatBreakTheRulesAreRefusedAndNothingReachesTheOthers) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  const std::vector<json> bad = {
      {{"tool", "spray"}, {"color", "#ff0000"}, {"points", {{0.1, 0.1}, {0.2, 0.2}}}},
      {{"tool", "circle"}, {"color", "red"}, {"points", {{0.1, 0.1}, {0.2, 0.2}}}},
      {{"tool", "circle"}, {"color", "#ff0000"}, {"points", {{0.1, 0.1}, {1.2, 0.2}}}},
      {{"tool", "circle"}, {"color", "#ff0000"}, {"points", {{0.1, 0.1}, {"0.2", 0.2}}}},
      {{"tool", "circle"}, {"color", "#ff0000"}, {"points", {{0.1, 0.1}}}},
      {{"tool", "arrow"}, {"color", "#ff0000"}, {"points", {{0.1, 0.1}, {0.2, 0.2}, {0.3, 0.3}}}},
      {{"tool", "text"}, {"color", "#ff0000"}, {"points", {{0.1, 0.1}}}},
      {{"tool", "text"}, {"color", "#ff0000"}, {"points", {{0.1, 0.1}}}, {"text", ""}},
      {{"tool", "text"}, {"color", "#ff0000"}, {"points", {{0.1, 0.1}}}, {"text", std::string(201, 'a')}},
      {{"tool", "circle"}, {"color", "#ff0000"}, {"points", {{0.1, 0.1}, {0.2, 0.2}}}, {"text", "hi"}},
      {{"tool", "circle"}, {"color", "#ff0000"}, {"points", {{0.1, 0.1}, {0.2, 0.2}}}, {"onclick", "x"}},
  };
  for (const auto& stroke : bad) {
    draw(s, stroke);
    EXPECT_TRUE(got_error(*s, "invalid_stroke", false)) << stroke.dump();
  }
  // 2001 points: within the 64 KiB a message may have, but more than a stroke may.
  json many = json::array();
  for (int i = 0; i < 2001; ++i) many.push_back({0.5, 0.5});
  draw(s, {{"tool", "freehand"}, {"color", "#ff0000"}, {"points", many}});
  EXPECT_TRUE(got_error(*s, "invalid_stroke", false));
  // 100,000 points: the socket refuses a message over 64 KiB before the hub sees it; were one to
  // get through, the stroke is still refused.
  json huge = json::array();
  for (int i = 0; i < 100000; ++i) huge.push_back({0.5, 0.5});
  hub->on_message(s, json{{"type", "annotate"}, {"action", "stroke"},
                          {"stroke", {{"tool", "freehand"}, {"color", "#ff0000"}, {"points", huge}}}}.dump());
  EXPECT_TRUE(got_error(*s, "invalid_stroke", false)) << s->dump();
  say(s, {{"type", "annotate"}, {"action", "stroke"}});
  EXPECT_TRUE(got_error(*s, "malformed", false)) << "no stroke";
  say(s, {{"type", "annotate"}, {"action", "paint"}});
  EXPECT_TRUE(got_error(*s, "malformed", false));
  EXPECT_EQ(c->count("annotate"), 0) << c->dump();
}

TEST_F(HubBoard, AFloodOfStrokesIsRefusedAndTheDrawingHasALimit) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  for (int i = 0; i < 40; ++i) draw(s, circle(0.1, 0.1, 0.2, 0.2));
  EXPECT_TRUE(got_error(*s, "rate_limited", false));
  EXPECT_GE(c->count("annotate"), 20);
  EXPECT_LT(c->count("annotate"), 40);
  // Each connection has its own allowance: fill the drawing from several.
  while (c->count("annotate") < static_cast<int>(max_strokes)) {
    auto more = join_console(alice, appt.id);
    for (int i = 0; i < 20 && c->count("annotate") < static_cast<int>(max_strokes); ++i)
      draw(more, circle(0.1, 0.1, 0.2, 0.2));
    s = more;
  }
  s = join_console(alice, appt.id);
  draw(s, circle(0.1, 0.1, 0.2, 0.2));
  EXPECT_TRUE(got_error(*s, "board_full", false));
  EXPECT_EQ(c->count("annotate"), static_cast<int>(max_strokes));
  say(s, {{"type", "annotate"}, {"action", "clear"}});
  draw(s, circle(0.1, 0.1, 0.2, 0.2));
  EXPECT_EQ(c->last("annotate")["action"], "stroke") << "room again once cleared";
}

TEST_F(HubBoard, FreezeShowsEveryoneTheCustomersStillAndUnfreezeReturnsToLiveBothClearingTheDrawing) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  draw(s, circle(0.1, 0.1, 0.2, 0.2));
  say(s, {{"type", "freeze"}, {"active", true}});
  ASSERT_FALSE(c->last("snapshot_request").is_null()) << "the customer's page is asked for a full-resolution still";
  EXPECT_TRUE(c->last("freeze").is_null()) << "not frozen before the still is there";
  const auto still = upload(c, 1920, 1080);
  for (const auto& p : {c, s}) {
    const auto m = p->last("freeze");
    EXPECT_EQ(m["active"], true) << p->dump();
    EXPECT_EQ(m["snapshot"], still.id);
    EXPECT_EQ(m["width"], 1920);
    EXPECT_EQ(m["height"], 1080);
    EXPECT_EQ(p->count("snapshot"), 0) << "a freeze is not announced as a photo";
  }
  draw(c, circle(0.5, 0.5, 0.6, 0.6));
  auto back = join_console(root, appt.id);
  ASSERT_FALSE(back->last("board").is_null()) << back->dump();
  EXPECT_EQ(back->last("board")["freeze"]["snapshot"], still.id);
  EXPECT_EQ(back->last("board")["strokes"].size(), 1u) << "only what was drawn on the frozen picture";
  say(s, {{"type", "freeze"}, {"active", false}});
  EXPECT_EQ(c->last("freeze")["active"], false);
  auto after = join_console(root, appt.id);
  EXPECT_TRUE(after->last("board").is_null()) << after->dump();
  say(c, {{"type", "freeze"}, {"active", true}});
  EXPECT_TRUE(got_error(*c, "forbidden", false));
}

TEST_F(HubBoard, AFreezeWithoutAStillTellsOnlyWhoAsked) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  say(s, {{"type", "freeze"}, {"active", true}});
  const auto request = c->last("snapshot_request")["request"].get<std::string>();
  say(c, {{"type", "snapshot_unavailable"}, {"request", request}, {"reason", "camera_off"}});
  EXPECT_EQ(s->last("freeze")["error"], "camera_off") << s->dump();
  EXPECT_EQ(s->last("freeze")["active"], false);
  EXPECT_TRUE(c->last("freeze").is_null()) << c->dump();
  say(s, {{"type", "freeze"}, {"active", true}});
  EXPECT_EQ(c->count("snapshot_request"), 2) << "may freeze again";
}

// ---- camera control ----

class HubCamera : public HubGuidance {
 protected:
  void SetUp() override {
    HubGuidance::SetUp();
    add_camera_handler(*hub, db);
  }
  static json report(bool control, bool torch, double zoom_max = 1) {
    return {{"type", "camera"}, {"facing", "user"}, {"can_flip", true}, {"torch", torch}, {"control", control},
            {"zoom", 1}, {"zoom_max", zoom_max}, {"zoom_kind", "digital"}};
  }
  void steer(const PeerPtr& staff, const std::string& action, const json& extra = json::object()) {
    json m{{"type", "camera_control"}, {"action", action}};
    m.update(extra);
    say(staff, m);
  }
};

TEST_F(HubCamera, StaffSeeWhatTheCustomersCameraCanDoAlsoWhenTheyJoinLater) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  say(c, report(true, false, 4));
  const auto m = s->last("camera");
  EXPECT_EQ(m["participant"], c->label()) << s->dump();
  EXPECT_EQ(m["torch"], false);
  EXPECT_EQ(m["zoom_max"], 4);
  EXPECT_EQ(m["zoom_kind"], "digital");
  EXPECT_EQ(c->count("camera"), 0) << "to staff only";
  auto late = join_console(root, appt.id);
  EXPECT_EQ(late->last("camera")["zoom_max"], 4) << late->dump();
  say(s, report(true, true));
  EXPECT_TRUE(got_error(*s, "forbidden", false)) << "staff do not report for the customer";
  auto bad = report(true, true);
  bad["facing"] = "sideways";
  say(c, bad);
  EXPECT_TRUE(got_error(*c, "malformed", false));
}

TEST_F(HubCamera, ControlsTheCameraCanDoReachTheCustomerAndAreAudited) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  say(c, report(true, true, 4));
  steer(s, "flip");
  EXPECT_EQ(c->last("camera_control")["action"], "flip") << c->dump();
  EXPECT_EQ(c->last("camera_control")["by"], "Alice");
  steer(s, "torch", {{"torch", true}});
  EXPECT_EQ(c->last("camera_control")["torch"], true);
  steer(s, "zoom", {{"zoom", 2}});
  EXPECT_EQ(c->last("camera_control")["zoom"], 2);
  EXPECT_EQ(audited("camera.flip"), 1u);
  EXPECT_EQ(audited("camera.torch"), 1u);
  EXPECT_EQ(audited("camera.zoom"), 1u);
  EXPECT_EQ(s->count("error"), 0) << s->dump();
}

TEST_F(HubCamera, WhatTheCameraCannotDoOrTheCustomerDoesNotAllowIsRefused) {
  auto c = join(customer_token);
  auto s = join_console(alice, appt.id);
  steer(s, "flip");
  EXPECT_TRUE(got_error(*s, "not_supported", false)) << "nothing reported yet";
  say(c, report(true, false));
  steer(s, "torch", {{"torch", true}});
  EXPECT_TRUE(got_error(*s, "not_supported", false)) << "no torch";
  steer(s, "zoom", {{"zoom", 2}});
  EXPECT_TRUE(got_error(*s, "not_supported", false)) << "no zoom";
  say(c, report(true, false, 4));
  steer(s, "zoom", {{"zoom", 5}});
  EXPECT_TRUE(got_error(*s, "not_supported", false)) << "beyond zoom_max";
  steer(s, "tilt");
  EXPECT_TRUE(got_error(*s, "malformed", false));
  say(c, report(false, true, 4));
  steer(s, "flip");
  EXPECT_TRUE(got_error(*s, "control_refused", false));
  steer(c, "flip");
  EXPECT_TRUE(got_error(*c, "forbidden", false)) << "only specialists steer";
  EXPECT_EQ(c->count("camera_control"), 0) << c->dump();
  EXPECT_EQ(audited("camera.flip") + audited("camera.torch") + audited("camera.zoom"), 0u);
}

}  // namespace
}  // namespace assist::signalling
