#include "crypto/aead.h"

#include <openssl/evp.h>

#include <memory>

#include "crypto/random.h"

namespace latchkey::crypto {
namespace {

constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

unsigned char const* U(std::string_view s) {
  return reinterpret_cast<unsigned char const*>(s.data());
}

}  // namespace

Result<std::string> AeadSeal(std::string_view key, std::string_view plaintext,
                             std::string_view associated_data) {
  if (key.size() != kAeadKeySize)
    return Fail(ErrorCode::kInternal, "encryption key has wrong size");
  std::string nonce = RandomBytes(kNonceSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(kNonceSize + plaintext.size() + kTagSize, '\0');
  std::copy(nonce.begin(), nonce.end(), out.begin());
  auto* dst = reinterpret_cast<unsigned char*>(out.data()) + kNonceSize;
  int len = 0;
  bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key), U(nonce)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(associated_data),
                        static_cast<int>(associated_data.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), dst, &len, U(plaintext), static_cast<int>(plaintext.size())) ==
          1 &&
      EVP_EncryptFinal_ex(ctx.get(), dst + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, dst + plaintext.size()) == 1;
  if (!ok) return Fail(ErrorCode::kInternal, "encryption failed");
  return out;
}

Result<std::string> AeadOpen(std::string_view key, std::string_view sealed,
                             std::string_view associated_data) {
  if (key.size() != kAeadKeySize)
    return Fail(ErrorCode::kInternal, "encryption key has wrong size");
  if (sealed.size() < kNonceSize + kTagSize) {
    return Fail(ErrorCode::kPermissionDenied, "encrypted value is truncated");
  }
  std::string_view nonce = sealed.substr(0, kNonceSize);
  std::string_view body = sealed.substr(kNonceSize, sealed.size() - kNonceSize - kTagSize);
  std::string tag(sealed.substr(sealed.size() - kTagSize));
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(body.size(), '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  bool ok = ctx &&
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key), U(nonce)) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(associated_data),
                              static_cast<int>(associated_data.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), dst, &len, U(body), static_cast<int>(body.size())) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), dst + len, &len) == 1;
  if (!ok) {
    return Fail(ErrorCode::kPermissionDenied,
                "encrypted value failed authentication (tampered, moved, or wrong key)");
  }
  return out;
}

}  // namespace latchkey::crypto
