// File names from strangers: what is kept of the name a browser sent, and how a download
// names it again.
#pragma once

#include <string>
#include <string_view>

namespace assist {

// The last path component, without control characters, leading dots or spaces, cut to 200
// bytes on a UTF-8 boundary; "file" when nothing is left. Markup is kept: the pages show
// names as text. Invalid UTF-8 bytes become '_'.
std::string safe_file_name(std::string_view sent);

// `attachment; filename="ascii fallback"; filename*=UTF-8''…` (RFC 6266), or `inline; …`.
std::string content_disposition(const std::string& name, bool inline_display);

}  // namespace assist
