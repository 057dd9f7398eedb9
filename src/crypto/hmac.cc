#include "crypto/hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>

namespace latchkey::crypto {
namespace {

struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

// One HMAC context per thread with its digest set once: OpenSSL 3 looks algorithms up in its
// provider tables on every implicit fetch (HMAC(), EVP_Q_mac, digest parameters), and for the
// short messages of SigV4 (five HMACs a signature) that lookup cost more than the hashing.
EVP_MAC_CTX* ThreadHmacContext() {
  thread_local std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx = [] {
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> c(mac ? EVP_MAC_CTX_new(mac) : nullptr);
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (!c || EVP_MAC_CTX_set_params(c.get(), params) != 1) {
      throw std::runtime_error("OpenSSL provides no HMAC-SHA256");
    }
    return c;
  }();
  return ctx.get();
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view data) {
  EVP_MAC_CTX* ctx = ThreadHmacContext();
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  // The same key as this thread's last call (a SigV4 signing key, used once per request): init
  // without a key restarts from the padded key blocks already hashed, saving their two
  // compressions. The copy of the key is what that context holds anyway.
  thread_local std::string last_key;
  bool same_key = !last_key.empty() && key == last_key;
  if (!same_key) last_key.clear();
  if (EVP_MAC_init(ctx, same_key ? nullptr : reinterpret_cast<unsigned char const*>(key.data()),
                   same_key ? 0 : key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<unsigned char const*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out, &len, sizeof out) != 1) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  if (!same_key) last_key.assign(key);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace latchkey::crypto
