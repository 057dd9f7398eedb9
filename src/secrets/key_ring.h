// The keys that encrypt secret values. The active key seals new values; older keys stay
// available to open values sealed before a rotation. Keys come from LATCHKEY_SECRETS_KEY
// (comma-separated base64 keys, the first active) or from the key file under LATCHKEY_HOME
// (mode 0600, created on first use).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/error.h"

namespace latchkey {

class KeyRing {
 public:
  // A key id is derived from the key itself, so the same key always has the same id.
  static std::string KeyIdOf(std::string const& key);

  static Result<KeyRing> FromEnvironmentValue(std::string const& value);
  // Loads the key file, creating it with a fresh key when it does not exist yet.
  static Result<KeyRing> LoadOrCreateFile(std::string const& path);

  std::string const& active_id() const { return active_id_; }
  std::string const& active_key() const { return keys_.at(active_id_); }
  std::optional<std::string> Find(std::string const& key_id) const;
  bool from_file() const { return !path_.empty(); }

  // File-backed rings only: adds a fresh active key, keeping the old ones, and saves the file.
  Result<void> AddFreshActiveKey();
  // File-backed rings only: drops every key but the active one and saves the file.
  Result<void> DropInactiveKeys();

 private:
  Result<void> Save() const;

  std::string active_id_;
  std::map<std::string, std::string> keys_;
  std::string path_;
};

}  // namespace latchkey
