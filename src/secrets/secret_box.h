// Seals and opens secret values with the key ring. Each value's associated data names its record
// (secret id + key), so a ciphertext moved to another record or key does not open.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "secrets/key_ring.h"

namespace latchkey {

struct EncryptedValue {
  std::string key;     // the secret's key name (not secret)
  std::string key_id;  // which ring key sealed it
  std::string sealed;  // nonce || ciphertext || tag
};

class SecretBox {
 public:
  // The ring is loaded lazily, so commands that never touch a secret value never need the key.
  using RingLoader = std::function<Result<KeyRing>()>;
  explicit SecretBox(RingLoader loader) : loader_(std::move(loader)) {}

  Result<EncryptedValue> Seal(std::string const& secret_id, std::string const& key,
                              std::string const& plaintext);
  Result<std::string> Open(std::string const& secret_id, EncryptedValue const& value);
  Result<KeyRing*> Ring();

 private:
  RingLoader loader_;
  std::mutex mu_;
  std::optional<KeyRing> ring_;
};

}  // namespace latchkey
