// Wall-clock time as UTC seconds since the epoch, ISO-8601 text and "1h30m" durations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace assist {

using UnixSeconds = std::int64_t;

UnixSeconds now_seconds();
std::int64_t now_milliseconds();  // since the epoch

// Accepts "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z" or "+HH:MM"/"-HH:MM".
// A time without a zone is refused: it would silently depend on the server's zone.
std::optional<UnixSeconds> parse_iso8601(std::string_view text);
std::string format_iso8601(UnixSeconds t);  // "2026-11-27T10:00:00Z"

// "45s", "15m", "1h30m", "2d"; a bare number is refused (the unit must be explicit).
std::optional<std::int64_t> parse_duration(std::string_view text);
std::string format_duration(std::int64_t seconds);

}  // namespace assist
