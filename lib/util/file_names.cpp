#include "util/file_names.h"

#include <cstdio>

#include "util/utf8.h"

namespace assist {
namespace {

constexpr std::size_t max_name_bytes = 200;

}  // namespace

std::string safe_file_name(std::string_view sent) {
  if (const auto slash = sent.find_last_of("/\\"); slash != std::string_view::npos) sent.remove_prefix(slash + 1);
  std::string out;
  for (std::size_t i = 0; i < sent.size();) {
    const auto len = utf8_sequence_length(sent, i);
    const auto c = static_cast<unsigned char>(sent[i]);
    if (len == 0) {
      out += '_';
      ++i;
      continue;
    }
    if (len == 1 && (c < 0x20 || c == 0x7f)) {
      ++i;
      continue;
    }
    if (out.size() + len > max_name_bytes) break;
    out.append(sent.substr(i, len));
    i += len;
  }
  const auto start = out.find_first_not_of(". ");
  out = start == std::string::npos ? std::string() : out.substr(start);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "file" : out;
}

std::string content_disposition(const std::string& name, bool inline_display) {
  std::string fallback, encoded;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    fallback += c < 0x20 || c >= 0x7f || ch == '"' || ch == '\\' || ch == '%' ? '_' : ch;
    const bool plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       ch == '.' || ch == '-' || ch == '_' || ch == '~';
    if (plain) {
      encoded += ch;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      encoded += hex;
    }
  }
  return std::string(inline_display ? "inline" : "attachment") + "; filename=\"" + fallback +
         "\"; filename*=UTF-8''" + encoded;
}

}  // namespace assist
