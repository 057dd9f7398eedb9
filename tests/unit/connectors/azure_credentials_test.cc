#include "connectors/azure/azure_credentials.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <optional>

#include "connectors/azure/azure_spec.h"
#include "connectors/azure/entra_token.h"
#include "connectors/azure/implicit_token.h"
#include "crypto/encoding.h"
#include "fake_http_client.h"

namespace latchkey::azure {
namespace {

using latchkey::testing::FakeHttpClient;

std::string Jwt(std::string const& payload) {
  auto b64 = [](std::string const& s) {
    std::string out = crypto::Base64Encode(s);
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
  };
  return b64(R"({"alg":"none"})") + "." + b64(payload) + ".sig";
}

Connector Sp() {
  Connector c;
  c.connector_type = kConnectorType;
  c.auth_method = kServicePrincipal;
  c.configuration = {
      {"client_id", "app-1"}, {"tenant_id", "tenant-1"}, {"authority_host", "http://127.0.0.1:9/"}};
  c.secrets = {{"client_secret", "s3cr3t+/="}};
  return c;
}

class AzureCredentials : public ::testing::Test {
 protected:
  void SetUp() override { ClearTokenCache(); }
  FakeHttpClient http;
  Context ctx{http, *ParseTimestamp("2026-01-01T00:00:00Z"), Environment(), false};
};

TEST_F(AzureCredentials, ServicePrincipalGrantPerScopeIsCached) {
  http.SetHandler([](HttpRequest const&) -> Result<HttpResponse> {
    return HttpResponse{
        200, {}, R"({"token_type":"Bearer","expires_in":3599,"access_token":"tok"})"};
  });
  auto t = TokenFor(ctx, Sp(), Audience::kManagement);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->token, "tok");
  EXPECT_EQ(t->expires_at, ctx.now + std::chrono::seconds(3599));
  ASSERT_EQ(http.requests.size(), 1u);
  auto const& r = http.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:9/tenant-1/oauth2/v2.0/token");
  EXPECT_EQ(r.body,
            "grant_type=client_credentials&client_id=app-1&client_secret=s3cr3t%2B%2F%3D&scope="
            "https%3A%2F%2Fmanagement.azure.com%2F.default");
  // Same scope: from the cache. Another scope: a second grant.
  ASSERT_TRUE(TokenFor(ctx, Sp(), Audience::kManagement));
  EXPECT_EQ(http.requests.size(), 1u);
  ASSERT_TRUE(TokenFor(ctx, Sp(), Audience::kStorage));
  ASSERT_EQ(http.requests.size(), 2u);
  EXPECT_NE(http.requests[1].body.find("scope=https%3A%2F%2Fstorage.azure.com%2F.default"),
            std::string::npos);
  // Shortly before expiry the cached token is no longer handed out.
  ctx.now += std::chrono::seconds(3599) - kTokenRefreshMargin + std::chrono::seconds(1);
  ASSERT_TRUE(TokenFor(ctx, Sp(), Audience::kManagement));
  EXPECT_EQ(http.requests.size(), 3u);
}

TEST_F(AzureCredentials, WrongSecretIsOneLineWithoutTheSecret) {
  http.Enqueue(401, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid )"
                    R"(client secret provided.\r\nTrace ID: x\r\nCorrelation ID: y"})");
  auto t = TokenFor(ctx, Sp(), Audience::kManagement);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(t.error().message,
            "Entra ID refused the credentials of service principal 'app-1' in tenant 'tenant-1' "
            "(HTTP 401 invalid_client): AADSTS7000215: Invalid client secret provided.");
  EXPECT_EQ(t.error().message.find("s3cr3t"), std::string::npos);
  // The grant only mints a token from a secret that stays valid: it may be sent again.
  EXPECT_TRUE(http.requests.back().safe_to_repeat);
}

