#include "signalling/board_handler.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "signalling/hub.h"
#include "signalling/message.h"
#include "signalling/rate_limit.h"

namespace assist::signalling {
namespace {

constexpr double pointer_per_second = 30;
constexpr double strokes_per_second = 10;
constexpr double strokes_burst = 20;

[[noreturn]] void invalid(const std::string& why) { throw ProtocolError("invalid_stroke", why); }

// Characters in UTF-8 text (the table already bounds its bytes).
std::size_t characters(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

bool is_colour(const nlohmann::json& v) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() != 7 || s[0] != '#') return false;
  for (std::size_t i = 1; i < 7; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

// A stroke as the pages may draw it, rebuilt member by member so that nothing else passes on.
nlohmann::json checked_stroke(const nlohmann::json& in) {
  static const std::map<std::string, std::pair<std::size_t, std::size_t>, std::less<>> points_of{
      {"freehand", {2, max_stroke_points}}, {"arrow", {2, 2}}, {"circle", {2, 2}}, {"rectangle", {2, 2}},
      {"text", {1, 1}}};
  for (const auto& [name, value] : in.items())
    if (name != "tool" && name != "color" && name != "points" && name != "text")
      invalid("a stroke has no member '" + name + "'");
  const auto tool = in.find("tool");
  if (tool == in.end() || !tool->is_string() || !points_of.contains(tool->get<std::string>()))
    invalid("tool is freehand, arrow, circle, rectangle or text");
  const auto name = tool->get<std::string>();
  const auto color = in.find("color");
  if (color == in.end() || !is_colour(*color)) invalid("color is #rrggbb");
  const auto points = in.find("points");
  const auto [fewest, most] = points_of.find(name)->second;
  if (points == in.end() || !points->is_array() || points->size() < fewest || points->size() > most)
    invalid("a " + name + " stroke has " + (fewest == most ? std::to_string(fewest) : std::to_string(fewest) + " to " +
                                                                                        std::to_string(most)) +
            " points");
  nlohmann::json out_points = nlohmann::json::array();
  for (const auto& p : *points) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) invalid("a point is [x, y]");
    const double x = p[0].get<double>(), y = p[1].get<double>();
    if (!std::isfinite(x) || !std::isfinite(y) || x < 0 || x > 1 || y < 0 || y > 1) invalid("x and y are 0 to 1");
    out_points.push_back({x, y});
  }
  nlohmann::json out{{"tool", name}, {"color", color->get<std::string>()}, {"points", std::move(out_points)}};
  const auto text = in.find("text");
  if (name == "text") {
    if (text == in.end() || !text->is_string()) invalid("a text stroke has text");
    const auto& words = text->get_ref<const std::string&>();
    const auto length = characters(words);
    if (length == 0 || length > max_stroke_text)
      invalid("a text stroke has 1 to " + std::to_string(max_stroke_text) + " characters");
    out["text"] = words;
  } else if (text != in.end()) {
    invalid("only a text stroke has text");
  }
  return out;
}

class Boards : public std::enable_shared_from_this<Boards> {
 public:
  Boards(Hub& hub, StillTaker take_still) : hub_(hub), take_still_(std::move(take_still)) {}

  void pointer(Context& c, const Message& m) {
    if (!c.is_staff()) throw ProtocolError("forbidden", "only the specialist points at the customer's video");
    auto& p = pointers_.try_emplace(c.participant()).first->second;
    const auto x = m.number("x"), y = m.number("y");
    if (x.has_value() != y.has_value()) throw ProtocolError("malformed", "a pointer has both x and y, or neither");
    nlohmann::json out{{"type", "pointer"}, {"participant", c.participant()}};
    if (x) {
      if (!p.bucket.take()) return;  // a flood of moves: the next one says where it is
      out["x"] = *x;
      out["y"] = *y;
    } else if (!p.shown) {
      return;  // the others were never told it was there
    }
    p.shown = x.has_value();
    c.send_to_others(out);
  }

  void annotate(Context& c, const Message& m) {
    const auto action = m.text("action");
    auto& board = boards_[c.appointment_id()];
    if (action == "stroke") return add_stroke(c, m, board);
    if (action == "undo") {
      for (auto it = board.strokes.rbegin(); it != board.strokes.rend(); ++it) {
        if ((*it)["participant"] != c.participant()) continue;
        const auto id = (*it)["id"].get<std::string>();
        board.strokes.erase(std::next(it).base());
        hub_.send_to_call(c.appointment_id(),
                          {{"type", "annotate"}, {"action", "undo"}, {"participant", c.participant()}, {"id", id}});
        return;
      }
      return;  // nothing of theirs left to undo
    }
    if (action == "clear") {
      if (!c.is_staff()) throw ProtocolError("forbidden", "only the specialist clears the drawing");
      board.strokes.clear();
      hub_.send_to_call(c.appointment_id(), {{"type", "annotate"}, {"action", "clear"}, {"participant", c.participant()}});
      return;
    }
    throw ProtocolError("malformed", "action is stroke, undo or clear");
  }

