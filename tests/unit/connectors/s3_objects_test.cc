#include "connectors/aws/s3_objects.h"

#include <gtest/gtest.h>

#include "fake_http_client.h"

namespace latchkey::aws {
namespace {

// A multipart upload asks for credentials before every part, so the parts after a refresh are
// signed with the new keys.
TEST(S3ObjectsTest, MultipartUploadSignsEachPartWithTheCurrentCredentials) {
  testing::FakeHttpClient http;
  http.SetHandler([](HttpRequest const& r) -> Result<HttpResponse> {
    if (r.body_reader) {  // drain the streamed part as libcurl would
      std::string buffer(1 << 16, '\0');
      uint64_t left = r.body_size;
      while (left > 0) {
        auto n = r.body_reader(buffer.data(), buffer.size());
        if (!n) return tl::unexpected(n.error());
        left -= *n;
      }
      return HttpResponse{200, {{"etag", "\"e\""}}, ""};
    }
    if (r.url.find("?uploads=") != std::string::npos) {
      return HttpResponse{200, {}, "<R><UploadId>u1</UploadId></R>"};
    }
    return HttpResponse{200, {}, "<CompleteMultipartUploadResult/>"};
  });
  Context ctx{http, Now(), Environment(), false};
  AwsEndpoint endpoint;
  endpoint.region = "us-east-1";
  endpoint.endpoint_url = "http://127.0.0.1:9";
  int issued = 0;
  CredentialSource credentials = [&]() -> Result<AwsCredentials> {
    AwsCredentials c;
    c.access_key_id = "AKID" + std::to_string(++issued);
    c.secret_access_key = "secret";
    return c;
  };
  uint64_t const size = kMultipartThreshold + (5ull << 20);
  ReadAt zeros = [&](uint64_t offset, char* buffer, size_t n) -> Result<size_t> {
    size_t give = static_cast<size_t>(std::min<uint64_t>(n, size - offset));
    std::fill(buffer, buffer + give, 'x');
    return give;
  };
  auto r = UploadObject(ctx, endpoint, credentials, "b", "k", zeros, size, {}, 32ull << 20);
  ASSERT_TRUE(r) << r.error().message;
  // One call before starting, one per part (3 parts of 32 MiB for 69 MiB).
  EXPECT_EQ(issued, 4);
  std::vector<std::string> keys;
  for (auto const& req : http.requests) {
    for (auto const& [name, value] : req.headers) {
      if (name == "Authorization") keys.push_back(value.substr(value.find("Credential=") + 11, 5));
    }
  }
  ASSERT_EQ(keys.size(), 5u);  // create, three parts, complete
  EXPECT_EQ(keys.front(), "AKID1");
  EXPECT_EQ(keys[3], "AKID4");
  EXPECT_EQ(keys.back(), "AKID4");
}

}  // namespace
}  // namespace latchkey::aws
