#include "api/byte_range.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "api/problem.h"

namespace assist {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_bytes_unit(std::string_view unit) {
  constexpr std::string_view bytes = "bytes";
  return unit.size() == bytes.size() && std::equal(unit.begin(), unit.end(), bytes.begin(), [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b;
         });
}

// Saturates: a position past 2^64 - 1 is past the end of every file all the same.
std::uint64_t position(std::string_view digits) {
  constexpr auto most = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t n = 0;
  for (const char c : digits) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (n > (most - digit) / 10) return most;
    n = n * 10 + digit;
  }
  return n;
}

// a < b for digit strings of any length, where saturated values could not tell.
bool less(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// The one non-empty element of the range set (empty elements are allowed in a list, RFC 9110
// §5.6.1), or nullopt for none or several.
std::optional<std::string_view> single_spec(std::string_view set) {
  std::optional<std::string_view> spec;
  for (;;) {
    const auto comma = set.find(',');
    const auto element = trim(set.substr(0, comma));
    if (!element.empty()) {
      if (spec) return std::nullopt;
      spec = element;
    }
    if (comma == std::string_view::npos) return spec;
    set.remove_prefix(comma + 1);
  }
}

}  // namespace

ByteRange parse_range(std::string_view header, std::uint64_t size) {
  using Kind = ByteRange::Kind;
  header = trim(header);
  const auto equals = header.find('=');
  if (equals == std::string_view::npos || !is_bytes_unit(header.substr(0, equals))) return {};
  const auto spec = single_spec(header.substr(equals + 1));
  if (!spec) return {};
  const auto dash = spec->find('-');
  if (dash == std::string_view::npos) return {};
  const auto first_text = spec->substr(0, dash);
  const auto last_text = spec->substr(dash + 1);

  if (first_text.empty()) {
    if (!is_digits(last_text)) return {};
    const auto suffix = position(last_text);
    if (suffix == 0) return {Kind::unsatisfiable};
    if (size == 0) return {};
    return {Kind::partial, size - std::min(suffix, size), size - 1};
  }
  if (!is_digits(first_text) || (!last_text.empty() && !is_digits(last_text))) return {};
  if (!last_text.empty() && less(last_text, first_text)) return {};  // invalid, so ignored
  const auto first = position(first_text);
  if (first >= size) return {Kind::unsatisfiable};
  const auto last = last_text.empty() ? size - 1 : std::min(position(last_text), size - 1);
  return {Kind::partial, first, last};
}

HttpResponse file_response(const HttpRequest& request, const std::string& path, std::uint64_t size,
                           const std::string& content_type) {
  // If-Range asks for the range only if the file still matches a validator (an ETag or a
  // date); we send none, so none can match and the whole file is the answer (RFC 9110 §13.1.5).
  const bool honour_range = request.method == "GET" && request.header("if-range").empty();
  const auto range = honour_range ? parse_range(request.header("range"), size) : ByteRange{};
  const auto total = std::to_string(size);
  HttpResponse r;
  switch (range.kind) {
    case ByteRange::Kind::unsatisfiable:
      r = problem_response(416, "range_not_satisfiable", "the range asked for is not within the file's " + total + " bytes");
      r.headers.emplace_back("Content-Range", "bytes */" + total);
      break;
    case ByteRange::Kind::partial:
      r.status = 206;
      r.content_type = content_type;
      r.file = HttpResponse::FileBody{path, range.first, range.last - range.first + 1};
      r.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                  std::to_string(range.last) + "/" + total);
      break;
    case ByteRange::Kind::whole:
      r.content_type = content_type;
      r.file = HttpResponse::FileBody{path, 0, size};
      break;
  }
  r.headers.emplace_back("Accept-Ranges", "bytes");
  return r;
}

}  // namespace assist
