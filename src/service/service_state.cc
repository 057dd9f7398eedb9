#include "service/service_state.h"

#include <unistd.h>

namespace latchkey {

ServiceState::ServiceState(LocalBackendOptions options, std::unique_ptr<Store> store,
                           std::unique_ptr<HttpClient> http)
    : options_(std::move(options)),
      store_(std::move(store)),
      http_(std::move(http)),
      box_([this, env = options_.env, home = options_.home]() -> Result<KeyRing> {
        if (auto key = env.Get("LATCHKEY_SECRETS_KEY"); key && !key->empty()) {
          return KeyRing::FromEnvironmentValue(*key);
        }
        std::string path = home + "/secrets.key";
        // A new key would seal new values while every stored one stays unreadable: a deleted
        // key file is refused, naming it, instead of being silently replaced.
        // The file is always in place before the first value sealed with it is stored, so
        // finding values and then still no file is a lost key, not another process's first use
        // racing this one (hence the second look).
        if (::access(path.c_str(), F_OK) != 0) {
          auto sealed = store_->HasSealedValues();
          if (!sealed) return tl::unexpected(sealed.error());
          if (*sealed && ::access(path.c_str(), F_OK) != 0) {
            return Fail(ErrorCode::kFailedPrecondition,
                        "the key file " + path +
                            " is missing but the store holds sealed secrets; restore the file "
                            "(or set LATCHKEY_SECRETS_KEY) instead of starting a new key");
          }
        }
        return KeyRing::LoadOrCreateFile(path);
      }) {}

Context ServiceState::MakeContext() {
  std::call_once(http_once_, [this] {
    if (!http_) http_ = MakeCurlHttpClient();
  });
  return Context{*http_, Now(), options_.env, ImplicitAuthEnabled(options_.env), options_.timeout};
}

}  // namespace latchkey
