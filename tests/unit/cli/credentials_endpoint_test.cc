#include "cli/credentials_endpoint.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "server/raw_http_client.h"

namespace latchkey::cli {
namespace {

using server::testing::RawHttpClient;
using server::testing::RawResponse;

TimePoint UnixTime(int64_t seconds) { return TimePoint(std::chrono::seconds(seconds)); }

class CredentialsEndpointTest : public ::testing::Test {
 protected:
  void Start(CredentialsEndpointOptions options = {}) {
    options.issue = [this]() -> Result<Connector> {
      int n = ++issued_;
      if (fail_) return Fail(ErrorCode::kUnavailable, "connector 'aws' is unreachable");
      Connector c;
      c.name = "aws";
      c.connector_type = "aws";
      c.secrets = {{"aws_access_key_id", "ASIA" + std::to_string(n)},
                   {"aws_secret_access_key", "secret"},
                   {"aws_session_token", "token"}};
      c.expires_at = now_.load() + std::chrono::seconds(3600);
      return c;
    };
    options.now = [this] { return now_.load(); };
    options.report_error = [this](std::string const& line) { reported_ = line; };
    endpoint_ = std::make_unique<CredentialsEndpoint>(std::move(options));
    ASSERT_TRUE(endpoint_->Start());
    std::string url = endpoint_->url();
    ASSERT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
    ASSERT_EQ(url.substr(url.rfind('/')), "/credentials");
    port_ = static_cast<uint16_t>(std::stoi(url.substr(17, url.rfind('/') - 17)));
  }

  RawResponse Get(std::optional<std::string> authorization, std::string path = "/credentials") {
    RawHttpClient client(port_);
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (authorization) request += "Authorization: " + *authorization + "\r\n";
    request += "Connection: close\r\n\r\n";
    EXPECT_TRUE(client.Send(request));
    auto response = client.ReadResponse();
    EXPECT_TRUE(response);
    return response.value_or(RawResponse{});
  }

  std::atomic<TimePoint> now_{UnixTime(1780000000)};
  std::atomic<int> issued_{0};
  std::atomic<bool> fail_{false};
  std::string reported_;
  std::unique_ptr<CredentialsEndpoint> endpoint_;
  uint16_t port_ = 0;
};

TEST_F(CredentialsEndpointTest, RefusesRequestsWithoutTheToken) {
  Start();
  EXPECT_EQ(endpoint_->token().size(), 64u);
  EXPECT_EQ(Get(std::nullopt).status, 401);
  std::string wrong = endpoint_->token();
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(Get(wrong).status, 403);
  EXPECT_EQ(Get("Bearer " + endpoint_->token()).status, 403);
  EXPECT_EQ(issued_, 0);
}

TEST_F(CredentialsEndpointTest, ServesTheContainerDocumentAndReusesItUntilNearExpiry) {
  Start();
  auto first = Get(endpoint_->token());
  ASSERT_EQ(first.status, 200) << first.body;
  auto doc = nlohmann::json::parse(first.body);
  EXPECT_EQ(doc["AccessKeyId"], "ASIA1");
  EXPECT_EQ(doc["Token"], "token");
  EXPECT_EQ(doc["Expiration"], "2026-05-28T21:26:40Z");
  EXPECT_EQ(nlohmann::json::parse(Get(endpoint_->token()).body)["AccessKeyId"], "ASIA1");
  now_ = now_.load() + std::chrono::seconds(3600 - 301);  // still outside the 300 s margin
  EXPECT_EQ(nlohmann::json::parse(Get(endpoint_->token()).body)["AccessKeyId"], "ASIA1");
  now_ = now_.load() + std::chrono::seconds(2);  // inside it: fresh credentials
  EXPECT_EQ(nlohmann::json::parse(Get(endpoint_->token()).body)["AccessKeyId"], "ASIA2");
  EXPECT_EQ(issued_, 2);
}

TEST_F(CredentialsEndpointTest, ServesTheInitialCredentialsFirst) {
  Connector initial;
  initial.connector_type = "aws";
  initial.secrets = {{"aws_access_key_id", "ASIAINITIAL"}, {"aws_secret_access_key", "s"}};
  CredentialsEndpointOptions options;
  options.initial = initial;
  Start(options);
  auto doc = nlohmann::json::parse(Get(endpoint_->token()).body);
  EXPECT_EQ(doc["AccessKeyId"], "ASIAINITIAL");
  EXPECT_EQ(doc["Expiration"], "2026-05-28T20:41:40Z");  // nominal 900 s for long-lived keys
  EXPECT_EQ(issued_, 0);
}

TEST_F(CredentialsEndpointTest, IssuanceFailuresAreProtocolErrors) {
  fail_ = true;
  Start();
  auto r = Get(endpoint_->token());
  EXPECT_EQ(r.status, 503);
  auto doc = nlohmann::json::parse(r.body);
  EXPECT_EQ(doc["message"], "connector 'aws' is unreachable");
  EXPECT_NE(reported_.find("unreachable"), std::string::npos);
  EXPECT_EQ(Get(endpoint_->token(), "/other").status, 404);
}

}  // namespace
}  // namespace latchkey::cli
