#include "client/open_backend.h"

#include <filesystem>

#include "client/remote_backend.h"
#include "client/remote_session.h"
#include "http/http_client.h"
#include "service/local_backend.h"

namespace latchkey {

Result<std::unique_ptr<Backend>> OpenConfiguredBackend(Environment const& env) {
  auto session = LoadRemoteSession(env);
  if (!session) return tl::unexpected(session.error());
  if (*session) {
    auto options = RemoteOptionsFor(env, **session);
    if (!options) return tl::unexpected(options.error());
    return std::make_unique<RemoteBackend>(std::move(*options), MakeCurlHttpClient());
  }
  LocalBackendOptions options;
  options.env = env;
  options.home = LatchkeyHome(env);
  auto local = LocalBackend::Open(std::move(options));
  if (!local) return tl::unexpected(local.error());
  return std::unique_ptr<Backend>(std::move(*local));
}

bool ConfiguredBackendExists(Environment const& env) {
  auto session = LoadRemoteSession(env);
  if (!session) return false;
  if (*session) return true;
  std::error_code ec;
  return std::filesystem::exists(LocalBackend::StorePath(LatchkeyHome(env)), ec);
}

}  // namespace latchkey
