#include "server/http/http_types.h"

#include <gtest/gtest.h>

#include "server/http/request_target.h"

namespace latchkey::server {
namespace {

TEST(HttpTypesTest, StatusForEveryErrorCode) {
  struct Case {
    ErrorCode code;
    int status;
    std::string_view name;
  };
  for (Case const& c : {
           Case{ErrorCode::kInvalidArgument, 400, "invalid_argument"},
           Case{ErrorCode::kUnauthenticated, 401, "unauthenticated"},
           Case{ErrorCode::kPermissionDenied, 403, "permission_denied"},
           Case{ErrorCode::kNotFound, 404, "not_found"},
           Case{ErrorCode::kAlreadyExists, 409, "already_exists"},
           Case{ErrorCode::kConflict, 409, "conflict"},
           Case{ErrorCode::kFailedPrecondition, 400, "failed_precondition"},
           Case{ErrorCode::kResourceExhausted, 429, "resource_exhausted"},
           Case{ErrorCode::kUnavailable, 503, "unavailable"},
           Case{ErrorCode::kDeadlineExceeded, 504, "deadline_exceeded"},
           Case{ErrorCode::kInternal, 500, "internal"},
       }) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(HttpStatusFor(c.code), c.status);
    EXPECT_EQ(ErrorCodeName(c.code), c.name);
    HttpResponse response = ErrorResponse(Error{c.code, "it went \"wrong\""});
    EXPECT_EQ(response.status, c.status);
    EXPECT_EQ(response.Header("content-type"), "application/json");
    auto body = nlohmann::json::parse(response.body);
    EXPECT_EQ(body,
              (nlohmann::json{{"error", {{"code", c.name}, {"message", "it went \"wrong\""}}}}));
  }
}

TEST(HttpTypesTest, JsonResponseSurvivesInvalidUtf8) {
  HttpResponse response = JsonResponse(200, nlohmann::json{{"name", std::string("bad\xff")}});
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("bad"), std::string::npos);
}

TEST(HttpTypesTest, HeaderLookupIgnoresCase) {
  HttpRequest request;
  request.headers = {{"Content-Type", "text/plain"}, {"X-Token", "a"}, {"x-token", "b"}};
  EXPECT_EQ(request.Header("content-type"), "text/plain");
  EXPECT_EQ(request.Header("X-TOKEN"), "a");
  EXPECT_EQ(request.Header("missing"), std::nullopt);

  HttpResponse response;
  response.headers = {{"allow", "GET"}, {"ALLOW", "PUT"}};
  response.SetHeader("Allow", "POST");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.Header("allow"), "POST");
}

TEST(HttpTypesTest, PercentDecoding) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("%e2%82%ac", false), "\xe2\x82\xac");
  EXPECT_EQ(PercentDecode("%", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%4", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%zz", false), std::nullopt);
  EXPECT_EQ(PercentDecode("ok%41", false), "okA");
}

TEST(HttpTypesTest, RequestTargetSplitsPathAndQuery) {
  auto target = ParseRequestTarget("/api/v1/x%20y?tag=a&tag=b+c&flag&&empty=&k%3D=v%26");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->raw_path, "/api/v1/x%20y");
  EXPECT_EQ(target->path, "/api/v1/x y");
  QueryParams expected = {{"tag", "a"}, {"tag", "b c"}, {"flag", ""}, {"empty", ""}, {"k=", "v&"}};
  EXPECT_EQ(target->query, expected);

  HttpRequest request;
  request.query = target->query;
  EXPECT_EQ(request.Query("tag"), "a");
  EXPECT_EQ(request.QueryAll("tag"), (std::vector<std::string>{"a", "b c"}));
  EXPECT_EQ(request.Query("nope"), std::nullopt);
}

TEST(HttpTypesTest, RequestTargetRefusesNonOriginForms) {
  EXPECT_FALSE(ParseRequestTarget("http://example.com/a"));
  EXPECT_FALSE(ParseRequestTarget("*"));
  EXPECT_FALSE(ParseRequestTarget(""));
  EXPECT_FALSE(ParseRequestTarget("/a%zz"));
  EXPECT_FALSE(ParseRequestTarget("/a?x=%"));
  auto root = ParseRequestTarget("/?");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->path, "/");
  EXPECT_TRUE(root->query.empty());
}

}  // namespace
}  // namespace latchkey::server
