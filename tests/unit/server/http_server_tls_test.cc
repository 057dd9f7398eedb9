// HTTPS: a throwaway self-signed certificate made here with the OpenSSL API, trusted explicitly
// by the project's libcurl client.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "crypto/random.h"
#include "http/http_client.h"
#include "server/http/http_server.h"
#include "server_fixture.h"

namespace latchkey::server {
namespace {

namespace fs = std::filesystem;

struct Pem {
  std::string cert;
  std::string key;
};

std::string ToPem(int (*write)(BIO*, void*), void* object) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (write(bio.get(), object) != 1) return "";
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

// EC P-256 key and a one-day certificate for 127.0.0.1 (SAN), self-signed.
Pem MakeSelfSigned(std::string const& common_name) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<unsigned char const*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_key_usage, "critical,digitalSignature,keyCertSign"}}) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert.get(), extension, -1);
    X509_EXTENSION_free(extension);
  }
  X509_sign(cert.get(), key.get(), EVP_sha256());
  Pem pem;
  pem.cert = ToPem([](BIO* b, void* x) { return PEM_write_bio_X509(b, static_cast<X509*>(x)); },
                   cert.get());
  pem.key = ToPem(
      [](BIO* b, void* k) {
        return PEM_write_bio_PrivateKey(b, static_cast<EVP_PKEY*>(k), nullptr, nullptr, 0, nullptr,
                                        nullptr);
      },
      key.get());
  return pem;
}

class HttpServerTlsTest : public testing::ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    dir_ = fs::temp_directory_path() / ("latchkey-tls-" + crypto::NewUuid());
    fs::create_directories(dir_);
    pem_ = MakeSelfSigned("latchkey test");
    ASSERT_FALSE(pem_.cert.empty());
    ASSERT_FALSE(pem_.key.empty());
    Write("cert.pem", pem_.cert);
    Write("key.pem", pem_.key);
  }
  void TearDown() override {
    ServerFixture::TearDown();
    fs::remove_all(dir_);
  }
  std::string Write(std::string const& name, std::string const& content) {
    std::ofstream(dir_ / name) << content;
    return (dir_ / name).string();
  }
  HttpServerOptions TlsOptions(std::string cert = "cert.pem", std::string key = "key.pem") {
    HttpServerOptions options;
    options.tls_cert_file = (dir_ / cert).string();
    options.tls_key_file = (dir_ / key).string();
    return options;
  }
  Result<void> TryStart(HttpServerOptions options) {
    Router router;
    HttpServer server(std::move(options), router);
    return server.Start();
  }

  fs::path dir_;
  Pem pem_;
};

TEST_F(HttpServerTlsTest, ServesHttpsToAClientTrustingTheCertificate) {
  StartServer(TlsOptions());
  ASSERT_TRUE(server_->tls());
  auto client = MakeCurlHttpClient();
  latchkey::HttpRequest request;  // the outbound one (libcurl)
  request.url = "https://127.0.0.1:" + std::to_string(port()) + "/api/v1/things/tls?tag=a";
  request.tls.ca_pem = pem_.cert;
  for (int i = 0; i < 2; ++i) {  // the second may reuse the connection
    auto response = client->Send(request);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
    auto body = nlohmann::json::parse(response->body);
    EXPECT_EQ(body["id"], "tls");
    EXPECT_EQ(body["tags"], nlohmann::json({"a"}));
  }

  // A client that does not trust the certificate is refused by its own verification.
  request.tls.ca_pem = MakeSelfSigned("someone else").cert;
  EXPECT_FALSE(client->Send(request));

  // Plain HTTP on the TLS port gets no HTTP answer, and the server carries on.
  auto plain = Exchange(testing::Get("/fast"));
  EXPECT_FALSE(plain && plain->status == 200);
  request.tls.ca_pem = pem_.cert;
  EXPECT_TRUE(client->Send(request));
}

TEST_F(HttpServerTlsTest, UnusableTlsFilesFailStartWithOneLine) {
  auto missing = TryStart(TlsOptions("absent.pem"));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot read TLS certificate file"), std::string::npos)
      << missing.error().message;

  Write("garbage.pem", "not a certificate\n");
  auto garbage = TryStart(TlsOptions("garbage.pem"));
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().message.find("holds no usable PEM certificate"), std::string::npos)
      << garbage.error().message;

  auto bad_key = TryStart(TlsOptions("cert.pem", "garbage.pem"));
  ASSERT_FALSE(bad_key);
  EXPECT_NE(bad_key.error().message.find("holds no usable PEM private key"), std::string::npos)
      << bad_key.error().message;

  Write("other-key.pem", MakeSelfSigned("other").key);
  auto mismatch = TryStart(TlsOptions("cert.pem", "other-key.pem"));
  ASSERT_FALSE(mismatch);
  EXPECT_NE(mismatch.error().message.find("does not match"), std::string::npos)
      << mismatch.error().message;

  HttpServerOptions half;
  half.tls_cert_file = (dir_ / "cert.pem").string();
  auto only_cert = TryStart(half);
  ASSERT_FALSE(only_cert);
  EXPECT_NE(only_cert.error().message.find("both"), std::string::npos);

  for (auto const* result : {&missing, &garbage, &bad_key, &mismatch, &only_cert}) {
    EXPECT_EQ(result->error().message.find('\n'), std::string::npos) << result->error().message;
  }
}

}  // namespace
}  // namespace latchkey::server