  void freeze(Context& c, const Message& m) {
    if (!c.is_staff()) throw ProtocolError("forbidden", "only the specialist freezes the picture");
    auto& board = boards_[c.appointment_id()];
    if (!m.flag("active")) {
      board.frozen.reset();
      board.freezing = false;
      board.strokes.clear();
      hub_.send_to_call(c.appointment_id(), {{"type", "freeze"}, {"active", false}});
      return;
    }
    if (board.freezing) return;  // a still is already on its way
    board.freezing = true;
    const auto appointment = c.appointment_id();
    const auto asker = c.participant();
    try {
      take_still_(c, [weak = weak_from_this(), appointment, asker](const Snapshot* s, const std::string& error) {
        if (auto self = weak.lock()) self->frozen(appointment, asker, s, error);
      });
    } catch (...) {
      board.freezing = false;
      throw;
    }
  }

  void joined(Context& c) {
    const auto it = boards_.find(c.appointment_id());
    if (it == boards_.end() || (it->second.strokes.empty() && !it->second.frozen)) return;
    nlohmann::json message{{"type", "board"}, {"strokes", it->second.strokes}};
    if (it->second.frozen) message["freeze"] = *it->second.frozen;
    c.reply(message);
  }

  void left(const std::string& participant) {
    pointers_.erase(participant);
    buckets_.erase(participant);
  }
  void closed(std::int64_t appointment_id) { boards_.erase(appointment_id); }

 private:
  struct Board {
    std::vector<nlohmann::json> strokes;  // as sent, in order
    std::optional<nlohmann::json> frozen;  // the freeze message's members while frozen
    bool freezing = false;                 // a still was asked for
    std::uint64_t next_stroke = 0;
  };
  struct Pointer {
    TokenBucket bucket{pointer_per_second, pointer_per_second};
    bool shown = false;  // the others were last told where it is
  };

  void add_stroke(Context& c, const Message& m, Board& board) {
    const auto* in = m.member("stroke");
    if (!in) throw ProtocolError("malformed", "a stroke action has a stroke");
    auto stroke = checked_stroke(*in);
    if (board.strokes.size() >= max_strokes)
      throw ProtocolError("board_full", "the drawing has " + std::to_string(max_strokes) + " strokes; clear it first");
    if (!buckets_.try_emplace(c.participant(), strokes_per_second, strokes_burst).first->second.take())
      throw ProtocolError("rate_limited", "too many strokes; wait a moment");
    stroke["id"] = "k" + std::to_string(++board.next_stroke);
    stroke["participant"] = c.participant();
    board.strokes.push_back(stroke);
    hub_.send_to_call(c.appointment_id(),
                      {{"type", "annotate"}, {"action", "stroke"}, {"participant", c.participant()}, {"stroke", stroke}});
  }

  void frozen(std::int64_t appointment_id, const std::string& asker, const Snapshot* s, const std::string& error) {
    const auto it = boards_.find(appointment_id);
    if (it == boards_.end() || !it->second.freezing) return;  // the call closed, or staff unfroze meanwhile
    auto& board = it->second;
    board.freezing = false;
    if (!s) {
      spdlog::info("SIGNAL_FREEZE_FAILED appointment={} error={}", appointment_id, error);
      hub_.send_to_member(appointment_id, asker,
                          nlohmann::json{{"type", "freeze"}, {"active", false}, {"error", error}}.dump());
      return;
    }
    board.frozen = nlohmann::json{{"active", true}, {"snapshot", s->id}, {"width", s->width}, {"height", s->height}};
    board.strokes.clear();
    spdlog::info("SIGNAL_FREEZE appointment={} snapshot={}", appointment_id, s->id);
    auto message = *board.frozen;
    message["type"] = "freeze";
    hub_.send_to_call(appointment_id, message);
  }

  Hub& hub_;
  StillTaker take_still_;
  std::map<std::int64_t, Board> boards_;  // by appointment
  std::map<std::string, Pointer> pointers_;
  std::map<std::string, TokenBucket> buckets_;  // strokes, by participant
};

}  // namespace

void add_board_handler(Hub& hub, StillTaker take_still) {
  auto boards = std::make_shared<Boards>(hub, std::move(take_still));
  hub.handle("pointer", [boards](Context& c, const Message& m) { boards->pointer(c, m); });
  hub.handle("annotate", [boards](Context& c, const Message& m) { boards->annotate(c, m); });
  hub.handle("freeze", [boards](Context& c, const Message& m) { boards->freeze(c, m); });
  hub.on_join([boards](Context& c) { boards->joined(c); });
  hub.on_leave([boards](const std::string& participant) { boards->left(participant); });
  hub.on_call_closed([boards](std::int64_t id) { boards->closed(id); });
}

}  // namespace assist::signalling
