// Access tokens a gcp service-account connector yields per second: cold (every call signs a new
// RS256 assertion and exchanges it: RSA signing bound) and from the token cache. The token
// endpoint is answered in-process, so no network or fake server time is counted.
//
// Usage: gcp_token_throughput [iterations]   prints one JSON object.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "connectors/gcp/gcp_session.h"
#include "core/connector_validation.h"
#include "core/registry.h"

namespace {

using latchkey::HttpClient;
using latchkey::HttpRequest;
using latchkey::HttpResponse;
using latchkey::Result;

class TokenEndpoint : public HttpClient {
 public:
  Result<HttpResponse> Send(HttpRequest const&) override {
    return HttpResponse{
        200, {}, R"({"access_token":"ya29.bench","expires_in":3600,"token_type":"Bearer"})"};
  }
};

std::string NewKeyPem() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

latchkey::Connector MakeConnector(std::string const& key_json, std::string const& project) {
  latchkey::Connector c;
  c.auth_method = "service-account";
  (void)latchkey::NormalizeConnector(*latchkey::FindConnectorType("gcp"), c,
                                     {{"project_id", project},
                                      {"service_account_json", key_json},
                                      {"api_endpoint", "http://127.0.0.1:9"}});
  return c;
}

template <class F>
double PerSecond(int iterations, F&& call) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) call(i);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return iterations / took.count();
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 2000;
  TokenEndpoint http;
  latchkey::Context ctx{http, latchkey::Now(), latchkey::Environment(), false};
  std::string key_json = nlohmann::json({{"type", "service_account"},
                                         {"client_email", "bench@p.iam.gserviceaccount.com"},
                                         {"private_key_id", "k1"},
                                         {"private_key", NewKeyPem()}})
                             .dump();
  // Cold: a different project per call, so the cache never answers.
  std::vector<latchkey::Connector> cold;
  for (int i = 0; i < iterations; ++i)
    cold.push_back(MakeConnector(key_json, "p" + std::to_string(i)));
  bool ok = true;
  double cold_rate = PerSecond(iterations, [&](int i) {
    ok = ok && latchkey::gcp::ConnectorToken(ctx, cold[i]).has_value();
  });
  latchkey::Connector warm = MakeConnector(key_json, "warm");
  ok = ok && latchkey::gcp::ConnectorToken(ctx, warm).has_value();
  int warm_iterations = iterations * 50;
  double warm_rate = PerSecond(warm_iterations, [&](int) {
    ok = ok && latchkey::gcp::ConnectorToken(ctx, warm).has_value();
  });
  if (!ok) {
    std::fprintf(stderr, "a token call failed\n");
    return 1;
  }
  std::printf("{\"cold_per_second\": %.1f, \"cached_per_second\": %.1f, \"iterations\": %d}\n",
              cold_rate, warm_rate, iterations);
  return 0;
}
