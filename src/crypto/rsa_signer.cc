#include "crypto/rsa_signer.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

namespace latchkey::crypto {

struct RsaSigner::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

Result<RsaSigner> RsaSigner::FromPem(std::string_view private_key_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), BIO_free);
  auto key = std::make_shared<Key>();
  if (bio) key->pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!key->pkey) {
    return Fail(ErrorCode::kInvalidArgument, "the private key is not a PEM-encoded private key");
  }
  if (EVP_PKEY_get_base_id(key->pkey) != EVP_PKEY_RSA) {
    return Fail(ErrorCode::kInvalidArgument, "the private key is not an RSA key");
  }
  return RsaSigner(std::move(key));
}

Result<std::string> RsaSigner::SignSha256(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->pkey) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, nullptr, 0) != 1) {
    return Fail(ErrorCode::kInternal, "RSA signing could not start");
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<unsigned char const*>(data.data()), data.size()) != 1) {
    return Fail(ErrorCode::kInternal, "RSA signing failed");
  }
  signature.resize(size);
  return signature;
}

}  // namespace latchkey::crypto
