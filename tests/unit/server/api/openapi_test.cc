#include "server/api/openapi.h"

#include <gtest/gtest.h>

#include <set>

#include "common/strings.h"
#include "server/api/api_server.h"

namespace latchkey::api {
namespace {

// Every route the server registers is documented, and the document names no route that does not
// exist. Handlers are never called here, so the services can stay empty.
TEST(OpenApiTest, DocumentMatchesTheRouterExactly) {
  ApiServices services;
  server::Router router;
  AddApiRoutes(router, services);
  ASSERT_TRUE(router.Check());
  std::set<std::string> routed;
  for (auto const& r : router.Routes()) routed.insert(ToLower(r.method) + " " + r.pattern);
  std::set<std::string> documented;
  for (auto const& [path, methods] : OpenApiDocument().at("paths").items()) {
    for (auto const& [method, op] : methods.items()) {
      documented.insert(method + " " + path);
      EXPECT_TRUE(op.contains("summary")) << method << " " << path;
      EXPECT_TRUE(op.contains("responses")) << method << " " << path;
    }
  }
  EXPECT_EQ(routed, documented);
  EXPECT_GE(routed.size(), 25u);
}

TEST(OpenApiTest, EveryReferenceResolves) {
  auto const& doc = OpenApiDocument();
  std::vector<std::string> missing;
  std::function<void(nlohmann::json const&)> walk = [&](nlohmann::json const& j) {
    if (j.is_object()) {
      for (auto const& [k, v] : j.items()) {
        if (k == "$ref" && v.is_string()) {
          std::string ref = v.get<std::string>();  // "#/components/schemas/X"
          auto parts = Split(ref.substr(2), '/');
          nlohmann::json const* node = &doc;
          for (auto const& p : parts) {
            if (!node->contains(p)) {
              missing.push_back(ref);
              node = nullptr;
              break;
            }
            node = &(*node)[p];
          }
        } else {
          walk(v);
        }
      }
    } else if (j.is_array()) {
      for (auto const& e : j) walk(e);
    }
  };
  walk(doc);
  EXPECT_TRUE(missing.empty()) << Join(missing, ", ");
  EXPECT_EQ(doc.at("openapi").get<std::string>().substr(0, 2), "3.");
}

}  // namespace
}  // namespace latchkey::api
