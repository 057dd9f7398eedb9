#include "server/http/router.h"

#include <gtest/gtest.h>

namespace latchkey::server {
namespace {

Handler Named(std::string name) {
  return [name](HttpRequest const&, PathParams const&) {
    return TextResponse(200, name, "text/plain");
  };
}

std::string Call(RouteMatch const& match) {
  if (match.outcome != RouteMatch::Outcome::kMatched) return "<no match>";
  return (*match.handler)(HttpRequest{}, match.params).body;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/v1/service_connectors", Named("list"), "List connectors");
    router_.Add("POST", "/api/v1/service_connectors", Named("create"), "Register a connector");
    router_.Add("GET", "/api/v1/service_connectors/{id}", Named("get"), "Describe a connector");
    router_.Add("delete", "/api/v1/service_connectors/{id}", Named("delete"), "Delete");
    router_.Add("POST", "/api/v1/service_connectors/{id}/verify", Named("verify"), "Verify");
    router_.Add("GET", "/api/v1/service_connectors/types", Named("types"), "Connector types");
    router_.Add("GET", "/api/v1/{kind}/{name}/resources", Named("resources"), "Resources");
    ASSERT_TRUE(router_.Check());
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralsAndParameters) {
  RouteMatch list = router_.Match("GET", "/api/v1/service_connectors");
  EXPECT_EQ(Call(list), "list");
  EXPECT_EQ(list.route, "/api/v1/service_connectors");
  EXPECT_TRUE(list.params.empty());

  RouteMatch verify = router_.Match("POST", "/api/v1/service_connectors/abc-1/verify");
  EXPECT_EQ(Call(verify), "verify");
  EXPECT_EQ(verify.route, "/api/v1/service_connectors/{id}/verify");
  EXPECT_EQ(verify.params, (PathParams{{"id", "abc-1"}}));

  RouteMatch two = router_.Match("GET", "/api/v1/aws/prod/resources");
  EXPECT_EQ(two.params, (PathParams{{"kind", "aws"}, {"name", "prod"}}));
  EXPECT_EQ(Call(router_.Match("DELETE", "/api/v1/service_connectors/x")), "delete");
}

TEST_F(RouterTest, DecodesEachSegmentAfterSplitting) {
  RouteMatch match = router_.Match("GET", "/api/v1/service_connectors/a%2Fb%20c");
  ASSERT_EQ(match.outcome, RouteMatch::Outcome::kMatched);
  EXPECT_EQ(match.params.at("id"), "a/b c");
  EXPECT_EQ(Call(router_.Match("GET", "/api/v1/service%5Fconnectors")), "list");
}

TEST_F(RouterTest, LiteralSegmentWinsOverParameter) {
  EXPECT_EQ(Call(router_.Match("GET", "/api/v1/service_connectors/types")), "types");
  EXPECT_EQ(Call(router_.Match("GET", "/api/v1/service_connectors/typez")), "get");
  // The literal route has no DELETE, so the parameter route serves it.
  EXPECT_EQ(Call(router_.Match("DELETE", "/api/v1/service_connectors/types")), "delete");
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  for (std::string_view path :
       {"/", "/api", "/api/v1/service_connectors/x/verify/extra", "/api/v1/service_connectors/",
        "/api/v1/service_connectors//verify"}) {
    SCOPED_TRACE(path);
    RouteMatch match = router_.Match("GET", path);
    EXPECT_EQ(match.outcome, RouteMatch::Outcome::kNotFound);
    EXPECT_EQ(match.handler, nullptr);
  }
  HttpResponse response = Router::NotFoundResponse();
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(nlohmann::json::parse(response.body)["error"]["code"], "not_found");
}

TEST_F(RouterTest, KnownPathWrongMethodListsAllowed) {
  RouteMatch match = router_.Match("PUT", "/api/v1/service_connectors/abc");
  ASSERT_EQ(match.outcome, RouteMatch::Outcome::kMethodNotAllowed);
  EXPECT_EQ(match.allow, (std::vector<std::string>{"DELETE", "GET"}));
  EXPECT_EQ(match.route, "/api/v1/service_connectors/{id}");

  HttpResponse response = Router::MethodNotAllowedResponse("PUT", match.allow);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.Header("allow"), "DELETE, GET");
  EXPECT_EQ(nlohmann::json::parse(response.body)["error"]["code"], "method_not_allowed");
}

TEST_F(RouterTest, RoutesListsEveryRouteInOrder) {
  std::vector<RouteInfo> routes = router_.Routes();
  ASSERT_EQ(routes.size(), 7u);
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].pattern, "/api/v1/service_connectors");
  EXPECT_EQ(routes[0].summary, "List connectors");
  EXPECT_EQ(routes[3].method, "DELETE");  // normalised to upper case
  EXPECT_EQ(routes[4].pattern, "/api/v1/service_connectors/{id}/verify");
}

TEST(RouterCheckTest, RejectsMalformedAndDuplicateRoutes) {
  auto handler = [](HttpRequest const&, PathParams const&) { return HttpResponse{}; };
  for (std::string_view bad :
       {"no/slash", "/a/{}", "/a/b{id}", "/a/{id}/{id}", "/a/{i d}", "/a/{id"}) {
    SCOPED_TRACE(bad);
    Router router;
    router.Add("GET", "/ok", handler);
    router.Add("GET", bad, handler);
    auto checked = router.Check();
    ASSERT_FALSE(checked);
    EXPECT_NE(checked.error().message.find(std::string(bad)), std::string::npos);
    EXPECT_EQ(router.Routes().size(), 1u);
  }
  Router router;
  router.Add("GET", "/a/{id}", handler);
  router.Add("POST", "/a/{id}", handler);
  EXPECT_TRUE(router.Check());
  router.Add("GET", "/a/{name}", handler);
  EXPECT_FALSE(router.Check());

  Router no_handler;
  no_handler.Add("GET", "/x", nullptr);
  EXPECT_FALSE(no_handler.Check());
}

TEST_F(RouterTest, FallbackAnswersOnlyUnmatchedGets) {
  router_.SetFallback(Named("fallback"), "dashboard");
  RouteMatch page = router_.Match("GET", "/connectors/aws-s3");
  EXPECT_EQ(Call(page), "fallback");
  EXPECT_EQ(page.route, "dashboard");
  // Routes still win, a known path with another method is still 405, other methods 404.
  EXPECT_EQ(Call(router_.Match("GET", "/api/v1/service_connectors")), "list");
  EXPECT_EQ(router_.Match("PUT", "/api/v1/service_connectors").outcome,
            RouteMatch::Outcome::kMethodNotAllowed);
  EXPECT_EQ(router_.Match("POST", "/connectors/aws-s3").outcome, RouteMatch::Outcome::kNotFound);
}

}  // namespace
}  // namespace latchkey::server
