#include "server/http/static_site.h"

#include <gtest/gtest.h>

#include <vector>

namespace latchkey::server {
namespace {

HttpRequest StaticGet(std::string path) {
  HttpRequest r;
  r.method = "GET";
  r.path = std::move(path);
  return r;
}

class StaticSiteTest : public ::testing::Test {
 protected:
  std::vector<StaticFile> files_ = {
      {"/index.html", "<!doctype html><title>Latchkey</title>"},
      {"/assets/app-1a2b3c.js", "console.log(1)"},
      {"/assets/app-1a2b3c.css", "body{}"},
      {"/favicon.svg", "<svg/>"},
  };
  StaticSite site_{files_};
};

TEST_F(StaticSiteTest, ServesFilesWithTheirTypes) {
  auto js = site_.Serve(StaticGet("/assets/app-1a2b3c.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(site_.Serve(StaticGet("/assets/app-1a2b3c.css")).Header("Content-Type"),
            "text/css; charset=utf-8");
  EXPECT_EQ(site_.Serve(StaticGet("/favicon.svg")).Header("Content-Type"), "image/svg+xml");
  EXPECT_EQ(StaticSite::ContentType("/a/b"), "application/octet-stream");
  EXPECT_EQ(StaticSite::ContentType("/a.b/c"), "application/octet-stream");
}

TEST_F(StaticSiteTest, HashedNamesAreImmutableAndTheShellRevalidates) {
  EXPECT_EQ(site_.Serve(StaticGet("/assets/app-1a2b3c.js")).Header("Cache-Control"),
            "public, max-age=31536000, immutable");
  EXPECT_EQ(site_.Serve(StaticGet("/index.html")).Header("Cache-Control"), "no-cache");
}

TEST_F(StaticSiteTest, ClientRoutesGetTheShellButApiPathsAndOldAssetsDoNot) {
  for (char const* path : {"/", "/connectors", "/connectors/aws-s3/client", "/x.html"}) {
    auto r = site_.Serve(StaticGet(path));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.Header("Content-Type"), "text/html; charset=utf-8") << path;
  }
  for (char const* path : {"/api", "/api/", "/api/v1/nothing", "/assets/app-old.js"}) {
    auto r = site_.Serve(StaticGet(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.Header("Content-Type"), "application/json") << path;
  }
}

TEST_F(StaticSiteTest, ETagGivesNotModified) {
  auto first = site_.Serve(StaticGet("/"));
  auto etag = first.Header("ETag");
  ASSERT_TRUE(etag);
  EXPECT_EQ(etag->front(), '"');
  auto again = StaticGet("/connectors");
  again.headers.emplace_back("If-None-Match", *etag);
  auto second = site_.Serve(again);
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
  EXPECT_EQ(second.Header("ETag"), etag);
  // Another file's validator does not match.
  auto other = StaticGet("/favicon.svg");
  other.headers.emplace_back("If-None-Match", *etag);
  EXPECT_EQ(site_.Serve(other).status, 200);
}

TEST(StaticSiteEmptyTest, WithoutFilesEverythingIsNotFound) {
  StaticSite site({});
  EXPECT_TRUE(site.empty());
  EXPECT_EQ(site.Serve(StaticGet("/")).status, 404);
}

}  // namespace
}  // namespace latchkey::server
