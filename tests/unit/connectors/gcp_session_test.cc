#include "connectors/gcp/gcp_session.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "connectors/gcp/credential_files.h"
#include "connectors/gcp/gcp_spec.h"
#include "connectors/gcp/google_api.h"
#include "connectors/gcp/oauth2_grants.h"
#include "connectors/gcp/token_cache.h"
#include "core/connector_validation.h"
#include "core/registry.h"
#include "crypto/encoding.h"
#include "fake_http_client.h"

namespace latchkey::gcp {
namespace {

// A fresh RSA key per test run, as PEM, and its public half for checking signatures
// independently of the signer under test.
struct TestKey {
  std::string private_pem;
  EVP_PKEY* pkey = nullptr;
  TestKey() {
    pkey = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    private_pem.assign(data, static_cast<size_t>(n));
    BIO_free(bio);
  }
  ~TestKey() { EVP_PKEY_free(pkey); }
  bool Verifies(std::string const& input, std::string const& signature) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
              EVP_DigestVerify(
                  ctx, reinterpret_cast<unsigned char const*>(signature.data()), signature.size(),
                  reinterpret_cast<unsigned char const*>(input.data()), input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  }
};

TestKey const& Key() {
  static TestKey const key;
  return key;
}

std::string KeyJson(std::string const& email = "sa@p.iam.gserviceaccount.com") {
  return nlohmann::json({{"type", "service_account"},
                         {"project_id", "p"},
                         {"private_key_id", "kid1"},
                         {"private_key", Key().private_pem},
                         {"client_email", email},
                         {"token_uri", "http://127.0.0.1:9/token"}})
      .dump();
}

std::map<std::string, std::string> FormOf(std::string const& body) {
  std::map<std::string, std::string> out;
  for (auto const& pair : Split(body, '&')) {
    auto eq = pair.find('=');
    std::string v = pair.substr(eq + 1), decoded;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '%' && i + 2 < v.size() + 0) {
        decoded.push_back(static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        decoded.push_back(v[i]);
      }
    }
    out[pair.substr(0, eq)] = decoded;
  }
  return out;
}

class GcpSessionTest : public ::testing::Test {
 protected:
  testing::FakeHttpClient http;
  Context ctx{http, *ParseTimestamp("2026-01-01 00:00:00"), Environment(), false};
  int serial = 0;

  void SetUp() override {
    // The process-wide cache would carry tokens between tests; every test uses its own project.
    project_ = "p" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& ch : project_) ch = static_cast<char>(std::tolower(ch));
  }

  Connector Make(std::string method, RawValues extra = {}) {
    Connector c;
    c.id = "0123456789abcdef";
    c.name = "g";
    c.auth_method = std::move(method);
    RawValues values = {{"project_id", project_}, {"api_endpoint", "http://127.0.0.1:9"}};
    for (auto& [k, v] : extra) values[k] = v;
    auto r = NormalizeConnector(*FindConnectorType("gcp"), c, values);
    EXPECT_TRUE(r) << r.error().message;
    return c;
  }

  void TokenAnswer(std::string token, int expires_in = 3600) {
    http.Enqueue(
        200, nlohmann::json(
                 {{"access_token", token}, {"expires_in", expires_in}, {"token_type", "Bearer"}})
                 .dump());
  }

  std::string project_;
};

TEST_F(GcpSessionTest, ServiceAccountSignsAnAssertionTheKeyVerifies) {
  TokenAnswer("ya29.one");
  auto c = Make("service-account", {{"service_account_json", KeyJson()}});
  auto token = ConnectorToken(ctx, c);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->token, "ya29.one");
  EXPECT_EQ(*token->expires_at, ctx.now + std::chrono::hours(1));
  auto const& request = http.requests.at(0);
  // api_endpoint overrides the key's token_uri.
  EXPECT_EQ(request.url, "http://127.0.0.1:9/token");
  auto form = FormOf(request.body);
  EXPECT_EQ(form["grant_type"], "urn:ietf:params:oauth:grant-type:jwt-bearer");
  auto parts = Split(form["assertion"], '.');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_TRUE(Key().Verifies(parts[0] + "." + parts[1], *crypto::Base64Decode(parts[2])));
  auto header = nlohmann::json::parse(*crypto::Base64Decode(parts[0]));
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["kid"], "kid1");
  auto claims = nlohmann::json::parse(*crypto::Base64Decode(parts[1]));
  EXPECT_EQ(claims["iss"], "sa@p.iam.gserviceaccount.com");
  EXPECT_EQ(claims["aud"], "http://127.0.0.1:9/token");
  EXPECT_EQ(claims["scope"], kCloudPlatformScope);
  EXPECT_EQ(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>(), 3600);
}

