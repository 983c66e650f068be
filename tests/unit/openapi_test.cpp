// The OpenAPI document in the repository and the router must describe the same routes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "api/api.h"
#include "api/openapi.h"
#include "temp_db.h"

namespace assist {
namespace {

TEST(OpenApi, DocumentMatchesTheRouter) {
  auto doc = nlohmann::json::parse(openapi_document());
  ASSERT_EQ(doc["openapi"].get<std::string>().rfind("3.", 0), 0u);
  std::set<std::string> documented;
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + path);
    }

  testing::TempDb t;
  ApiServices services{SharedConfig(std::make_shared<const Config>(*load_config_text("", "").config)), {}, 0, "x", {}, {}, {}, {}};
  Api api(services);
  std::set<std::string> routed;
  for (const auto& route : api.router().routes()) routed.insert(route.method + " " + route.pattern);

  for (const auto& r : routed) EXPECT_TRUE(documented.count(r)) << "route not in openapi.json: " << r;
  for (const auto& d : documented) EXPECT_TRUE(routed.count(d)) << "documented but not routed: " << d;
}

TEST(OpenApi, IsServed) {
  testing::TempDb t;
  ApiServices services{SharedConfig(std::make_shared<const Config>(*load_config_text("", "").config)), {}, 0, "x", {}, {}, {}, {}};
  Api api(services);
  HttpRequest r;
  r.method = "GET";
  r.target = "/api/v1/openapi.json";
  auto response = api.handle(r, *t.db);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, openapi_document());
}

}  // namespace
}  // namespace assist
