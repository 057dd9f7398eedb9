// Signs one realistic S3 request (GET object, session token, path-style) N times and prints the
// signatures per second as JSON, next to the floor measured in the same process: per signature,
// one SHA-256 of that request's canonical form and one HMAC-SHA256 of its string to sign with an
// already derived key whose padded inner and outer states are precomputed, straight from
// OpenSSL's EVP with the digest fetched once. bench/sigv4_vs_botocore.py runs it next to botocore.
#include <openssl/evp.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "connectors/aws/sigv4.h"

namespace {

using latchkey::HttpRequest;

HttpRequest ExampleRequest() {
  HttpRequest request;
  request.method = "GET";
  request.url = "https://s3.us-east-1.amazonaws.com/example-bucket/data/part-00042.parquet";
  request.headers = {{"user-agent", "bench"}, {"range", "bytes=0-1023"}};
  return request;
}

// HMAC-SHA256 (RFC 2104) with the key's two padded blocks already absorbed: what is left per
// message is two short hashes, the least any implementation must do.
class KeyedHmac {
 public:
  KeyedHmac(EVP_MD const* md, std::string const& key) {
    unsigned char ipad[64], opad[64];
    for (size_t i = 0; i < 64; ++i) {
      unsigned char k = i < key.size() ? static_cast<unsigned char>(key[i]) : 0;
      ipad[i] = k ^ 0x36;
      opad[i] = k ^ 0x5c;
    }
    EVP_DigestInit_ex(inner_, md, nullptr);
    EVP_DigestUpdate(inner_, ipad, sizeof ipad);
    EVP_DigestInit_ex(outer_, md, nullptr);
    EVP_DigestUpdate(outer_, opad, sizeof opad);
  }
  ~KeyedHmac() {
    EVP_MD_CTX_free(inner_);
    EVP_MD_CTX_free(outer_);
    EVP_MD_CTX_free(work_);
  }
  unsigned char Mac(std::string const& message) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_MD_CTX_copy_ex(work_, inner_);
    EVP_DigestUpdate(work_, message.data(), message.size());
    EVP_DigestFinal_ex(work_, digest, &length);
    EVP_MD_CTX_copy_ex(work_, outer_);
    EVP_DigestUpdate(work_, digest, length);
    EVP_DigestFinal_ex(work_, digest, &length);
    return digest[0];
  }

 private:
  EVP_MD_CTX* inner_ = EVP_MD_CTX_new();
  EVP_MD_CTX* outer_ = EVP_MD_CTX_new();
  EVP_MD_CTX* work_ = EVP_MD_CTX_new();
};

template <class F>
double PerSecond(long iterations, F&& body) {
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < iterations; ++i) body();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return iterations / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace latchkey;
  long iterations = argc > 1 ? std::atol(argv[1]) : 200000;
  aws::AwsCredentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                            std::string(400, 't'), std::nullopt};
  TimePoint now = *ParseTimestamp("2026-11-23 12:00:00");

  // What one signature hashes, from the signer itself.
  aws::SigningTrace trace;
  aws::SigningOptions traced;
  traced.trace = &trace;
  HttpRequest first = ExampleRequest();
  if (!aws::SignRequest(first, creds, "us-east-1", "s3", now, traced)) return 1;
  std::string key = aws::DeriveSigningKey(creds.secret_access_key, "20261123", "us-east-1", "s3");

  size_t checksum = 0;
  double ours = PerSecond(iterations, [&] {
    HttpRequest request = ExampleRequest();
    if (!aws::SignRequest(request, creds, "us-east-1", "s3", now)) std::exit(1);
    checksum += request.headers.back().second.size();
  });
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  EVP_MD_CTX* hash = EVP_MD_CTX_new();
  KeyedHmac hmac(sha256, key);
  double floor = PerSecond(iterations, [&] {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestInit_ex(hash, sha256, nullptr);
    EVP_DigestUpdate(hash, trace.canonical_request.data(), trace.canonical_request.size());
    EVP_DigestFinal_ex(hash, digest, &length);
    checksum += digest[0] + hmac.Mac(trace.string_to_sign);
  });
  EVP_MD_CTX_free(hash);
  EVP_MD_free(sha256);
  std::cout << "{\"iterations\": " << iterations << ", \"per_second\": " << ours
            << ", \"floor_per_second\": " << floor
            << ", \"canonical_request_bytes\": " << trace.canonical_request.size()
            << ", \"checksum\": " << checksum << "}\n";
  return 0;
}
