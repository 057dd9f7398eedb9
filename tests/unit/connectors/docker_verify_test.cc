#include <gtest/gtest.h>

#include "connectors/docker/docker_connector.h"
#include "crypto/encoding.h"
#include "fake_http_client.h"

namespace latchkey {
namespace {

using testing::FakeHttpClient;

constexpr char kUser[] = "alice";
constexpr char kPassword[] = "correct-horse-battery";
constexpr char kToken[] = "registry-token-xyz";

std::string BasicFor(std::string const& user, std::string const& password) {
  return "Basic " + crypto::Base64Encode(user + ":" + password);
}

std::optional<std::string> AuthorizationOf(HttpRequest const& r) {
  for (auto const& [k, v] : r.headers) {
    if (k == "Authorization") return v;
  }
  return std::nullopt;
}

Connector DockerConnector(std::optional<std::string> registry,
                          std::string const& password = kPassword) {
  Connector c;
  c.name = "reg";
  c.connector_type = "docker";
  c.auth_method = "password";
  c.resource_types = {"docker-registry"};
  if (registry) c.configuration["registry"] = *registry;
  c.secrets = {{"username", kUser}, {"password", password}};
  return c;
}

HttpResponse Response(long status, HttpHeaders headers = {}, std::string body = "") {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

// A registry with htpasswd-style Basic auth, as docker-registry's htpasswd mode behaves.
FakeHttpClient::Handler BasicRegistry(std::string const& base) {
  return [base](HttpRequest const& r) -> Result<HttpResponse> {
    if (r.url != base + "/v2/") return Response(404);
    auto auth = AuthorizationOf(r);
    if (auth && *auth == BasicFor(kUser, kPassword)) return Response(200, {}, "{}");
    return Response(401, {{"www-authenticate", R"(Basic realm="test-realm")"}},
                    R"({"errors":[{"code":"UNAUTHORIZED"}]})");
  };
}

// A registry delegating to a token server, as Docker Hub and docker-registry's token mode do.
FakeHttpClient::Handler TokenRegistry(std::string const& token_field = "token") {
  return [token_field](HttpRequest const& r) -> Result<HttpResponse> {
    auto auth = AuthorizationOf(r);
    if (r.url.rfind("https://auth.example.com/token", 0) == 0) {
      if (!auth || *auth != BasicFor(kUser, kPassword)) return Response(401);
      return Response(200, {}, R"({")" + token_field + R"(":")" + kToken + R"("})");
    }
    if (r.url == "https://reg.example.com/v2/") {
      if (auth && *auth == std::string("Bearer ") + kToken) return Response(200, {}, "{}");
      return Response(
          401, {{"www-authenticate",
                 R"(Bearer realm="https://auth.example.com/token",service="reg.example.com")"}});
    }
    return Response(404);
  };
}

class DockerVerifyTest : public ::testing::Test {
 protected:
  Result<std::vector<std::string>> Verify(Connector const& c, OptString rt = "docker-registry",
                                          OptString rid = std::nullopt) {
    Context ctx{http_, TimePoint{}, Environment()};
    ctx.timeout = std::chrono::milliseconds(4321);
    return type_->Verify(ctx, c, rt, rid);
  }

  void ExpectNoSecretIn(std::string const& message) {
    for (char const* secret : {kUser, kPassword, kToken}) {
      EXPECT_EQ(message.find(secret), std::string::npos) << message;
    }
    EXPECT_EQ(message.find(crypto::Base64Encode(std::string(kUser) + ":" + kPassword)),
              std::string::npos);
  }

  std::unique_ptr<ConnectorType> type_ = MakeDockerConnectorType();
  FakeHttpClient http_;
};

TEST_F(DockerVerifyTest, BasicAuthRegistry) {
  http_.SetHandler(BasicRegistry("https://reg.example.com:5000"));
  auto ids = Verify(DockerConnector("reg.example.com:5000"));
  ASSERT_TRUE(ids.has_value()) << ids.error().message;
  EXPECT_EQ(*ids, std::vector<std::string>{"reg.example.com:5000"});
  ASSERT_EQ(http_.requests.size(), 2u);
  EXPECT_EQ(http_.requests[0].url, "https://reg.example.com:5000/v2/");
  EXPECT_FALSE(AuthorizationOf(http_.requests[0]).has_value());
  EXPECT_EQ(AuthorizationOf(http_.requests[1]), BasicFor(kUser, kPassword));
  for (auto const& r : http_.requests) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.timeout, std::chrono::milliseconds(4321));
  }
}

TEST_F(DockerVerifyTest, BearerTokenDance) {
  http_.SetHandler(TokenRegistry());
  auto ids = Verify(DockerConnector("https://reg.example.com/some/repo"));
  ASSERT_TRUE(ids.has_value()) << ids.error().message;
  EXPECT_EQ(*ids, std::vector<std::string>{"reg.example.com"});
  ASSERT_EQ(http_.requests.size(), 3u);
  EXPECT_EQ(http_.requests[0].url, "https://reg.example.com/v2/");

  HttpRequest const& token_request = http_.requests[1];
  EXPECT_EQ(
      token_request.url,
      "https://auth.example.com/token?service=reg.example.com&scope=registry%3Acatalog%3A%2A");
  EXPECT_EQ(AuthorizationOf(token_request), BasicFor(kUser, kPassword));
  EXPECT_EQ(token_request.url.find(kUser), std::string::npos);  // no account= in the URL
  EXPECT_EQ(token_request.timeout, std::chrono::milliseconds(4321));

  EXPECT_EQ(http_.requests[2].url, "https://reg.example.com/v2/");
  EXPECT_EQ(AuthorizationOf(http_.requests[2]), std::string("Bearer ") + kToken);
}

TEST_F(DockerVerifyTest, BearerTokenFromAccessTokenField) {
  http_.SetHandler(TokenRegistry("access_token"));
  auto ids = Verify(DockerConnector("reg.example.com"));
  ASSERT_TRUE(ids.has_value()) << ids.error().message;
}

TEST_F(DockerVerifyTest, BearerChallengeScopeIsRequestedToo) {
  http_.Enqueue(
      401, "",
      {{"www-authenticate", R"(Bearer realm="https://auth.example.com/token?x=1",service="svc",)"
                            R"(scope="repository:team/app:pull")"}});
  http_.Enqueue(200, R"({"token":"t"})");
  http_.Enqueue(200, "{}");
  ASSERT_TRUE(Verify(DockerConnector("reg.example.com")).has_value());
  ASSERT_EQ(http_.requests.size(), 3u);
  EXPECT_EQ(http_.requests[1].url,
            "https://auth.example.com/token?x=1&service=svc&scope=repository%3Ateam%2Fapp%3Apull"
            "&scope=registry%3Acatalog%3A%2A");
  EXPECT_EQ(AuthorizationOf(http_.requests[2]), "Bearer t");
}

TEST_F(DockerVerifyTest, WrongPasswordOnBasicRegistry) {
  http_.SetHandler(BasicRegistry("https://reg.example.com"));
  auto ids = Verify(DockerConnector("reg.example.com", "wrong-password-value"));
  ASSERT_FALSE(ids.has_value());
  EXPECT_EQ(ids.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(ids.error().message.find("authentication to registry reg.example.com failed: "),
            std::string::npos)
      << ids.error().message;
  EXPECT_EQ(ids.error().message.find("wrong-password-value"), std::string::npos);
  ExpectNoSecretIn(ids.error().message);
}

TEST_F(DockerVerifyTest, WrongPasswordAtTokenServer) {
  http_.SetHandler(TokenRegistry());
  auto ids = Verify(DockerConnector("reg.example.com", "wrong-password-value"));
  ASSERT_FALSE(ids.has_value());
  EXPECT_EQ(ids.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(ids.error().message.find("authentication to registry reg.example.com failed: "),
            std::string::npos)
      << ids.error().message;
  EXPECT_EQ(ids.error().message.find("wrong-password-value"), std::string::npos);
  ExpectNoSecretIn(ids.error().message);
  EXPECT_EQ(http_.requests.size(), 2u);  // the registry is not asked again without a token
}

TEST_F(DockerVerifyTest, RegistryRefusingTheIssuedToken) {
  http_.Enqueue(401, "", {{"www-authenticate", R"(Bearer realm="https://auth.example.com/t")"}});
  http_.Enqueue(200, std::string(R"({"token":")") + kToken + R"("})");
  http_.Enqueue(401, "", {{"www-authenticate", R"(Bearer realm="https://auth.example.com/t")"}});
  auto ids = Verify(DockerConnector("reg.example.com"));
  ASSERT_FALSE(ids.has_value());
  EXPECT_EQ(ids.error().code, ErrorCode::kUnauthenticated);
  ExpectNoSecretIn(ids.error().message);
}

TEST_F(DockerVerifyTest, TokenServerWithoutTokenOrRealm) {
  http_.Enqueue(401, "", {{"www-authenticate", R"(Bearer realm="https://auth.example.com/t")"}});
  http_.Enqueue(200, "not json");
  auto no_token = Verify(DockerConnector("reg.example.com"));
  ASSERT_FALSE(no_token.has_value());
  EXPECT_NE(no_token.error().message.find("without a token"), std::string::npos);

  http_.Enqueue(401, "", {{"www-authenticate", R"(Bearer service="svc")"}});
  auto no_realm = Verify(DockerConnector("reg.example.com"));
  ASSERT_FALSE(no_realm.has_value());
  EXPECT_NE(no_realm.error().message.find("realm"), std::string::npos);

  http_.Enqueue(401, "", {{"www-authenticate", R"(Bearer realm="file:///etc/passwd")"}});
  EXPECT_FALSE(Verify(DockerConnector("reg.example.com")).has_value());
}

TEST_F(DockerVerifyTest, LoopbackFallsBackToHttpWhenHttpsCannotConnect) {
  http_.SetHandler([](HttpRequest const& r) -> Result<HttpResponse> {
    if (r.url.rfind("https://", 0) == 0) {
      return Fail(ErrorCode::kUnavailable, "GET " + r.url + " failed: SSL connect error");
    }
    return BasicRegistry("http://127.0.0.1:5000")(r);
  });
  auto ids = Verify(DockerConnector("127.0.0.1:5000"));
  ASSERT_TRUE(ids.has_value()) << ids.error().message;
  EXPECT_EQ(*ids, std::vector<std::string>{"127.0.0.1:5000"});
  ASSERT_EQ(http_.requests.size(), 3u);
  EXPECT_EQ(http_.requests[0].url, "https://127.0.0.1:5000/v2/");
  EXPECT_EQ(http_.requests[1].url, "http://127.0.0.1:5000/v2/");
  EXPECT_EQ(http_.requests[2].url, "http://127.0.0.1:5000/v2/");
  EXPECT_EQ(AuthorizationOf(http_.requests[2]), BasicFor(kUser, kPassword));
}

TEST_F(DockerVerifyTest, LoopbackPrefersHttpsWhenItAnswers) {
  http_.SetHandler(BasicRegistry("https://localhost:5000"));
  ASSERT_TRUE(Verify(DockerConnector("localhost:5000")).has_value());
  for (auto const& r : http_.requests) EXPECT_EQ(r.url, "https://localhost:5000/v2/");
}

TEST_F(DockerVerifyTest, NoHttpFallbackForRemoteHosts) {
  http_.SetHandler([](HttpRequest const& r) -> Result<HttpResponse> {
    return Fail(ErrorCode::kUnavailable, "GET " + r.url + " failed: Could not connect");
  });
  auto ids = Verify(DockerConnector("reg.example.com:5000"));
  ASSERT_FALSE(ids.has_value());
  EXPECT_EQ(ids.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(ids.error().message.find("cannot reach registry reg.example.com:5000"),
            std::string::npos);
  ASSERT_EQ(http_.requests.size(), 1u);
  EXPECT_EQ(http_.requests[0].url, "https://reg.example.com:5000/v2/");
}

TEST_F(DockerVerifyTest, ExplicitHttpSchemeIsHonoured) {
  http_.SetHandler(BasicRegistry("http://reg.example.com:5000"));
  ASSERT_TRUE(Verify(DockerConnector("http://reg.example.com:5000")).has_value());
  EXPECT_EQ(http_.requests[0].url, "http://reg.example.com:5000/v2/");
}

TEST_F(DockerVerifyTest, DockerHubByDefault) {
  http_.Enqueue(401, "",
                {{"www-authenticate",
                  R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io")"}});
  http_.Enqueue(200, R"({"token":"hub-token","access_token":"hub-token"})");
  http_.Enqueue(200, "{}");
  auto ids = Verify(DockerConnector(std::nullopt));
  ASSERT_TRUE(ids.has_value()) << ids.error().message;
  EXPECT_EQ(*ids, std::vector<std::string>{"docker.io"});
  EXPECT_EQ(http_.requests[0].url, "https://registry-1.docker.io/v2/");
  EXPECT_EQ(
      http_.requests[1].url.rfind("https://auth.docker.io/token?service=registry.docker.io", 0),
      0u);
  EXPECT_EQ(http_.requests[2].url, "https://registry-1.docker.io/v2/");
}

TEST_F(DockerVerifyTest, OpenRegistryNeedsOneRequest) {
  http_.Enqueue(200, "{}");
  auto ids = Verify(DockerConnector("reg.example.com"), std::nullopt);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, std::vector<std::string>{"reg.example.com"});
  EXPECT_EQ(http_.requests.size(), 1u);
}

TEST_F(DockerVerifyTest, NotARegistry) {
  http_.Enqueue(404, "<html>");
  auto ids = Verify(DockerConnector("www.example.com"));
  ASSERT_FALSE(ids.has_value());
  EXPECT_NE(ids.error().message.find("HTTP 404"), std::string::npos);

  http_.Enqueue(401, "", {{"www-authenticate", R"(Negotiate)"}});
  auto unsupported = Verify(DockerConnector("www.example.com"));
  ASSERT_FALSE(unsupported.has_value());
  EXPECT_NE(unsupported.error().message.find("Basic or Bearer"), std::string::npos);
}

TEST_F(DockerVerifyTest, ResourceIdMustBeTheConfiguredRegistry) {
  http_.SetHandler(BasicRegistry("https://reg.example.com"));
  auto same = Verify(DockerConnector("reg.example.com"), "docker-registry",
                     "https://reg.example.com/team/app");
  ASSERT_TRUE(same.has_value()) << same.error().message;
  EXPECT_EQ(*same, std::vector<std::string>{"reg.example.com"});

  http_.requests.clear();
  auto other = Verify(DockerConnector("reg.example.com"), "docker-registry", "ghcr.io");
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(other.error().message.find("only reaches registry reg.example.com"), std::string::npos);
  EXPECT_TRUE(http_.requests.empty());

  EXPECT_FALSE(Verify(DockerConnector("reg.example.com"), "s3-bucket").has_value());
}

TEST_F(DockerVerifyTest, MissingSecretsAreReportedByName) {
  Connector c = DockerConnector("reg.example.com");
  c.secrets.erase("password");
  auto ids = Verify(c);
  ASSERT_FALSE(ids.has_value());
  EXPECT_NE(ids.error().message.find("'password'"), std::string::npos);
  EXPECT_TRUE(http_.requests.empty());
}

TEST_F(DockerVerifyTest, ClientIsACopyForTheOneRegistry) {
  Context ctx{http_, TimePoint{}, Environment()};
  Connector c = DockerConnector("https://index.docker.io/v1/");
  auto client = type_->Client(ctx, c, "docker-registry", "docker.io");
  ASSERT_TRUE(client.has_value()) << client.error().message;
  EXPECT_EQ(client->connector_type, "docker");
  EXPECT_EQ(client->resource_types, std::vector<std::string>{"docker-registry"});
  EXPECT_EQ(client->resource_id, "docker.io");
  EXPECT_EQ(client->secrets, c.secrets);
  EXPECT_EQ(client->configuration, c.configuration);

  EXPECT_FALSE(type_->Client(ctx, c, "docker-registry", "ghcr.io").has_value());
  EXPECT_TRUE(http_.requests.empty());
}

}  // namespace
}  // namespace latchkey
