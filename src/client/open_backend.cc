#include "client/open_backend.h"

#include <charconv>
#include <filesystem>
#include <string>

#include "client/remote_backend.h"
#include "client/remote_session.h"
#include "http/http_client.h"
#include "service/local_backend.h"

namespace latchkey {
namespace {

// $LATCHKEY_VERIFY_PARALLELISM: connectors `list-resources` verifies at once in embedded mode
// (the server has --verify-parallelism).
Result<void> ReadVerifyParallelism(Environment const& env, LocalBackendOptions& options) {
  auto text = env.Get("LATCHKEY_VERIFY_PARALLELISM");
  if (!text || text->empty()) return {};
  size_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < 1 || n > 256) {
    return Fail(ErrorCode::kInvalidArgument,
                "LATCHKEY_VERIFY_PARALLELISM must be a whole number from 1 to 256");
  }
  options.verify_parallelism = n;
  return {};
}

}  // namespace

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
  if (auto r = ReadVerifyParallelism(env, options); !r) return tl::unexpected(r.error());
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
