// The browser pages assistd serves: the customer's join page /j/<token>, a queue's entry page
// /q/<slug>, the specialist console /console, and their scripts and styles under /web/. The join
// page carries the link's status (valid, too early, expired, closed, unknown) so it can explain a
// refused link without a call; the entry page carries the queue's public status.
#pragma once

#include <optional>

#include "api/http.h"
#include "config/config.h"
#include "store/sqlite.h"

namespace assist {

// The response for a page request, or nullopt when the path is not a page (the API's, say).
std::optional<HttpResponse> serve_web_page(const HttpRequest& request, const Config& config, Db& db);

}  // namespace assist