TEST_F(AzureCredentials, AccessTokenAudienceDecidesWhatItServes) {
  Connector c;
  c.auth_method = kAccessToken;
  c.secrets = {{"token", Jwt(R"({"aud":"https://management.azure.com/","exp":1767229200})")}};
  auto mgmt = TokenFor(ctx, c, Audience::kManagement);
  ASSERT_TRUE(mgmt);
  EXPECT_EQ(mgmt->expires_at, TimePoint(std::chrono::seconds(1767229200)));
  auto blob = TokenFor(ctx, c, Audience::kStorage);
  ASSERT_FALSE(blob);
  EXPECT_EQ(blob.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(blob.error().message.find("audience 'https://management.azure.com/', which cannot "
                                      "reach blob containers"),
            std::string::npos);
  EXPECT_NE(blob.error().message.find("https://storage.azure.com/"), std::string::npos);
  c.secrets["token"] = Jwt(R"({"aud":"https://storage.azure.com"})");
  EXPECT_TRUE(TokenFor(ctx, c, Audience::kStorage));
  EXPECT_FALSE(TokenFor(ctx, c, Audience::kManagement));
  c.secrets["token"] = "opaque-token";  // not a JWT: the service decides
  EXPECT_TRUE(TokenFor(ctx, c, Audience::kStorage));
  EXPECT_TRUE(http.requests.empty());
}

TEST_F(AzureCredentials, ImplicitIsRefusedUnlessEnabled) {
  Connector c;
  c.auth_method = kImplicit;
  auto t = TokenFor(ctx, c, Audience::kManagement);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS"), std::string::npos);
}

TEST_F(AzureCredentials, ImplicitUsesTheManagedIdentityEndpoint) {
  ctx.allow_implicit_auth = true;
  ctx.env.Set("IDENTITY_ENDPOINT", "http://127.0.0.1:9/msi/token");
  ctx.env.Set("IDENTITY_HEADER", "hdr");
  http.Enqueue(200, R"({"access_token":"mi","expires_on":"1767229200","token_type":"Bearer"})");
  Connector c;
  c.auth_method = kImplicit;
  auto t = TokenFor(ctx, c, Audience::kStorage);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->token, "mi");
  EXPECT_EQ(http.requests[0].url,
            "http://127.0.0.1:9/msi/"
            "token?resource=https%3A%2F%2Fstorage.azure.com%2F&api-version=2019-08-01");
  EXPECT_EQ(http.requests[0].headers[0].first, "X-IDENTITY-HEADER");
}

// Sets TZ for one test and puts the old value back, so other tests keep the process's zone.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(char const* tz) {
    if (char const* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> old_;
};

TEST(AzureAzCli, PrefersTheEpochExpiry) {
  ScopedTimeZone tz("IST-5:30");
  auto a = ParseAzCliToken(
      R"({"accessToken":"t","expiresOn":"2026-01-01 06:30:00.000000","expires_on":1767229200})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->expires_at, TimePoint(std::chrono::seconds(1767229200)));
  auto b = ParseAzCliToken(R"({"accessToken":"t","expires_on":"1767229200"})");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->expires_at, TimePoint(std::chrono::seconds(1767229200)));
}

// az prints expiresOn in the local zone: the same instant reads differently under two zones.
TEST(AzureAzCli, ReadsExpiresOnAsLocalTime) {
  {
    ScopedTimeZone tz("IST-5:30");  // POSIX form: UTC+5:30, no tzdata needed
    auto a = ParseAzCliToken(R"({"accessToken":"t","expiresOn":"2026-01-01 06:30:00.000000"})");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->expires_at, *ParseTimestamp("2026-01-01T01:00:00Z"));
  }
  {
    ScopedTimeZone tz("UTC0");
    auto b = ParseAzCliToken(R"({"accessToken":"t","expiresOn":"2026-01-01 01:00:00"})");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->expires_at, *ParseTimestamp("2026-01-01T01:00:00Z"));
  }
  EXPECT_FALSE(ParseAzCliToken("{}"));
  EXPECT_FALSE(ParseAzCliToken(R"({"accessToken":"t","expiresOn":"tomorrow"})"));
  EXPECT_FALSE(ParseAzCliToken(R"({"accessToken":"t","expiresOn":"2026-01-01 01:00:00Z"})"));
}

// Found by fuzz_entra_token: an error description quoting the request leaked the secret.
TEST_F(AzureCredentials, SecretEchoedByTheTokenEndpointIsHidden) {
  http.Enqueue(401, R"({"error":"invalid_client","error_description":"bad secret s3cr3t+/="})");
  auto t = TokenFor(ctx, Sp(), Audience::kManagement);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().message.find("s3cr3t"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("bad secret [HIDDEN]"), std::string::npos);
}

}  // namespace
}  // namespace latchkey::azure
