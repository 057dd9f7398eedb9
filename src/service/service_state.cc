#include "service/service_state.h"

namespace latchkey {

ServiceState::ServiceState(LocalBackendOptions options, std::unique_ptr<Store> store,
                           std::unique_ptr<HttpClient> http)
    : options_(std::move(options)),
      store_(std::move(store)),
      http_(std::move(http)),
      box_([env = options_.env, home = options_.home]() -> Result<KeyRing> {
        if (auto key = env.Get("LATCHKEY_SECRETS_KEY"); key && !key->empty()) {
          return KeyRing::FromEnvironmentValue(*key);
        }
        return KeyRing::LoadOrCreateFile(home + "/secrets.key");
      }) {}

Context ServiceState::MakeContext() {
  std::call_once(http_once_, [this] {
    if (!http_) http_ = MakeCurlHttpClient();
  });
  return Context{*http_, Now(), options_.env, ImplicitAuthEnabled(options_.env), options_.timeout};
}

}  // namespace latchkey
