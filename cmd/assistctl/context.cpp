#include "context.h"

#include "util/url.h"

#include <unistd.h>

namespace assist::ctl {

void Context::check_endpoint() const {
  if (!endpoint.url.empty() && endpoint.api_key.empty())
    throw CtlError(exit_usage, "--url needs --api-key (or ASSIST_API_KEY)");
  if (endpoint.url.empty() && ::access(endpoint.socket_path.c_str(), F_OK) == 0 &&
      ::access(endpoint.socket_path.c_str(), R_OK | W_OK) != 0)
    throw CtlError(exit_denied, "no permission to use the control socket " + endpoint.socket_path +
                                    " (run as root or as a member of its group)");
}

CtlError Context::refusal(long status, const std::string& body) {
  auto json = body.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(body, nullptr, false);
  std::string detail = "assistd answered HTTP " + std::to_string(status);
  if (!json.is_discarded() && json.is_object() && json.contains("detail")) {
    detail = json.value("detail", detail);
    if (json.contains("code")) detail += " (" + json.value("code", "") + ")";
  }
  int code = exit_data;
  if (status == 401 || status == 403) code = exit_denied;
  else if (status == 503 || status == 429) code = exit_temp;
  else if (status >= 500) code = exit_unavailable;
  return CtlError(code, detail);
}

nlohmann::json Context::call(const std::string& method, const std::string& path,
                             const nlohmann::json& body) const {
  check_endpoint();
  Reply reply;
  try {
    reply = call_daemon(endpoint, method, path, body.is_null() ? "" : body.dump());
  } catch (const Unreachable& e) {
    throw CtlError(e.timed_out() ? exit_temp : exit_unavailable, e.what());
  }
  if (reply.status < 200 || reply.status >= 300) throw refusal(reply.status, reply.body);
  auto json = reply.body.empty() ? nlohmann::json(nullptr)
                                 : nlohmann::json::parse(reply.body, nullptr, false);
  if (json.is_discarded()) throw CtlError(exit_unavailable, "assistd answered with malformed JSON");
  return json;
}

nlohmann::json Context::fetch_list(const std::string& path, std::size_t limit) const {
  nlohmann::json items = nlohmann::json::array();
  std::string cursor;
  const char separator = path.find('?') == std::string::npos ? '?' : '&';
  for (;;) {
    const auto page = std::min<std::size_t>(500, limit - items.size());
    auto url = path + separator + "limit=" + std::to_string(page);
    if (!cursor.empty()) url += "&cursor=" + percent_encode(cursor);
    auto answer = call("GET", url);
    for (auto& item : answer["items"]) items.push_back(std::move(item));
    if (items.size() >= limit || !answer["next_cursor"].is_string()) break;
    cursor = answer["next_cursor"].get<std::string>();
  }
  return items;
}


std::string query_string(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs)
    if (!v.empty()) out += (out.empty() ? "?" : "&") + k + "=" + percent_encode(v);
  return out;
}

}  // namespace assist::ctl
