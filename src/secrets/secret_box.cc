#include "secrets/secret_box.h"

#include "crypto/aead.h"

namespace latchkey {
namespace {

std::string AssociatedData(std::string const& secret_id, std::string const& key) {
  return "latchkey/v1\n" + secret_id + "\n" + key;
}

}  // namespace

Result<KeyRing*> SecretBox::Ring() {
  // The server opens secrets from many worker threads; the ring is loaded once, then only read.
  std::lock_guard lock(mu_);
  if (!ring_) {
    auto ring = loader_();
    if (!ring) return tl::unexpected(ring.error());
    ring_ = std::move(*ring);
  }
  return &*ring_;
}

Result<EncryptedValue> SecretBox::Seal(std::string const& secret_id, std::string const& key,
                                       std::string const& plaintext) {
  auto ring = Ring();
  if (!ring) return tl::unexpected(ring.error());
  auto sealed = crypto::AeadSeal((*ring)->active_key(), plaintext, AssociatedData(secret_id, key));
  if (!sealed) return tl::unexpected(sealed.error());
  return EncryptedValue{key, (*ring)->active_id(), *sealed};
}

Result<std::string> SecretBox::Open(std::string const& secret_id, EncryptedValue const& value) {
  auto ring = Ring();
  if (!ring) return tl::unexpected(ring.error());
  auto key = (*ring)->Find(value.key_id);
  if (!key) {
    return Fail(ErrorCode::kPermissionDenied,
                "secret value '" + value.key + "' was sealed with key " + value.key_id +
                    ", which is not in the key ring (wrong LATCHKEY_SECRETS_KEY?)");
  }
  auto plain = crypto::AeadOpen(*key, value.sealed, AssociatedData(secret_id, value.key));
  if (!plain) return Fail(plain.error(), "secret value '" + value.key + "'");
  return plain;
}

}  // namespace latchkey
