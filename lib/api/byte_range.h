// HTTP range requests (RFC 9110 §14) on a file of known size, so that a browser's <video> can
// seek in a recording and an interrupted download can resume.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/http.h"

namespace assist {

struct ByteRange {
  enum class Kind { whole, partial, unsatisfiable };
  Kind kind = Kind::whole;
  std::uint64_t first = 0;  // partial: the first and the last byte, inclusive
  std::uint64_t last = 0;
};

// A Range header's value against a resource of `size` bytes. One range only: `bytes=A-B`
// (B past the end is cut to it), `bytes=A-` or `bytes=-N` (the last N bytes, or all).
// Answers `whole` for no header, a malformed one, another unit, A > B, and a request for
// several ranges (the server may ignore any Range, RFC 9110 §14.2, and one 200 costs less
// than a multipart answer); `unsatisfiable` for A at or past the end and for `bytes=-0`.
// A suffix of an empty resource is `whole`: a 206 could not name an empty range.
ByteRange parse_range(std::string_view header, std::uint64_t size);

// The answer to `request` (its Range and If-Range headers, GET only) with the file at `path`
// of `size` bytes: 200 whole, 206 with Content-Range `bytes A-B/SIZE`, or 416 problem+json
// (`range_not_satisfiable`) with Content-Range `bytes */SIZE`; Accept-Ranges: bytes always.
HttpResponse file_response(const HttpRequest& request, const std::string& path, std::uint64_t size,
                           const std::string& content_type);

}  // namespace assist
