#include "crypto/digest.h"

#include <openssl/evp.h>

#include <memory>

namespace latchkey::crypto {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Fetched once, with one context per thread: an implicit fetch (EVP_sha256() in EVP_Digest)
// searches OpenSSL 3's provider tables on every call, which dominated SigV4 signing.
EVP_MD const* Sha256Md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  return md != nullptr ? md : EVP_sha256();
}

}  // namespace

std::string Sha256(std::string_view data) {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx.get(), Sha256Md(), nullptr);
  EVP_DigestUpdate(ctx.get(), data.data(), data.size());
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

}  // namespace latchkey::crypto
