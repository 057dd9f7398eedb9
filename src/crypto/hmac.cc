#include "crypto/hmac.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <memory>

namespace latchkey::crypto {
namespace {

constexpr size_t kBlockSize = 64;  // SHA-256's block size, which HMAC pads the key to

// Fetched once: OpenSSL 3 looks an algorithm up in its provider tables on every implicit fetch
// (EVP_sha256(), HMAC()), and for the short messages of SigV4 that lookup cost more than the
// hashing itself. A SigV4 signature takes five HMACs.
EVP_MD const* Sha256Md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  return md != nullptr ? md : EVP_sha256();
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// One context per thread, reset by every EVP_DigestInit_ex, saves an allocation per hash.
EVP_MD_CTX* ThreadContext() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  return ctx.get();
}

void Digest(EVP_MD_CTX* ctx, unsigned char const* prefix, size_t prefix_len,
            unsigned char const* data, size_t data_len, unsigned char* out) {
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx, Sha256Md(), nullptr);
  EVP_DigestUpdate(ctx, prefix, prefix_len);
  EVP_DigestUpdate(ctx, data, data_len);
  EVP_DigestFinal_ex(ctx, out, &len);
}

}  // namespace

// RFC 2104: H((K ^ opad) || H((K ^ ipad) || message)), K padded (or first hashed) to a block.
std::string HmacSha256(std::string_view key, std::string_view data) {
  EVP_MD_CTX* ctx = ThreadContext();
  unsigned char block[kBlockSize] = {};
  if (key.size() > kBlockSize) {
    Digest(ctx, nullptr, 0, reinterpret_cast<unsigned char const*>(key.data()), key.size(), block);
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char pad[kBlockSize];
  unsigned char inner[EVP_MAX_MD_SIZE];
  unsigned char out[EVP_MAX_MD_SIZE];
  for (size_t i = 0; i < kBlockSize; ++i) pad[i] = block[i] ^ 0x36;
  Digest(ctx, pad, kBlockSize, reinterpret_cast<unsigned char const*>(data.data()), data.size(),
         inner);
  for (size_t i = 0; i < kBlockSize; ++i) pad[i] = block[i] ^ 0x5c;
  Digest(ctx, pad, kBlockSize, inner, 32, out);
  // The padded key is as secret as the key itself.
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(pad, sizeof pad);
  return std::string(reinterpret_cast<char*>(out), 32);
}

}  // namespace latchkey::crypto
