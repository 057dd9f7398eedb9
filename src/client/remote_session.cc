#include "client/remote_session.h"

#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/json_fields.h"
#include "common/strings.h"
#include "crypto/encoding.h"
#include "secrets/secret_box.h"
#include "service/service_state.h"

namespace latchkey {
namespace {

// Associated data of the sealed token: it opens only as this file's token.
constexpr char kSealId[] = "remote-session";
constexpr char kSealKey[] = "token";

std::string SessionPath(Environment const& env) { return LatchkeyHome(env) + "/remote.json"; }

SecretBox LocalBox(Environment const& env) {
  return SecretBox([env] { return LoadLocalKeyRing(env); });
}

Result<void> Corrupt() {
  return Fail(ErrorCode::kFailedPrecondition,
              "the server session in $LATCHKEY_HOME/remote.json is unreadable; run `latchkey "
              "logout` and log in again");
}

}  // namespace

Result<KeyRing> LoadLocalKeyRing(Environment const& env) {
  if (auto key = env.Get("LATCHKEY_SECRETS_KEY"); key && !key->empty()) {
    return KeyRing::FromEnvironmentValue(*key);
  }
  return KeyRing::LoadOrCreateFile(LatchkeyHome(env) + "/secrets.key");
}

Result<std::optional<RemoteSession>> LoadRemoteSession(Environment const& env) {
  auto url = env.Get("LATCHKEY_URL");
  auto token = env.Get("LATCHKEY_API_TOKEN");
  if (url && !url->empty() && token && !token->empty()) {
    RemoteSession s;
    s.url = *url;
    s.token = *token;
    if (auto ca = env.Get("LATCHKEY_CA_FILE"); ca && !ca->empty()) s.ca_file = *ca;
    return std::optional<RemoteSession>(s);
  }
  std::string text;
  if (!ReadFile(SessionPath(env), text)) return std::optional<RemoteSession>{};
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j["url"].is_string() ||
      !j["token_sealed"].is_string() || !j["key_id"].is_string()) {
    return tl::unexpected(Corrupt().error());
  }
  auto sealed = crypto::Base64Decode(j["token_sealed"].get<std::string>());
  if (!sealed) return tl::unexpected(Corrupt().error());
  SecretBox box = LocalBox(env);
  auto plain = box.Open(kSealId, EncryptedValue{kSealKey, j["key_id"].get<std::string>(), *sealed});
  if (!plain) return Fail(plain.error(), "opening the saved server session");
  RemoteSession s;
  s.url = j["url"].get<std::string>();
  s.token = *plain;
  s.user = JsonString(j, "user");
  if (j.contains("ca_file") && j["ca_file"].is_string())
    s.ca_file = j["ca_file"].get<std::string>();
  s.insecure = JsonBool(j, "insecure", false);
  return std::optional<RemoteSession>(s);
}

Result<void> SaveRemoteSession(Environment const& env, RemoteSession const& session) {
  if (auto r = EnsureDirectory(LatchkeyHome(env), 0700); !r) return r;
  SecretBox box = LocalBox(env);
  auto sealed = box.Seal(kSealId, kSealKey, session.token);
  if (!sealed) return tl::unexpected(sealed.error());
  nlohmann::json j = {{"url", session.url},
                      {"user", session.user},
                      {"key_id", sealed->key_id},
                      {"token_sealed", crypto::Base64Encode(sealed->sealed)},
                      {"insecure", session.insecure}};
  if (session.ca_file) j["ca_file"] = *session.ca_file;
  return WriteFileAtomic(SessionPath(env), j.dump(2) + "\n", 0600);
}

Result<bool> ClearRemoteSession(Environment const& env) {
  std::string path = SessionPath(env);
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  return Fail(ErrorCode::kInternal, "cannot remove " + path);
}

Result<RemoteOptions> RemoteOptionsFor(Environment const& env, RemoteSession const& session) {
  RemoteOptions options;
  options.url = session.url;
  options.token = session.token;
  options.env = env;
  options.tls.insecure = session.insecure;
  if (session.ca_file) {
    std::string pem;
    if (!ReadFile(*session.ca_file, pem)) {
      return Fail(ErrorCode::kInvalidArgument, "cannot read the CA file " + *session.ca_file);
    }
    options.tls.ca_pem = pem;
  }
  return options;
}

}  // namespace latchkey
