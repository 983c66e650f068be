#include "offer_plan.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace assist::media {
namespace {

struct Section {
  std::vector<std::string> lines;  // without line endings; lines[0] is the m= line
  std::string media, port, proto;
  std::vector<std::string> formats;
  std::string mid;
};

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<std::string> split(const std::string& s, char by) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, by))
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The value of "a=<name>:<value>" lines, or "" when the line is something else.
std::string attribute(const std::string& line, const std::string& name) {
  const auto prefix = "a=" + name + ":";
  return starts_with(line, prefix) ? line.substr(prefix.size()) : "";
}

bool has_flag(const Section& s, const std::string& flag) {
  return std::find(s.lines.begin(), s.lines.end(), "a=" + flag) != s.lines.end();
}

void refuse(const std::string& message) { throw OfferError("malformed_offer", message); }

// A session description's lines, without line endings: the session part, then one list per
// m-line (each starting with its m= line).
struct SdpParts {
  std::vector<std::string> session;
  std::vector<std::vector<std::string>> media;
};

SdpParts split_sdp(const std::string& sdp) {
  SdpParts parts;
  std::string line;
  std::istringstream in(sdp);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (starts_with(line, "m=")) parts.media.emplace_back();
    (parts.media.empty() ? parts.session : parts.media.back()).push_back(std::move(line));
  }
  return parts;
}

// An offer split as above, with its size and shape checked.
SdpParts read_offer(const std::string& sdp) {
  auto parts = split_sdp(sdp);
  auto check = [](const std::string& line) {
    if (line.size() > max_sdp_line) refuse("an SDP line is longer than " + std::to_string(max_sdp_line) + " bytes");
    if (line.size() < 2 || line[1] != '=') refuse("'" + line.substr(0, 40) + "' is not an SDP line");
  };
  for (const auto& line : parts.session) check(line);
  for (const auto& section : parts.media)
    for (const auto& line : section) check(line);
  if (parts.session.empty() || parts.session[0] != "v=0") refuse("the offer does not start with v=0");
  return parts;
}

Section parse_section(std::vector<std::string> lines) {
  Section s;
  s.lines = std::move(lines);
  const auto words = split(s.lines[0].substr(2), ' ');
  if (words.size() < 4) refuse("'" + s.lines[0].substr(0, 60) + "' is not an m-line");
  s.media = words[0];
  s.port = words[1];
  s.proto = words[2];
  s.formats.assign(words.begin() + 3, words.end());
  unsigned candidates = 0;
  for (const auto& line : s.lines) {
    if (const auto mid = attribute(line, "mid"); !mid.empty()) {
      if (!s.mid.empty()) refuse("an m-line has two a=mid lines");
      s.mid = mid;
    }
    candidates += starts_with(line, "a=candidate:");
  }
  if (candidates > max_candidates_per_line)
    refuse("an m-line has more than " + std::to_string(max_candidates_per_line) + " candidates");
  return s;
}

