// Routes "METHOD /path/{param}" to handlers; one table that the OpenAPI test also reads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "domain/principal.h"
#include "store/sqlite.h"

namespace assist {

struct ApiServices;
struct Config;

enum class Access { open, signed_in };

struct Call {
  const HttpRequest& request;
  ApiServices& services;
  Db& db;                               // the handling thread's own connection
  std::shared_ptr<const Config> config;  // as it was when the request arrived
  std::map<std::string, std::string> params;  // from the path
  std::map<std::string, std::string> query;
  Principal principal;  // meaningful for Access::signed_in routes

  std::optional<std::string> query_value(const std::string& name) const;
  std::int64_t id_param(const std::string& name) const;  // 404 when not a positive integer
};

using Handler = std::function<HttpResponse(Call&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/appointments/{id}"
  Access access;
  Handler handler;
};

class Router {
 public:
  void add(std::string method, std::string pattern, Access access, Handler handler);
  const std::vector<Route>& routes() const { return routes_; }

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    bool path_known = false;  // some route has this path, maybe with another method
  };
  Match match(std::string_view method, std::string_view path) const;
  std::string allowed_methods(std::string_view path) const;  // "GET, POST" for an Allow header

 private:
  std::vector<Route> routes_;
};

// "%2F" → "/", "+" kept; returns nullopt for broken escapes.
std::optional<std::string> percent_decode(std::string_view text);
// "a=1&b=x+y" → {a: 1, b: "x y"}; a name given twice keeps its last value.
std::map<std::string, std::string> parse_query(std::string_view query);
// Every pair in order, a name given twice twice: what a signature over a form must see.
std::vector<std::pair<std::string, std::string>> parse_query_pairs(std::string_view query);

}  // namespace assist
