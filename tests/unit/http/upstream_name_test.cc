#include "http/upstream_name.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

TEST(UpstreamNameTest, MessagesKeepTheURLWithoutQueryFragmentOrUserinfo) {
  EXPECT_EQ(UrlForMessages("https://acct.blob.core.windows.net/c/a%20b?sv=1&sig=SECRET#frag"),
            "https://acct.blob.core.windows.net/c/a%20b");
  EXPECT_EQ(UrlForMessages("http://user:pass@127.0.0.1:8080/v2/"), "http://127.0.0.1:8080/v2/");
  EXPECT_EQ(UrlForMessages("http://127.0.0.1:8080?access_token=T"), "http://127.0.0.1:8080");
  EXPECT_EQ(UrlForMessages("https://example.com"), "https://example.com");
}

TEST(UpstreamNameTest, OriginIsSchemeHostAndPort) {
  EXPECT_EQ(UrlOrigin("https://storage.googleapis.com/storage/v1/b?project=p"),
            "https://storage.googleapis.com");
  EXPECT_EQ(UrlOrigin("http://u:p@127.0.0.1:9/x"), "http://127.0.0.1:9");
  EXPECT_EQ(UrlOrigin("http://127.0.0.1:9?q=@x"), "http://127.0.0.1:9");
}

}  // namespace
}  // namespace latchkey