TEST_F(GcpSessionTest, TokensAreCachedUntilShortlyBeforeExpiry) {
  auto c = Make("service-account", {{"service_account_json", KeyJson()}});
  TokenAnswer("ya29.first");
  ASSERT_TRUE(ConnectorToken(ctx, c));
  ASSERT_EQ(ConnectorToken(ctx, c)->token, "ya29.first");
  EXPECT_EQ(http.requests.size(), 1u);
  ctx.now += std::chrono::minutes(56);  // inside the five-minute margin
  TokenAnswer("ya29.second");
  EXPECT_EQ(ConnectorToken(ctx, c)->token, "ya29.second");
  EXPECT_EQ(http.requests.size(), 2u);
}

TEST_F(GcpSessionTest, A401RefreshesTheTokenAndRetriesOnce) {
  auto c = Make("service-account", {{"service_account_json", KeyJson()}});
  TokenAnswer("ya29.stale");
  http.Enqueue(401, R"({"error":{"code":401,"message":"Invalid Credentials"}})");
  TokenAnswer("ya29.fresh");
  http.Enqueue(200, R"({"items":[]})");
  HttpRequest request;
  request.url = "http://127.0.0.1:9/storage/v1/b/x/o";
  auto response = SendGoogle(ctx, ConnectorTokens(ctx, c), request);
  ASSERT_TRUE(response) << response.error().message;
  ASSERT_EQ(http.requests.size(), 4u);
  EXPECT_EQ(http.requests[3].headers.back().second, "Bearer ya29.fresh");
}

TEST_F(GcpSessionTest, ErrorsCarryGooglesMessageButNeverTheToken) {
  auto c = Make("oauth2-token", {{"token", "ya29.secret-token-value"}});
  http.Enqueue(
      403,
      R"({"error":{"code":403,"message":"ya29.secret-token-value lacks storage.buckets.list"}})");
  HttpRequest request;
  request.url = "http://127.0.0.1:9/storage/v1/b?project=p";
  auto response = SendGoogle(ctx, ConnectorTokens(ctx, c), request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(response.error().message, "403 [HIDDEN] lacks storage.buckets.list");
}

TEST_F(GcpSessionTest, WrongKeyRefusalReachesTheUserClearly) {
  http.Enqueue(400, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})");
  auto c = Make("service-account", {{"service_account_json", KeyJson()}});
  auto token = ConnectorToken(ctx, c);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().message,
            "exchanging the key of sa@p.iam.gserviceaccount.com for an access token: 400 "
            "invalid_grant: Invalid JWT Signature.");
}

TEST_F(GcpSessionTest, ImpersonationAsksForTheTargetWithTheConfiguredLifetime) {
  TokenAnswer("ya29.source");
  http.Enqueue(200, R"({"accessToken":"ya29.target","expireTime":"2026-01-01T00:20:00Z"})");
  auto c = Make("impersonation", {{"service_account_json", KeyJson()},
                                  {"target_principal", "t@p.iam.gserviceaccount.com"},
                                  {"delegates", "d@p.iam.gserviceaccount.com"}});
  c.expiration_seconds = 1200;
  auto token = ConnectorToken(ctx, c);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->token, "ya29.target");
  EXPECT_EQ(token->principal, "t@p.iam.gserviceaccount.com");
  auto const& call = http.requests.at(1);
  EXPECT_EQ(call.url,
            "http://127.0.0.1:9/v1/projects/-/serviceAccounts/"
            "t%40p.iam.gserviceaccount.com:generateAccessToken");
  auto body = nlohmann::json::parse(call.body);
  EXPECT_EQ(body["lifetime"], "1200s");
  EXPECT_EQ(body["delegates"][0], "projects/-/serviceAccounts/d@p.iam.gserviceaccount.com");
  EXPECT_EQ(call.headers.back().second, "Bearer ya29.source");
}

TEST_F(GcpSessionTest, BucketTokensAreDownScopedWithAnAccessBoundary) {
  auto c = Make("oauth2-token", {{"token", "ya29.broad"},
                                 {"gcs_access_boundary_role", "roles/storage.objectViewer"}});
  TokenAnswer("ya29.narrow");
  auto token = ClientToken(ctx, c, "gcs-bucket", "gs://data.example.com");
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->token, "ya29.narrow");
  auto const& call = http.requests.at(0);
  EXPECT_EQ(call.url, "http://127.0.0.1:9/v1/token");
  auto form = FormOf(call.body);
  EXPECT_EQ(form["subject_token"], "ya29.broad");
  EXPECT_EQ(form["subject_token_type"], "urn:ietf:params:oauth:token-type:access_token");
  auto options = nlohmann::json::parse(form["options"]);
  auto rule = options["accessBoundary"]["accessBoundaryRules"][0];
  EXPECT_EQ(rule["availableResource"],
            "//storage.googleapis.com/projects/_/buckets/data.example.com");
  EXPECT_EQ(rule["availablePermissions"][0], "inRole:roles/storage.objectViewer");
}

