// The signalling message table (daemon/signalling/message.h): what Message::parse lets in, the
// error code it answers with otherwise, and what check_outgoing accepts from the server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <set>
#include <string>

#include "signalling/message.h"

namespace assist::signalling {
namespace {

using nlohmann::json;

// The code Message::parse refuses `text` with; "" when it is accepted.
std::string refusal(const std::string& text) {
  try {
    Message::parse(text);
    return "";
  } catch (const ProtocolError& e) {
    return e.code();
  }
}
std::string refusal(const json& message) { return refusal(message.dump()); }
std::string refusal(const char* text) { return refusal(std::string(text)); }

// A value of `f`'s type within its limits.
json sample(const FieldSpec& f) {
  switch (f.type) {
    case FieldType::text: return std::string(static_cast<std::size_t>(std::min<std::int64_t>(f.max, 3)), 'x');
    case FieldType::integer: return f.min;
    case FieldType::number: return static_cast<double>(f.min) + 0.5;
    case FieldType::boolean: return true;
    case FieldType::array: return json::array();
    case FieldType::object: return json::object();
  }
  return nullptr;
}

// A value of another type than `f`'s.
json wrong_type(const FieldSpec& f) { return f.type == FieldType::text ? json(7) : json("7"); }

// `spec` with every required member, nothing else.
json minimal(const MessageSpec& spec) {
  json m = {{"type", std::string(spec.type)}};
  for (const auto& f : spec.fields)
    if (f.required) m[std::string(f.name)] = sample(f);
  return m;
}

std::string sdp() { return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"; }

// ---- the table itself ----

TEST(SignallingMessageTable, EachTypeAndDirectionIsDescribedOnce) {
  std::set<std::pair<std::string, Direction>> seen;
  for (const auto& spec : message_table()) {
    EXPECT_TRUE(seen.emplace(std::string(spec.type), spec.direction).second) << spec.type;
    EXPECT_FALSE(spec.summary.empty()) << spec.type;
    std::set<std::string_view> names;
    for (const auto& f : spec.fields) {
      EXPECT_TRUE(names.insert(f.name).second) << spec.type << "." << f.name;
      EXPECT_NE(f.name, "type") << spec.type;
      if (f.type == FieldType::text || f.type == FieldType::integer || f.type == FieldType::number) {
        EXPECT_GE(f.max, f.min) << spec.type << "." << f.name;
      }
    }
  }
  for (auto type : {"hello", "offer", "ice", "screen", "devices", "quality", "end", "leave", "ping"})
    EXPECT_NE(find_message(type, Direction::to_server), nullptr) << type;
  for (auto type : {"welcome", "state", "appointment", "answer", "ice", "media", "ended", "error", "pong"})
    EXPECT_NE(find_message(type, Direction::to_client), nullptr) << type;
  EXPECT_EQ(find_message("welcome", Direction::to_server), nullptr);
  EXPECT_EQ(find_message("hello", Direction::to_client), nullptr);
  EXPECT_EQ(find_message("answer", Direction::to_server), nullptr);  // the server never offers
  EXPECT_EQ(find_message("offer", Direction::to_client), nullptr);
}

// ---- Message::parse ----

TEST(SignallingMessage, EveryClientTypeParsesWithItsRequiredMembers) {
  int checked = 0;
  for (const auto& spec : message_table()) {
    if (spec.direction != Direction::to_server) continue;
    ++checked;
    const auto m = minimal(spec);
    EXPECT_EQ(refusal(m), "") << m.dump();
    EXPECT_EQ(Message::parse(m.dump()).type(), spec.type);
  }
  EXPECT_EQ(checked, 22);
}

TEST(SignallingMessage, WhatThePagesSendParses) {
  // As daemon/web/protocol.js writes them.
  auto hello = Message::parse(R"({"type":"hello","version":1,"token":"abcDEF_-123"})");
  EXPECT_EQ(hello.type(), "hello");
  EXPECT_EQ(hello.integer("version"), 1);
  EXPECT_EQ(hello.optional_text("token"), "abcDEF_-123");
  EXPECT_FALSE(hello.integer("appointment_id"));
  EXPECT_FALSE(hello.flag("watch"));

  auto console = Message::parse(R"({"type":"hello","version":1,"appointment_id":42})");
  EXPECT_EQ(console.integer("appointment_id"), 42);
  EXPECT_FALSE(console.optional_text("token"));
  EXPECT_EQ(console.text("token"), "");

  EXPECT_TRUE(Message::parse(R"({"type":"hello","version":1,"watch":true})").flag("watch"));
  EXPECT_FALSE(Message::parse(R"({"type":"hello","version":1,"watch":false})").flag("watch"));

  EXPECT_EQ(Message::parse(R"({"type":"snapshot"})").optional_text("source"), std::nullopt);
  EXPECT_EQ(Message::parse(R"({"type":"snapshot","source":"server"})").text("source"), "server");
  const auto unavailable = Message::parse(R"({"type":"snapshot_unavailable","request":"s3","reason":"camera_off"})");
  EXPECT_EQ(unavailable.text("request"), "s3");
  EXPECT_THROW(Message::parse(R"({"type":"snapshot_unavailable","reason":"x"})"), ProtocolError) << "which request?";

  auto offer = Message::parse(json{{"type", "offer"}, {"sdp", sdp()}}.dump());
  EXPECT_EQ(offer.text("sdp"), sdp());
  EXPECT_EQ(refusal(json{{"type", "answer"}, {"sdp", sdp()}}.dump()), "unknown_type");  // the server never offers
  EXPECT_TRUE(Message::parse(R"({"type":"screen","sharing":true})").flag("sharing"));
  auto ice = Message::parse(
      R"({"type":"ice","mline":1,"candidate":"candidate:1 1 UDP 2122252543 192.0.2.1 50000 typ host"})");
  EXPECT_EQ(ice.integer("mline"), 1);
  EXPECT_EQ(ice.text("candidate"), "candidate:1 1 UDP 2122252543 192.0.2.1 50000 typ host");
  EXPECT_EQ(refusal(R"({"type":"ice","mline":0,"candidate":""})"), "");  // end of candidates
  EXPECT_EQ(Message::parse(R"({"type":"end"})").type(), "end");
  EXPECT_EQ(Message::parse(R"({"type":"ping"})").type(), "ping");
  EXPECT_TRUE(Message::parse(R"({"type":"typing","active":true})").flag("active"));
  EXPECT_FALSE(Message::parse(R"({"type":"typing","active":false})").flag("active"));
  EXPECT_EQ(refusal(R"({"type":"typing","active":"yes"})"), "malformed");
  // A null member counts as absent.
  EXPECT_EQ(refusal(R"({"type":"hello","version":1,"token":null})"), "");
}

TEST(SignallingMessage, UnknownTypesAreRefused) {
  EXPECT_EQ(refusal(R"({"type":"draw","x":0.5})"), "unknown_type");
  EXPECT_EQ(refusal(R"({"type":""})"), "unknown_type");
  EXPECT_EQ(refusal(R"({"type":"HELLO","version":1})"), "unknown_type");
  EXPECT_EQ(refusal(json{{"type", std::string(33, 'a')}}), "too_large");
}

TEST(SignallingMessage, ServerOnlyTypesFromAClientAreRefused) {
  for (const auto& spec : message_table()) {
    if (spec.direction != Direction::to_client || find_message(spec.type, Direction::to_server)) continue;
    EXPECT_EQ(refusal(minimal(spec)), "unknown_type") << spec.type;
  }
  EXPECT_EQ(refusal(R"({"type":"welcome","version":1,"role":"specialist"})"), "unknown_type");
  EXPECT_EQ(refusal(R"({"type":"pong"})"), "unknown_type");
  EXPECT_EQ(refusal(R"({"type":"error","code":"x","message":"y","final":true})"), "unknown_type");
}

TEST(SignallingMessage, MissingRequiredMembersAreMalformed) {
  for (const auto& spec : message_table()) {
    if (spec.direction != Direction::to_server) continue;
    for (const auto& f : spec.fields) {
      if (!f.required) continue;
      auto m = minimal(spec);
      m.erase(std::string(f.name));
      EXPECT_EQ(refusal(m), "malformed") << m.dump();
      m[std::string(f.name)] = nullptr;
      EXPECT_EQ(refusal(m), "malformed") << m.dump();
    }
  }
  EXPECT_EQ(refusal(R"({"type":"hello"})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"offer"})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"ice","candidate":""})"), "malformed");
}

TEST(SignallingMessage, MembersOfTheWrongTypeAreMalformed) {
  for (const auto& spec : message_table()) {
    if (spec.direction != Direction::to_server) continue;
    for (const auto& f : spec.fields) {
      auto m = minimal(spec);
      m[std::string(f.name)] = wrong_type(f);
      EXPECT_EQ(refusal(m), "malformed") << m.dump();
    }
  }
  EXPECT_EQ(refusal(R"({"type":"hello","version":"1"})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"hello","version":1.5})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"hello","version":1,"watch":"yes"})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"hello","version":1,"token":["a"]})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"ice","mline":"0","candidate":""})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":7})"), "malformed");
  EXPECT_EQ(refusal(R"({"version":1})"), "malformed");
}

TEST(SignallingMessage, IntegersOutsideTheirRangeAreMalformed) {
  for (const auto& spec : message_table()) {
    if (spec.direction != Direction::to_server) continue;
    for (const auto& f : spec.fields) {
      if (f.type != FieldType::integer) continue;
      auto m = minimal(spec);
      m[std::string(f.name)] = f.max;
      EXPECT_EQ(refusal(m), "") << m.dump();
      m[std::string(f.name)] = f.min;
      EXPECT_EQ(refusal(m), "") << m.dump();
      if (f.min > std::numeric_limits<std::int64_t>::min()) {
        m[std::string(f.name)] = f.min - 1;
        EXPECT_EQ(refusal(m), "malformed") << m.dump();
      }
      if (f.max < std::numeric_limits<std::int64_t>::max()) {
        m[std::string(f.name)] = f.max + 1;
        EXPECT_EQ(refusal(m), "malformed") << m.dump();
      }
    }
  }
  EXPECT_EQ(refusal(R"({"type":"ice","mline":16,"candidate":""})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"ice","mline":-1,"candidate":""})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"hello","version":1,"appointment_id":0})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"hello","version":1001})"), "malformed");
  // Larger than any int64: must not wrap round into range.
  EXPECT_EQ(refusal(R"({"type":"hello","version":1,"appointment_id":18446744073709551615})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"hello","version":1,"appointment_id":1e400})"), "malformed");
}

TEST(SignallingMessage, NumbersOutsideTheirRangeOrNotFiniteAreMalformed) {
  int checked = 0;
  for (const auto& spec : message_table()) {
    if (spec.direction != Direction::to_server) continue;
    for (const auto& f : spec.fields) {
      if (f.type != FieldType::number) continue;
      ++checked;
      auto m = minimal(spec);
      for (double fine : {static_cast<double>(f.min), static_cast<double>(f.max), (f.min + f.max) / 2.0}) {
        m[std::string(f.name)] = fine;
        EXPECT_EQ(refusal(m), "") << m.dump();
      }
      m[std::string(f.name)] = static_cast<int>(f.min);  // an integer is a number too
      EXPECT_EQ(refusal(m), "") << m.dump();
      for (double out : {static_cast<double>(f.min) - 0.001, static_cast<double>(f.max) + 0.001}) {
        m[std::string(f.name)] = out;
        EXPECT_EQ(refusal(m), "malformed") << m.dump();
      }
    }
  }
  EXPECT_GE(checked, 8);
  const auto pointer = Message::parse(R"({"type":"pointer","x":0.25,"y":1})");
  EXPECT_DOUBLE_EQ(*pointer.number("x"), 0.25);
  EXPECT_DOUBLE_EQ(*pointer.number("y"), 1.0);
  EXPECT_FALSE(Message::parse(R"({"type":"pointer"})").number("x"));
  EXPECT_EQ(refusal(R"({"type":"pointer","x":"0.5","y":0.5})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"pointer","x":1e400,"y":0.5})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"pointer","x":-1e-9,"y":0.5})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"location","request":"l1","latitude":200,"longitude":0,"accuracy":5})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"location","request":"l1","latitude":45,"longitude":-180.5,"accuracy":5})"), "malformed");
}

TEST(SignallingMessage, OverlongTextIsTooLarge) {
  for (const auto& spec : message_table()) {
    if (spec.direction != Direction::to_server) continue;
    for (const auto& f : spec.fields) {
      if (f.type != FieldType::text) continue;
      auto m = minimal(spec);
      m[std::string(f.name)] = std::string(static_cast<std::size_t>(f.max), 'a');
      EXPECT_EQ(refusal(m), "") << spec.type << "." << f.name << " at its limit";
      m[std::string(f.name)] = std::string(static_cast<std::size_t>(f.max) + 1, 'a');
      EXPECT_EQ(refusal(m), "too_large") << spec.type << "." << f.name;
    }
  }
  EXPECT_EQ(refusal(json{{"type", "offer"}, {"sdp", std::string(32 * 1024 + 1, 'v')}}),
            "too_large");
  EXPECT_EQ(refusal(json{{"type", "hello"}, {"version", protocol_version}, {"token", std::string(257, 't')}}), "too_large");
  // Every message the table lets in fits in one WebSocket frame the server accepts.
  for (const auto& spec : message_table()) {
    if (spec.direction != Direction::to_server) continue;
    auto m = minimal(spec);
    for (const auto& f : spec.fields)
      if (f.type == FieldType::text) m[std::string(f.name)] = std::string(static_cast<std::size_t>(f.max), 'a');
    EXPECT_LE(m.dump().size(), max_message_bytes) << spec.type;
  }
}

TEST(SignallingMessage, UnknownMembersAreMalformed) {
  EXPECT_EQ(refusal(R"({"type":"ping","extra":1})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"end","reason":"done"})"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"hello","version":1,"Token":"abc"})"), "malformed");
  // A server member does not belong in the client's message of the same name.
  EXPECT_EQ(refusal(json{{"type", "offer"}, {"sdp", sdp()}, {"participant", "p1"}}),
            "malformed");
}

TEST(SignallingMessage, AnythingButAJsonObjectIsMalformed) {
  EXPECT_EQ(refusal(""), "malformed");
  EXPECT_EQ(refusal("hello"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"ping")"), "malformed");
  EXPECT_EQ(refusal(R"({"type":"ping"} trailing)"), "malformed");
  EXPECT_EQ(refusal("[]"), "malformed");
  EXPECT_EQ(refusal(R"(["type","ping"])"), "malformed");
  EXPECT_EQ(refusal(R"("ping")"), "malformed");
  EXPECT_EQ(refusal("42"), "malformed");
  EXPECT_EQ(refusal("null"), "malformed");
  EXPECT_EQ(refusal("{}"), "malformed");
}

// ---- check_outgoing and error_message ----

TEST(SignallingOutgoing, AcceptsWellFormedServerMessages) {
  for (const auto& spec : message_table()) {
    if (spec.direction != Direction::to_client) continue;
    EXPECT_EQ(check_outgoing(minimal(spec)), "") << spec.type;
  }
  EXPECT_EQ(check_outgoing(json{{"type", "welcome"},
                                {"version", protocol_version},
                                {"role", "customer"},
                                {"participant", "p1"},
                                {"appointment", {{"id", 3}, {"customer_name", "Ada"}}},
                                {"ice_servers", json::array()}}),
            "");
  EXPECT_EQ(check_outgoing(json{{"type", "welcome"}, {"version", protocol_version}, {"role", "supervisor"}, {"watching", true}}), "");
  EXPECT_EQ(check_outgoing(json{{"type", "state"},
                                {"appointment_state", "in_call"},
                                {"participants", json::array({{{"id", "p1"}, {"role", "customer"}}})}}),
            "");
  EXPECT_EQ(check_outgoing(json{{"type", "appointment"}, {"id", 3}, {"state", "waiting"}, {"participants", 1}, {"waiting", true}}), "");
  EXPECT_EQ(check_outgoing(json{{"type", "ended"}, {"reason", "cancelled"}, {"message", "over"}}), "");
  EXPECT_EQ(check_outgoing(json{{"type", "media"}, {"state", "disconnected"}}), "");
  EXPECT_EQ(check_outgoing(json{{"type", "ice"}, {"mline", 0}, {"candidate", ""}}), "");
  EXPECT_EQ(check_outgoing(json{{"type", "pong"}}), "");
}

TEST(SignallingOutgoing, RejectsBadServerMessages) {
  EXPECT_NE(check_outgoing(json::array()), "");
  EXPECT_NE(check_outgoing(json("welcome")), "");
  EXPECT_NE(check_outgoing(json{{"version", protocol_version}}), "");
  EXPECT_NE(check_outgoing(json{{"type", 1}}), "");
  // Client-only types are not the server's to send.
  EXPECT_NE(check_outgoing(json{{"type", "hello"}, {"version", protocol_version}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "ping"}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "end"}}), "");
  // Missing, mistyped, out of range, too long, unknown.
  EXPECT_NE(check_outgoing(json{{"type", "welcome"}, {"role", "customer"}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "welcome"}, {"version", 0}, {"role", "customer"}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "welcome"}, {"version", protocol_version}, {"role", "customer"}, {"ice_servers", "x"}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "state"}, {"appointment_state", "waiting"}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "state"}, {"appointment_state", "waiting"}, {"participants", 2}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "appointment"}, {"id", 0}, {"state", "waiting"}, {"participants", 0}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "ice"}, {"mline", 16}, {"candidate", ""}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "error"}, {"code", "x"}, {"message", "y"}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "error"}, {"code", "x"}, {"message", std::string(501, 'm')}, {"final", false}}),
            "");
  EXPECT_NE(check_outgoing(json{{"type", "error"}, {"code", "x"}, {"message", "y"}, {"final", "no"}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "pong"}, {"at", 1}}), "");
  EXPECT_NE(check_outgoing(json{{"type", "ended"}, {"reason", "ended"}}), "");
}

TEST(SignallingOutgoing, ErrorMessageHasTheTableShape) {
  const auto text = error_message("replaced", "this link was opened on another device", true);
  const auto m = json::parse(text);
  EXPECT_EQ(check_outgoing(m), "");
  EXPECT_EQ(m["type"], "error");
  EXPECT_EQ(m["code"], "replaced");
  EXPECT_EQ(m["message"], "this link was opened on another device");
  EXPECT_EQ(m["final"], true);
  EXPECT_EQ(json::parse(error_message("malformed", "bad", false))["final"], false);
}

}  // namespace
}  // namespace assist::signalling
