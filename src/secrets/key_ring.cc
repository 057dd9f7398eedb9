#include "secrets/key_ring.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/strings.h"
#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace latchkey {
namespace {

Result<std::string> DecodeKey(std::string const& text, std::string const& where) {
  auto key = crypto::Base64Decode(Trim(text));
  if (!key || key->size() != crypto::kAeadKeySize) {
    return Fail(ErrorCode::kInvalidArgument,
                where + " must hold base64-encoded 32-byte keys (e.g. `openssl rand -base64 32`)");
  }
  return *key;
}

}  // namespace

std::string KeyRing::KeyIdOf(std::string const& key) {
  return crypto::HexEncode(crypto::Sha256("latchkey-key-id:" + key)).substr(0, 16);
}

Result<KeyRing> KeyRing::FromEnvironmentValue(std::string const& value) {
  KeyRing ring;
  for (auto const& part : Split(value, ',')) {
    if (Trim(part).empty()) continue;
    auto key = DecodeKey(part, "LATCHKEY_SECRETS_KEY");
    if (!key) return tl::unexpected(key.error());
    std::string id = KeyIdOf(*key);
    if (ring.active_id_.empty()) ring.active_id_ = id;
    ring.keys_[id] = *key;
  }
  if (ring.active_id_.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "LATCHKEY_SECRETS_KEY is set but empty");
  }
  return ring;
}

Result<KeyRing> KeyRing::LoadOrCreateFile(std::string const& path) {
  KeyRing ring;
  ring.path_ = path;
  std::string text;
  if (!ReadFile(path, text)) {
    // First use: write a complete file under a temporary name, then link() it into place, which
    // fails if another process won the race; both then read the winner's key.
    std::string key = crypto::RandomBytes(crypto::kAeadKeySize);
    ring.active_id_ = KeyIdOf(key);
    ring.keys_[ring.active_id_] = key;
    std::string tmp = path + ".new-" + crypto::HexEncode(crypto::RandomBytes(6));
    KeyRing staged = ring;
    staged.path_ = tmp;
    if (auto r = staged.Save(); !r) return tl::unexpected(r.error());
    int rc = ::link(tmp.c_str(), path.c_str());
    int err = errno;
    ::unlink(tmp.c_str());
    if (rc != 0 && err != EEXIST) {
      return Fail(ErrorCode::kUnavailable,
                  "cannot create key file " + path + ": " + std::strerror(err));
    }
    if (rc == 0) return ring;
    if (!ReadFile(path, text)) return Fail(ErrorCode::kUnavailable, "cannot read key file " + path);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return Fail(ErrorCode::kPermissionDenied,
                "key file " + path + " is readable by other users; run `chmod 600 " + path + "`");
  }
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("active") || !doc.contains("keys") ||
      !doc["keys"].is_object()) {
    return Fail(ErrorCode::kInvalidArgument, "key file " + path + " is corrupt");
  }
  for (auto const& [id, value] : doc["keys"].items()) {
    if (!value.is_string())
      return Fail(ErrorCode::kInvalidArgument, "key file " + path + " is corrupt");
    auto key = DecodeKey(value.get<std::string>(), "key file " + path);
    if (!key) return tl::unexpected(key.error());
    ring.keys_[id] = *key;
  }
  ring.active_id_ = doc["active"].is_string() ? doc["active"].get<std::string>() : "";
  if (!ring.keys_.count(ring.active_id_)) {
    return Fail(ErrorCode::kInvalidArgument, "key file " + path + " names no valid active key");
  }
  return ring;
}

std::optional<std::string> KeyRing::Find(std::string const& key_id) const {
  auto it = keys_.find(key_id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

Result<void> KeyRing::AddFreshActiveKey() {
  if (!from_file()) return Fail(ErrorCode::kFailedPrecondition, "the key ring is not file-backed");
  std::string key = crypto::RandomBytes(crypto::kAeadKeySize);
  active_id_ = KeyIdOf(key);
  keys_[active_id_] = key;
  return Save();
}

Result<void> KeyRing::DropInactiveKeys() {
  if (!from_file()) return Fail(ErrorCode::kFailedPrecondition, "the key ring is not file-backed");
  std::string active = keys_.at(active_id_);
  keys_.clear();
  keys_[active_id_] = active;
  return Save();
}

Result<void> KeyRing::Save() const {
  nlohmann::json doc = {{"active", active_id_}, {"keys", nlohmann::json::object()}};
  for (auto const& [id, key] : keys_) doc["keys"][id] = crypto::Base64Encode(key);
  return WriteFileAtomic(path_, doc.dump(2) + "\n", 0600);
}

}  // namespace latchkey
