#include <gtest/gtest.h>

#include "connectors/kubernetes/kube_api.h"
#include "connectors/kubernetes/kubernetes_connector.h"
#include "connectors/kubernetes_test_pems.h"
#include "crypto/encoding.h"
#include "fake_http_client.h"

namespace latchkey {
namespace {

using testing::FakeHttpClient;

using testing::kCaPem;
using testing::kCertPem;
using testing::kKeyPem;
constexpr char kVersionBody[] = R"({"major":"1","minor":"32","gitVersion":"v1.32.0"})";
constexpr char kServer[] = "https://127.0.0.1:6443";

std::optional<std::string> HeaderOf(HttpRequest const& request, std::string const& name) {
  for (auto const& [k, v] : request.headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

class KubernetesVerifyTest : public ::testing::Test {
 protected:
  Connector Token(std::string token) {
    Connector c;
    c.connector_type = "kubernetes";
    c.auth_method = "token";
    c.configuration = {{"server", kServer}, {"cluster_name", "kind-dev"}, {"insecure", false}};
    c.secrets["token"] = std::move(token);
    return c;
  }

  Result<std::vector<std::string>> Verify(Connector const& c,
                                          OptString resource_type = "kubernetes-cluster",
                                          OptString resource_id = std::nullopt) {
    Context ctx{http_, Now(), Environment{}};
    ctx.timeout = std::chrono::milliseconds(4321);
    return type_->Verify(ctx, c, resource_type, resource_id);
  }

  void EnqueueHealthy() {
    http_.Enqueue(200, kVersionBody);
    http_.Enqueue(200, R"({"kind":"NamespaceList","items":[]})");
  }

  FakeHttpClient http_;
  std::unique_ptr<ConnectorType> type_ = MakeKubernetesConnectorType();
};

TEST_F(KubernetesVerifyTest, BearerTokenAgainstVersionThenAnAuthenticatedCall) {
  EnqueueHealthy();
  auto ids = Verify(Token("sa-token-123"));
  ASSERT_TRUE(ids.has_value()) << ids.error().message;
  EXPECT_EQ(*ids, (std::vector<std::string>{"kind-dev"}));

  ASSERT_EQ(http_.requests.size(), 2u);
  EXPECT_EQ(http_.requests[0].method, "GET");
  EXPECT_EQ(http_.requests[0].url, std::string(kServer) + "/version");
  EXPECT_EQ(http_.requests[1].url, std::string(kServer) + "/api/v1/namespaces?limit=1");
  for (auto const& r : http_.requests) {
    EXPECT_EQ(HeaderOf(r, "Authorization"), "Bearer sa-token-123");
    EXPECT_EQ(r.timeout, std::chrono::milliseconds(4321));
    EXPECT_FALSE(r.tls.insecure);
    EXPECT_FALSE(r.tls.ca_pem.has_value());
    EXPECT_FALSE(r.tls.client_cert_pem.has_value());
  }
}

TEST_F(KubernetesVerifyTest, BasicAuthForThePasswordMethod) {
  EnqueueHealthy();
  Connector c = Token("");
  c.secrets.clear();
  c.auth_method = "password";
  c.secrets["username"] = "admin";
  c.secrets["password"] = "s3cret";
  ASSERT_TRUE(Verify(c).has_value());
  EXPECT_EQ(HeaderOf(http_.requests[0], "Authorization"),
            "Basic " + crypto::Base64Encode("admin:s3cret"));
}

TEST_F(KubernetesVerifyTest, ClientCertificateGoesToTls) {
  EnqueueHealthy();
  Connector c = Token("");
  c.secrets["client_certificate"] = crypto::Base64Encode(kCertPem);
  c.secrets["client_key"] = kKeyPem;
  ASSERT_TRUE(Verify(c).has_value());
  HttpRequest const& r = http_.requests[1];
  EXPECT_EQ(r.tls.client_cert_pem, kCertPem);
  EXPECT_EQ(r.tls.client_key_pem, kKeyPem);
  EXPECT_FALSE(HeaderOf(r, "Authorization").has_value());
}

TEST_F(KubernetesVerifyTest, CaBase64IsDecodedToPem) {
  EnqueueHealthy();
  Connector c = Token("t");
  c.secrets["certificate_authority"] = crypto::Base64Encode(kCaPem);
  ASSERT_TRUE(Verify(c).has_value());
  EXPECT_EQ(http_.requests[0].tls.ca_pem, kCaPem);
  EXPECT_FALSE(http_.requests[0].tls.insecure);
}

TEST_F(KubernetesVerifyTest, InsecureSkipsVerification) {
  EnqueueHealthy();
  Connector c = Token("t");
  c.configuration["insecure"] = true;
  ASSERT_TRUE(Verify(c).has_value());
  EXPECT_TRUE(http_.requests[0].tls.insecure);
  EXPECT_TRUE(http_.requests[1].tls.insecure);
}

TEST_F(KubernetesVerifyTest, Unauthorized401IsUnauthenticated) {
  http_.Enqueue(200, kVersionBody);
  http_.Enqueue(401, R"({"kind":"Status","message":"Unauthorized","code":401})");
  auto r = Verify(Token("wrong-token-value"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(r.error().message, "authentication to Kubernetes API server " + std::string(kServer) +
                                   " failed (401 Unauthorized)");
  EXPECT_EQ(r.error().message.find("wrong-token-value"), std::string::npos);
}

TEST_F(KubernetesVerifyTest, Unauthorized401OnVersionStopsEarly) {
  http_.Enqueue(401, "");
  auto r = Verify(Token("t"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(http_.requests.size(), 1u);
}

TEST_F(KubernetesVerifyTest, Forbidden403StillProvesAuthentication) {
  http_.Enqueue(200, kVersionBody);
  http_.Enqueue(
      403,
      R"({"kind":"Status","message":"namespaces is forbidden: User \"system:serviceaccount:ci:builder\" cannot list resource \"namespaces\"","code":403})");
  auto r = Verify(Token("t"));
  ASSERT_TRUE(r.has_value()) << r.error().message;
}

TEST_F(KubernetesVerifyTest, Forbidden403ForAnonymousIsNotAuthentication) {
  http_.Enqueue(200, kVersionBody);
  http_.Enqueue(
      403,
      R"({"kind":"Status","message":"namespaces is forbidden: User \"system:anonymous\" cannot list resource \"namespaces\"","code":403})");
  auto r = Verify(Token("t"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(KubernetesVerifyTest, TransportFailureNamesTheServer) {
  http_.SetHandler([](HttpRequest const& r) -> Result<HttpResponse> {
    return Fail(ErrorCode::kUnavailable,
                "GET " + r.url + " failed: SSL peer certificate or SSH remote key was not OK");
  });
  auto r = Verify(Token("my-secret-token"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find(kServer), std::string::npos);
  EXPECT_NE(r.error().message.find("certificate_authority"), std::string::npos);
  EXPECT_EQ(r.error().message.find("my-secret-token"), std::string::npos);
}

TEST_F(KubernetesVerifyTest, UnexpectedStatusDropsMessagesEchoingSecrets) {
  http_.Enqueue(200, kVersionBody);
  http_.Enqueue(500, R"({"kind":"Status","message":"bad header Bearer leaky-token"})");
  auto r = Verify(Token("leaky-token"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("500"), std::string::npos);
  EXPECT_EQ(r.error().message.find("leaky-token"), std::string::npos);
}

TEST_F(KubernetesVerifyTest, WrongResourceIdOrTypeIsRefusedWithoutCalls) {
  EXPECT_FALSE(Verify(Token("t"), "kubernetes-cluster", "other-cluster").has_value());
  EXPECT_FALSE(Verify(Token("t"), "docker-registry").has_value());
  EXPECT_TRUE(http_.requests.empty());

  EnqueueHealthy();
  auto ok = Verify(Token("t"), "kubernetes-cluster", "kind-dev");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(*ok, (std::vector<std::string>{"kind-dev"}));
}

TEST_F(KubernetesVerifyTest, WithoutResourceTypeChecksCredentialsOnly) {
  EnqueueHealthy();
  auto ids = Verify(Token("t"), std::nullopt);
  ASSERT_TRUE(ids.has_value()) << ids.error().message;
  EXPECT_EQ(http_.requests.size(), 2u);
}

TEST_F(KubernetesVerifyTest, InvalidConfigurationNeverCallsOut) {
  Connector c = Token("");
  auto r = Verify(c);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(http_.requests.empty());
}

TEST(KubeApiRequestTest, ServerPathPrefixIsKept) {
  KubernetesCredentials creds;
  creds.server = "https://rancher.example/k8s/clusters/c-123/";
  creds.cluster_name = "c-123";
  creds.token = "t";
  HttpRequest r = MakeKubeApiRequest(creds, "/version", std::chrono::milliseconds(1000));
  EXPECT_EQ(r.url, "https://rancher.example/k8s/clusters/c-123/version");
  EXPECT_EQ(r.timeout, std::chrono::milliseconds(1000));
}

}  // namespace
}  // namespace latchkey
