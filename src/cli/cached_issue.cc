#include "cli/cached_issue.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "client/remote_session.h"
#include "common/strings.h"
#include "core/connector_validation.h"
#include "core/registry.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "secrets/secret_box.h"
#include "service/local_backend.h"

namespace latchkey::cli {
namespace {

// The request as named, under the scope it goes to: the entry's file name comes from it.
std::string RequestKey(std::string const& scope, ClientTarget const& target) {
  return nlohmann::json::array({scope, target.connector, target.resource_type, target.resource_id})
      .dump();
}

bool SameIssue(CachedClient const& entry, Connector const& connector, ResourceTarget const& rt) {
  return entry.connector_id == connector.id && entry.connector_version == connector.version &&
         entry.resource_type == rt.resource_type &&
         entry.resource_id == rt.resource_id.value_or("");
}

Result<Connector> Issue(Backend& backend, ClientTarget const& target) {
  return backend.GetConnectorClient(target.connector, Opt(target.resource_type),
                                    Opt(target.resource_id));
}

// Embedded store: the connector's row says whether an entry is current.
Result<Connector> IssueLocal(CachedIssueSource const& source, CredentialFileCache& cache,
                             ClientTarget const& target, std::string const& request) {
  auto connector = source.backend.GetConnector(target.connector, false);
  if (!connector) return Issue(source.backend, target);  // its error, worded by the backend
  auto const* type = FindConnectorType(connector->connector_type);
  if (!type) return Issue(source.backend, target);
  auto resolved =
      ResolveResourceTarget(*type, *connector, Opt(target.resource_type), Opt(target.resource_id));
  if (!resolved) return Issue(source.backend, target);
  if (auto hit = cache.Find(request)) {
    if (SameIssue(*hit, *connector, *resolved)) return hit->client;
    cache.Drop(request);  // issued from another configuration
  }
  auto client = Issue(source.backend, target);
  if (client && client->id == connector->id) {
    // The version read before issuing: an update in between makes the entry look older than
    // it is, so it is replaced at the next call, never served for a newer configuration.
    (void)cache.Store(request, CachedClient{connector->id,
                                            connector->version,
                                            resolved->resource_type,
                                            resolved->resource_id.value_or(""),
                                            {},
                                            {},
                                            *client});
  }
  return client;
}

// Server: served without a call while recently confirmed, else confirmed with one metadata read.
Result<Connector> IssueRemote(CachedIssueSource const& source, CredentialFileCache& cache,
                              ClientTarget const& target, std::string const& request) {
  auto hit = cache.Find(request);
  TimePoint now = cache.Now();
  if (hit && now >= hit->checked_at && now - hit->checked_at < source.remote_recheck) {
    return hit->client;
  }
  // One metadata read serves both to confirm an entry and to key the one issued instead.
  auto connector = source.backend.GetConnector(target.connector, false);
  if (hit) {
    if (connector && connector->id == hit->connector_id &&
        connector->version == hit->connector_version) {
      (void)cache.Touch(request, *hit, now);
      return hit->client;
    }
    cache.Drop(request);
  }
  if (!connector) return Issue(source.backend, target);
  auto client = Issue(source.backend, target);
  if (client && client->id == connector->id && !client->resource_types.empty()) {
    (void)cache.Store(request, CachedClient{connector->id,
                                            connector->version,
                                            client->resource_types.front(),
                                            client->resource_id.value_or(""),
                                            {},
                                            {},
                                            *client});
  }
  return client;
}

// The cache of the backend `state` opened, with the key ring that seals it and the scope its
// entries are issued in.
struct CliCache {
  std::optional<SecretBox> box;  // remote mode: the local ring, loaded on first use
  std::unique_ptr<CredentialFileCache> cache;
  std::string scope;
  bool remote = false;
};

Result<std::unique_ptr<CliCache>> OpenCliCache(CliState& state, Backend*& backend) {
  auto opened = state.backend();
  if (!opened) return tl::unexpected(opened.error());
  backend = *opened;
  auto out = std::make_unique<CliCache>();
  CredentialFileCacheOptions options;
  options.dir = CredentialCacheDir(state.env());
  if (auto* local = dynamic_cast<LocalBackend*>(backend)) {
    // The store's own ring, with its guard against a lost key file: the cache never creates a
    // key the store's sealed values do not open with.
    out->cache = std::make_unique<CredentialFileCache>(
        options, [local]() -> Result<KeyRing*> { return local->SecretsKeyRing(); });
    out->scope = "local";
    return out;
  }
  auto session = LoadRemoteSession(state.env());
  if (!session) return tl::unexpected(session.error());
  if (!*session) return Fail(ErrorCode::kInternal, "no server session");
  out->remote = true;
  out->scope = "remote\n" + (*session)->url + "\n" +
               crypto::HexEncode(crypto::Sha256("latchkey-token:" + (*session)->token));
  out->box.emplace([env = state.env()] { return LoadLocalKeyRing(env); });
  CliCache* self = out.get();
  out->cache = std::make_unique<CredentialFileCache>(
      options, [self]() -> Result<KeyRing*> { return self->box->Ring(); });
  return out;
}

}  // namespace

bool CredentialCacheDisabled(Environment const& env) {
  auto value = env.Get("LATCHKEY_NO_CACHE");
  if (!value) return false;
  std::string v = ToLower(Trim(*value));
  return v == "1" || v == "true" || v == "yes";
}

std::string CredentialCacheDir(Environment const& env) {
  return LatchkeyHome(env) + "/credential-cache";
}

void AddNoCacheOption(CLI::App& command, bool& no_cache) {
  command.add_flag("--no-cache", no_cache,
                   "Issue afresh: neither read nor write the local credential cache (also "
                   "LATCHKEY_NO_CACHE=1)");
}

void ApplyNoCacheOption(CliState& state, bool no_cache) {
  if (no_cache) state.SetEnv("LATCHKEY_NO_CACHE", "1");
}

Result<Connector> IssueThroughCache(CachedIssueSource const& source, CredentialFileCache& cache,
                                    ClientTarget const& target) {
  std::string request = RequestKey(source.scope, target);
  return source.remote ? IssueRemote(source, cache, target, request)
                       : IssueLocal(source, cache, target, request);
}

Result<Connector> IssueClientCached(CliState& state, ClientTarget const& target) {
  if (CredentialCacheDisabled(state.env())) return IssueClient(state, target);
  Backend* backend = nullptr;
  auto cache = OpenCliCache(state, backend);
  if (!cache) return IssueClient(state, target);
  CachedIssueSource source{*backend, (*cache)->scope, (*cache)->remote};
  return IssueThroughCache(source, *(*cache)->cache, target);
}

void DropCachedCredentials(CliState& state, std::string const& connector_id) {
  Backend* backend = nullptr;
  if (auto cache = OpenCliCache(state, backend)) (*cache)->cache->DropConnector(connector_id);
}

void ClearCachedCredentials(CliState& state) {
  Backend* backend = nullptr;
  if (auto cache = OpenCliCache(state, backend)) (*cache)->cache->Clear();
}

}  // namespace latchkey::cli