// "key=value;key=value" into pairs whose keys and values can go into GStreamer caps as they are.
std::vector<std::pair<std::string, std::string>> fmtp_parameters(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  auto safe = [](const std::string& s, bool key) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [key](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '_' || (!key && (c == '.' || c == '/' || c == ':'));
    });
  };
  for (const auto& item : split(text, ';')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    auto key = lower(trim(item.substr(0, eq)));
    auto value = trim(item.substr(eq + 1));
    if (safe(key, true) && safe(value, false)) out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

std::optional<Codec> codec_for_format(const Section& s, const std::string& format) {
  std::string rtpmap, fmtp;
  bool pli = false;
  for (const auto& line : s.lines) {
    if (const auto v = attribute(line, "rtpmap"); starts_with(v, format + " ")) rtpmap = v.substr(format.size() + 1);
    if (const auto v = attribute(line, "fmtp"); starts_with(v, format + " ")) fmtp = v.substr(format.size() + 1);
    if (const auto v = attribute(line, "rtcp-fb"); v == format + " nack pli") pli = true;
  }
  const auto parts = split(lower(rtpmap), '/');
  if (parts.size() < 2) return std::nullopt;
  Codec c;
  c.media = s.media;
  try {
    c.payload = static_cast<unsigned>(std::stoul(format));
    c.clock_rate = static_cast<unsigned>(std::stoul(parts[1]));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (c.payload < 96 || c.payload > 127) return std::nullopt;  // dynamic payload types only
  c.parameters = fmtp_parameters(fmtp);
  c.pli = pli;
  auto parameter = [&c](const std::string& key) {
    for (const auto& [k, v] : c.parameters)
      if (k == key) return v;
    return std::string();
  };
  if (s.media == "audio" && parts[0] == "opus" && c.clock_rate == 48000 && parts.size() == 3 && parts[2] == "2")
    c.encoding = "OPUS";
  else if (s.media == "video" && parts[0] == "vp8" && c.clock_rate == 90000)
    c.encoding = "VP8";
  else if (s.media == "video" && parts[0] == "h264" && c.clock_rate == 90000 && parameter("packetization-mode") == "1")
    c.encoding = "H264";
  else
    return std::nullopt;
  return c;
}

std::optional<Codec> choose_codec(const Section& s, const std::string& preferred_video) {
  std::optional<Codec> first;
  for (const auto& format : s.formats) {
    auto c = codec_for_format(s, format);
    if (!c) continue;
    if (c->encoding == preferred_video) return c;
    if (!first) first = std::move(c);
  }
  return first;
}

std::set<std::string> bundle_group(const std::vector<std::string>& session, std::vector<std::string>& order) {
  for (const auto& line : session) {
    const auto group = attribute(line, "group");
    if (!starts_with(group, "BUNDLE")) continue;
    order = split(group.substr(6), ' ');
    return {order.begin(), order.end()};
  }
  return {};
}

}  // namespace

const char* role_name(Role role) {
  switch (role) {
    case Role::microphone: return "microphone";
    case Role::camera: return "camera";
    case Role::screen: return "screen";
  }
  return "?";
}

std::string Codec::caps(unsigned ssrc) const {
  std::string caps = "application/x-rtp,media=" + media + ",encoding-name=" + encoding +
                     ",payload=" + std::to_string(payload) + ",clock-rate=" + std::to_string(clock_rate) +
                     ",ssrc=(uint)" + std::to_string(ssrc);
  // Chrome refuses an Opus m-line without encoding-params=2.
  if (encoding == "OPUS") caps += ",encoding-params=(string)2";
  for (const auto& [key, value] : parameters)
    if (key != "encoding-params" && key != "level-asymmetry-allowed")  // webrtcbin adds the latter itself
      caps += "," + key + "=(string)" + value;
  return caps;
}

const PlannedLine* OfferPlan::line(Role role) const {
  for (const auto& l : lines)
    if (l.role == role) return &l;
  return nullptr;
}

std::optional<unsigned> OfferPlan::webrtc_index(unsigned offer_index) const {
  if (offer_index >= offer_lines)
    throw OfferError("unknown_mline", "the offer has no m-line " + std::to_string(offer_index));
  // Everything rides on the first bundled m-line's transport; candidates for another m-line's
  // own transport (offered in case we did not bundle) have no use.
  if (!lines.empty() && lines.front().offer_index == offer_index) return 0u;
  return std::nullopt;
}

unsigned OfferPlan::offer_index(unsigned index) const {
  for (const auto& l : lines)
    if (l.index == index) return l.offer_index;
  return lines.empty() ? 0 : lines.front().offer_index;
}

std::string OfferPlan::answer_for_participant(const std::string& webrtc_answer) const {
  const auto [session, sections] = split_sdp(webrtc_answer);
  std::string out;
  auto put = [&out](const std::string& l) { out += l + "\r\n"; };
  for (const auto& l : session) put(l);
  for (unsigned i = 0; i < offer_lines; ++i) {
    auto planned = std::find_if(lines.begin(), lines.end(), [i](const PlannedLine& l) { return l.offer_index == i; });
    if (planned != lines.end() && planned->index < sections.size()) {
      for (const auto& l : sections[planned->index]) put(l);
      continue;
    }
    auto rejected_line = std::find_if(rejected.begin(), rejected.end(), [i](const Rejected& r) { return r.offer_index == i; });
    if (rejected_line == rejected.end()) continue;
    put("m=" + rejected_line->media + " 0 " + rejected_line->proto + " " + rejected_line->format);
    put("c=IN IP4 0.0.0.0");
    if (!rejected_line->mid.empty()) put("a=mid:" + rejected_line->mid);
    put("a=inactive");
  }
  return out;
}

OfferPlan plan_offer(const std::string& sdp, const std::string& preferred_video) {
  auto [session, raw_sections] = read_offer(sdp);
  if (raw_sections.empty()) refuse("the offer has no m-line");
  if (raw_sections.size() > max_offer_lines)
    throw OfferError("too_many_mlines", "the offer has " + std::to_string(raw_sections.size()) +
                                            " m-lines; at most " + std::to_string(max_offer_lines) + " are accepted");
  std::vector<Section> sections;
  std::set<std::string> mids;
  for (auto& raw : raw_sections) {
    sections.push_back(parse_section(std::move(raw)));
    const auto& mid = sections.back().mid;
    if (!mid.empty() && !mids.insert(mid).second) refuse("two m-lines have the mid '" + mid + "'");
  }
  std::vector<std::string> group_order;
  const auto bundled = bundle_group(session, group_order);
  if (bundled.empty())
    throw OfferError("offer_not_bundled",
                     "the offer has no BUNDLE group; assistd carries a call on one transport (bundlePolicy max-bundle)");

  OfferPlan plan;
  for (const auto& line : session)
    if (starts_with(line, "o=")) {
      const auto words = split(line.substr(2), ' ');
      if (words.size() >= 2) plan.session_id = words[0] + " " + words[1];  // username and sess-id
    }
  plan.offer_lines = static_cast<unsigned>(sections.size());
  unsigned videos = 0;
  bool audio = false;
  for (unsigned i = 0; i < sections.size(); ++i) {
    const auto& s = sections[i];
    const bool open = s.port != "0" || has_flag(s, "bundle-only");
    const bool inactive = has_flag(s, "inactive");
    std::optional<Codec> codec;
    std::optional<Role> role;
    if (open && !inactive && bundled.count(s.mid)) {
      if (s.media == "audio" && !audio) role = Role::microphone;
      if (s.media == "video" && videos < 2) role = videos == 0 ? Role::camera : Role::screen;
      if (role) codec = choose_codec(s, preferred_video);
    }
    if (!role || !codec) {
      plan.rejected.push_back({i, s.media, s.proto, s.formats.front(), s.mid});
      continue;
    }
    audio = audio || *role == Role::microphone;
    videos += s.media == "video";
    PlannedLine line;
    line.offer_index = i;
    line.index = static_cast<unsigned>(plan.lines.size());
    line.mid = s.mid;
    line.role = *role;
    line.codec = std::move(*codec);
    const bool sendonly = has_flag(s, "sendonly"), recvonly = has_flag(s, "recvonly");
    line.sends = !recvonly;
    line.receives = !sendonly;
    plan.lines.push_back(std::move(line));
  }
  if (plan.lines.empty())
    throw OfferError("unsupported_offer",
                     "the offer has no usable m-line: assistd forwards Opus audio and VP8 or H.264 video, bundled");

  // The bundled m-lines in webrtcbin's offer, with the first one's transport for all of them.
  const Section& tag = sections[plan.lines.front().offer_index];
  std::string ufrag, pwd;
  for (const auto& l : tag.lines) {
    if (starts_with(l, "a=ice-ufrag:")) ufrag = l;
    if (starts_with(l, "a=ice-pwd:")) pwd = l;
  }
  auto put = [&plan](const std::string& l) { plan.sdp += l + "\r\n"; };
  for (const auto& l : session) {
    if (starts_with(l, "a=group:BUNDLE")) {
      std::string group = "a=group:BUNDLE";
      for (const auto& used : plan.lines) group += " " + used.mid;
      put(group);
    } else {
      put(l);
    }
  }
  for (const auto& used : plan.lines) {
    const Section& s = sections[used.offer_index];
    const bool is_tag = &s == &tag;
    for (std::size_t k = 0; k < s.lines.size(); ++k) {
      const auto& l = s.lines[k];
      if (k == 0 && s.port == "0") {  // bundle-only: rides on the tag's transport
        put("m=" + s.media + " 9 " + s.proto + l.substr(l.find(s.proto) + s.proto.size()));
      } else if (l == "a=bundle-only") {
        continue;
      } else if (!is_tag && (starts_with(l, "a=candidate:") || l == "a=end-of-candidates")) {
        continue;
      } else if (!is_tag && starts_with(l, "a=ice-ufrag:")) {
        if (!ufrag.empty()) put(ufrag);
      } else if (!is_tag && starts_with(l, "a=ice-pwd:")) {
        if (!pwd.empty()) put(pwd);
      } else {
        put(l);
      }
    }
  }
  return plan;
}

}  // namespace assist::media