TEST_F(GcpSessionTest, DownScopingCanBeTurnedOff) {
  auto c = Make("oauth2-token", {{"token", "ya29.broad"}, {"downscope_gcs_tokens", "false"}});
  auto token = ClientToken(ctx, c, "gcs-bucket", "gs://b1");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->token, "ya29.broad");
  EXPECT_TRUE(http.requests.empty());
}

TEST_F(GcpSessionTest, ImplicitAndExternalAccountsNeedTheSwitch) {
  for (auto const* method : {"implicit", "external-account"}) {
    RawValues extra;
    if (std::string(method) == "external-account") extra["external_account_json"] = "{}";
    auto token = ConnectorToken(ctx, Make(method, extra));
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().code, ErrorCode::kPermissionDenied);
    EXPECT_NE(token.error().message.find("LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS"),
              std::string::npos);
  }
}

TEST_F(GcpSessionTest, ExternalAccountExchangesAFileSourcedToken) {
  char path[] = "/tmp/gcp_subject_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string content = R"({"id_token":"third-party-jwt"})";
  ASSERT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  close(fd);
  nlohmann::json config = {
      {"type", "external_account"},
      {"audience",
       "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/"
       "providers/r"},
      {"subject_token_type", "urn:ietf:params:oauth:token-type:jwt"},
      {"token_url", "http://127.0.0.1:9/v1/token"},
      {"credential_source",
       {{"file", path}, {"format", {{"type", "json"}, {"subject_token_field_name", "id_token"}}}}}};
  ctx.allow_implicit_auth = true;
  TokenAnswer("ya29.federated");
  auto token =
      ConnectorToken(ctx, Make("external-account", {{"external_account_json", config.dump()}}));
  unlink(path);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->token, "ya29.federated");
  auto form = FormOf(http.requests.at(0).body);
  EXPECT_EQ(form["subject_token"], "third-party-jwt");
  EXPECT_EQ(form["audience"], config["audience"]);
  EXPECT_EQ(form["grant_type"], "urn:ietf:params:oauth:grant-type:token-exchange");
}

TEST_F(GcpSessionTest, UserAccountsUseTheRefreshGrant) {
  TokenAnswer("ya29.user");
  auto c = Make(
      "user-account",
      {{"user_account_json",
        R"({"type":"authorized_user","client_id":"cid","client_secret":"cs","refresh_token":"rt"})"}});
  auto token = ConnectorToken(ctx, c);
  ASSERT_TRUE(token) << token.error().message;
  auto form = FormOf(http.requests.at(0).body);
  EXPECT_EQ(form["grant_type"], "refresh_token");
  EXPECT_EQ(form["refresh_token"], "rt");
  EXPECT_EQ(form["client_secret"], "cs");
  // A server that rotates refresh tokens would see this one twice: never sent again blindly.
  EXPECT_FALSE(http.requests.at(0).safe_to_repeat);
}

TEST_F(GcpSessionTest, KeyGrantsMintTokensAndMayBeSentAgain) {
  TokenAnswer("ya29.sa");
  ASSERT_TRUE(ConnectorToken(ctx, Make("service-account", {{"service_account_json", KeyJson()}})));
  ASSERT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(http.requests[0].method, "POST");
  EXPECT_TRUE(http.requests[0].safe_to_repeat);
}

TEST(GoogleErrorTest, NamesTheOriginThatAnsweredWithoutPathOrQuery) {
  HttpResponse r{503, {}, R"({"error":{"code":503,"message":"backend busy"}})"};
  EXPECT_EQ(GoogleError(r).message, "503 backend busy");
  r.url = "https://storage.googleapis.com/storage/v1/b/secret-bucket?project=p";
  EXPECT_EQ(GoogleError(r).message, "503 backend busy (from https://storage.googleapis.com)");
}

TEST_F(GcpSessionTest, MalformedKeysAreRefusedWithoutQuotingThem) {
  auto c = Make("service-account",
                {{"service_account_json", R"({"type":"service_account","client_email":"x@y"})"}});
  auto token = ConnectorToken(ctx, c);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().message, "service_account_json has no 'private_key' (a string)");
}

}  // namespace
}  // namespace latchkey::gcp

namespace latchkey::gcp {
namespace {

// Found by fuzz_google_token: a "type" that is not a string made nlohmann's value() throw out of
// the parser (the CLI and the server's register path reach it with a user's uploaded file).
TEST(GcpCredentialFiles, ATypeOfAnotherKindIsRefusedNotThrown) {
  for (char const* text :
       {R"({"type":-0})", R"({"type":["service_account"]})", R"({"type":null})"}) {
    auto key = ParseServiceAccountKey(text, "the key file");
    ASSERT_FALSE(key) << text;
    EXPECT_EQ(key.error().message,
              "the key file must be a credentials file of type 'service_account'");
    EXPECT_FALSE(ParseAuthorizedUser(text, "the file"));
    EXPECT_FALSE(ParseExternalAccount(text, "the file"));
  }
}

}  // namespace
}  // namespace latchkey::gcp
