#include "service/local_backend.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "common/file_util.h"
#include "common/strings.h"
#include "core/connector_ops.h"
#include "core/registry.h"
#include "crypto/random.h"
#include "store/open_store.h"

namespace latchkey {
namespace {

constexpr char kRetarget[] = "change the auth method, resource type or resource ID of";

// A registration or update is refused when verification failed for every resource type.
Result<void> RequireVerified(ResourcesReport const& report) {
  if (report.error) {
    return Fail(ErrorCode::kUnauthenticated, "verification failed: " + *report.error);
  }
  bool any_ok = std::any_of(report.resources.begin(), report.resources.end(),
                            [](TypedResources const& r) { return !r.error; });
  if (!any_ok && !report.resources.empty()) {
    return Fail(ErrorCode::kUnauthenticated,
                "verification failed: " + report.resources.front().error.value_or("unknown error"));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<LocalBackend>> LocalBackend::Open(LocalBackendOptions options) {
  if (auto r = EnsureDirectory(options.home, 0700); !r) return tl::unexpected(r.error());
  auto store = OpenSqliteStore(StorePath(options.home));
  if (!store) return tl::unexpected(store.error());
  return std::make_unique<LocalBackend>(std::move(options), std::move(*store), nullptr);
}

LocalBackend::LocalBackend(LocalBackendOptions options, std::unique_ptr<Store> store,
                           std::unique_ptr<HttpClient> http)
    : principal_{options.owner, true, ""} {
  state_ = std::make_shared<ServiceState>(std::move(options), std::move(store), std::move(http));
}

LocalBackend::LocalBackend(std::shared_ptr<ServiceState> state, Principal principal,
                           std::optional<int64_t> revision)
    : state_(std::move(state)), principal_(std::move(principal)), revision_(revision) {}

Result<Connector> LocalBackend::LoadForUse(std::string const& name_or_id) {
  if (!revision_) return Load(name_or_id, Access::kUse, false);
  // A name means the caller's own item first, so the cache is keyed by who asks too (a user's
  // admin flag changes only with a store write, which changes the revision).
  auto& refs = state_->connector_refs();
  std::string key = principal_.name + '\n' + name_or_id;
  auto c = refs.Get(key, *revision_);
  if (!c) {
    auto found = store().FindConnector(name_or_id, names());
    if (!found) return found;
    refs.Put(key, *revision_, *found);
    c = std::move(*found);
  }
  if (auto r = Authorize(principal_, *c, Access::kUse, name_or_id); !r) {
    return tl::unexpected(r.error());
  }
  return std::move(*c);
}

Result<Connector> LocalBackend::Load(std::string const& name_or_id, Access access, bool reveal) {
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    auto c = store().FindConnector(name_or_id, names());
    if (!c) return c;
    if (auto r = Authorize(principal_, *c, access, name_or_id); !r) {
      return tl::unexpected(r.error());
    }
    if (!reveal) return c;
    auto r = Reveal(*c);
    if (r) return c;
    // Every update replaces the connector's secret record and deletes the old one, so a
    // concurrent update (here or on another replica) can remove the record this read named.
    // Reading again finds the new one.
    if (r.error().code != ErrorCode::kNotFound || attempt == kAttempts) {
      return tl::unexpected(r.error());
    }
  }
}

std::vector<ConnectorTypeSpec const*> LocalBackend::ListConnectorTypes(TypeFilter const& filter) {
  return FilterConnectorTypes(filter);
}

Result<ConnectorTypeSpec const*> LocalBackend::GetConnectorType(std::string const& connector_type) {
  auto type = RequireConnectorType(connector_type);
  if (!type) return tl::unexpected(type.error());
  return &(*type)->Spec();
}

Result<Connector> LocalBackend::BuildDraft(RegisterRequest& request, Context& ctx) {
  Connector c = request.draft;
  auto type = RequireConnectorType(c.connector_type);
  if (!type) return tl::unexpected(type.error());
  RawValues values = request.values;
  if (request.auto_configure) {
    if (auto r = ApplyAutoConfiguration(ctx, **type, c, values); !r)
      return tl::unexpected(r.error());
  }
  if (c.auth_method.empty()) {
    auto const& methods = (*type)->Spec().auth_methods;
    if (methods.size() != 1) {
      return Fail(ErrorCode::kInvalidArgument,
                  "choose an authentication method with --auth-method: " +
                      Join((*type)->Spec().AuthMethodNames(), ", "));
    }
    c.auth_method = methods[0].auth_method;
  }
  if (auto r = NormalizeConnector(**type, c, values); !r) return tl::unexpected(r.error());
  return c;
}

Result<ResourcesReport> LocalBackend::VerifyDraft(RegisterRequest request) {
  Context ctx = MakeContext();
  auto c = BuildDraft(request, ctx);
  if (!c) return tl::unexpected(c.error());
  auto const* type = FindConnectorType(c->connector_type);
  return latchkey::VerifyConnector(ctx, *type, *c, std::nullopt, c->resource_id);
}

Result<SavedConnector> LocalBackend::RegisterConnector(RegisterRequest request) {
  if (request.draft.name.empty())
    return Fail(ErrorCode::kInvalidArgument, "a connector name is required");
  Context ctx = MakeContext();
  auto c = BuildDraft(request, ctx);
  if (!c) return tl::unexpected(c.error());
  c->id = crypto::NewTimeOrderedUuid();
  c->owner = principal_.name;
  c->created = c->updated = ctx.now;
  SavedConnector saved;
  if (request.verify) {
    // Fail fast on a clashing name before spending time on remote verification: the caller's
    // own connector of that name, or a shared one when this one is shared too (the store's
    // uniqueness rules; another user's private connector is no clash).
    auto existing = store().FindConnector(c->name, NameScope{principal_.name, false});
    if (existing && existing->name == c->name &&
        (existing->owner == principal_.name || (c->shared && existing->shared))) {
      return Fail(ErrorCode::kAlreadyExists,
                  "a service connector named '" + c->name + "' already exists");
    }
    auto const* type = FindConnectorType(c->connector_type);
    ResourcesReport report =
        latchkey::VerifyConnector(ctx, *type, *c, std::nullopt, c->resource_id);
    if (auto r = RequireVerified(report); !r) return tl::unexpected(r.error());
    saved.resources = std::move(report);
  }
  std::optional<SecretRecord> secret;
  if (!c->secrets.empty()) {
    auto sealed = SealSecrets("connector-" + c->id, c->secrets, true, ctx.now);
    if (!sealed) return tl::unexpected(sealed.error());
    c->secret_id = sealed->id;
    secret = std::move(*sealed);
  }
  if (auto r = store().CreateConnector(*c, secret); !r) return tl::unexpected(r.error());
  c->version = 1;  // as stored
  saved.connector = std::move(*c);
  return saved;
}

Result<std::vector<Connector>> LocalBackend::ListConnectors(ConnectorFilter const& filter) {
  ConnectorFilter visible = filter;
  if (!principal_.admin) visible.visible_to = principal_.name;
  return store().ListConnectors(visible);
}

Result<Page<Connector>> LocalBackend::PageConnectors(ListQuery query) {
  query.visible_to.reset();
  if (!principal_.admin) query.visible_to = principal_.name;
  return store().PageConnectors(query);
}

Result<void> LocalBackend::Reveal(Connector& c) {
  if (!c.secret_id) return {};
  auto record = store().GetSecretById(*c.secret_id);
  if (!record) return tl::unexpected(record.error());
  c.secrets.clear();
  for (auto const& v : record->values) {
    auto plain = box().Open(record->id, v);
    if (!plain) return tl::unexpected(plain.error());
    c.secrets[v.key] = *plain;
  }
  return {};
}

Result<Connector> LocalBackend::GetConnector(std::string const& name_or_id, bool reveal_secrets) {
  return Load(name_or_id, reveal_secrets ? Access::kReadSecrets : Access::kRead, reveal_secrets);
}

Result<SavedConnector> LocalBackend::UpdateConnector(UpdateRequest request) {
  auto current = Load(request.name_or_id, Access::kUpdate, true);
  if (!current) return tl::unexpected(current.error());
  Connector c = *current;
  auto const* type = FindConnectorType(c.connector_type);
  if (!type) {
    return Fail(ErrorCode::kFailedPrecondition,
                "connector type '" + c.connector_type + "' is not available in this build");
  }
  RawValues values = CurrentValues(c);
  if (request.new_name) c.name = *request.new_name;
  if (request.description) c.description = *request.description;
  if (auto r = ApplySharing(c, request.shared, request.shared_read_only, request.share_secrets);
      !r) {
    return tl::unexpected(r.error());
  }
  if (request.expected_version && *request.expected_version != c.version) {
    return Fail(ErrorCode::kConflict,
                fmt::format("service connector '{}' is at version {}, not {}; re-read it and retry",
                            c.name, c.version, *request.expected_version));
  }
  if (request.auth_method && *request.auth_method != c.auth_method) {
    c.auth_method = *request.auth_method;
    if (!request.resource_type && c.resource_types.size() > 1) c.resource_types.clear();
  }
  if (request.resource_type) c.resource_types = {*request.resource_type};
  if (request.resource_id) c.resource_id = *request.resource_id;
  if (request.expiration_seconds) c.expiration_seconds = request.expiration_seconds;
  if (request.expires_at) c.expires_at = request.expires_at;
  if (request.expires_skew_tolerance) c.expires_skew_tolerance = request.expires_skew_tolerance;
  for (auto const& [k, v] : request.values) values[k] = v;
  for (auto const& attr : request.remove_attrs) {
    if (attr == "resource_id") {
      c.resource_id.reset();
    } else if (attr == "resource_type" || attr == "resource_types") {
      c.resource_types.clear();
      c.resource_id.reset();
    } else if (attr == "expiration_seconds") {
      c.expiration_seconds.reset();
    } else if (attr == "expires_at") {
      c.expires_at.reset();
    } else if (attr == "expires_skew_tolerance") {
      c.expires_skew_tolerance.reset();
    } else if (!values.erase(attr)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "connector '" + c.name + "' has no attribute '" + attr + "' to remove");
    }
  }
  for (auto const& [k, v] : request.labels) {
    if (v) {
      c.labels[k] = *v;
    } else {
      c.labels.erase(k);
    }
  }
  // Components rely on what the connector reaches: refused before any other check of the new
  // configuration, so the reason given is this one.
  bool retargets = c.auth_method != current->auth_method ||
                   c.resource_types != current->resource_types ||
                   c.resource_id != current->resource_id;
  if (retargets) {
    if (auto r = RefuseWhileUsed(*current, kRetarget); !r) return tl::unexpected(r.error());
  }
  if (c.resource_types.size() == 1 && !c.supports_instances && !request.resource_id) {
    c.resource_id.reset();  // a single-instance ID is re-derived from the new configuration
  }
  if (auto r = NormalizeConnector(*type, c, values); !r) return tl::unexpected(r.error());
  // ... and after it, for a resource ID derived anew from changed attributes.
  if (!retargets && c.resource_id != current->resource_id) {
    if (auto r = RefuseWhileUsed(*current, kRetarget); !r) return tl::unexpected(r.error());
  }
  Context ctx = MakeContext();
  c.updated = ctx.now;
  SavedConnector saved;
  if (request.verify) {
    ResourcesReport report = latchkey::VerifyConnector(ctx, *type, c, std::nullopt, c.resource_id);
    if (auto r = RequireVerified(report); !r) return tl::unexpected(r.error());
    saved.resources = std::move(report);
  }
  std::optional<SecretRecord> secret;
  c.secret_id.reset();
  if (!c.secrets.empty()) {
    // A fresh secret record per update: the old one is deleted in the same transaction.
    auto sealed = SealSecrets("connector-" + c.id + "-" + crypto::NewUuid().substr(0, 8), c.secrets,
                              true, ctx.now);
    if (!sealed) return tl::unexpected(sealed.error());
    c.secret_id = sealed->id;
    secret = std::move(*sealed);
  }
  if (auto r = store().UpdateConnector(c, secret); !r) return tl::unexpected(r.error());
  if (state_->cache()) state_->cache()->InvalidateConnector(c.id);
  ++c.version;
  saved.connector = std::move(c);
  return saved;
}

Result<void> LocalBackend::DeleteConnector(std::string const& name_or_id) {
  auto c = Load(name_or_id, Access::kDelete, false);
  if (!c) return tl::unexpected(c.error());
  if (auto r = RefuseWhileUsed(*c, "delete"); !r) return r;
  if (auto r = store().DeleteConnector(c->id); !r) return r;
  if (state_->cache()) state_->cache()->InvalidateConnector(c->id);
  return {};
}

Result<ResourcesReport> LocalBackend::VerifyConnector(std::string const& name_or_id,
                                                      OptString const& resource_type,
                                                      OptString const& resource_id,
                                                      bool list_resources) {
  auto c = Load(name_or_id, Access::kUse, true);
  if (!c) return tl::unexpected(c.error());
  auto type = RequireConnectorType(c->connector_type);
  if (!type) return tl::unexpected(type.error());
  Context ctx = MakeContext();
  return latchkey::VerifyConnector(ctx, **type, *c, resource_type, resource_id, list_resources);
}

Result<std::vector<ResourcesReport>> LocalBackend::ListResources(ResourceQuery const& query) {
  ConnectorFilter filter;
  filter.connector_type = query.connector_type;
  filter.resource_type = query.resource_type;
  auto connectors = ListConnectors(filter);
  if (!connectors) return tl::unexpected(connectors.error());
  // Listing resources uses a connector's credentials: connectors shared for reading only are
  // left out for everyone but their owner and admins.
  std::erase_if(*connectors, [this](Connector const& c) {
    return !Authorize(principal_, c, Access::kUse, c.name).has_value();
  });
  std::vector<ResourcesReport> reports(connectors->size());
  // Secrets are opened up front on this thread: the store connection and the key ring are not
  // shared with the verification threads.
  std::vector<std::optional<Error>> reveal_errors(connectors->size());
  for (size_t i = 0; i < connectors->size(); ++i) {
    if (auto r = Reveal((*connectors)[i]); !r) reveal_errors[i] = r.error();
  }
  // Every connector is verified concurrently, up to verify_parallelism at once, each outbound
  // call bounded by the context's timeout. Workers take the next connector as soon as they
  // finish one, so one slow provider delays only its own report, never a whole wave.
  auto verify_one = [&](size_t i) {
    Connector const& c = (*connectors)[i];
    ResourcesReport& report = reports[i];
    auto const* type = FindConnectorType(c.connector_type);
    if (!type || reveal_errors[i]) {
      report = ResourcesReport{c.id, c.name, c.connector_type, {}, {}};
      report.error = type ? reveal_errors[i]->message
                          : "the '" + c.connector_type + "' connector type is not available";
      return;
    }
    Context ctx = MakeContext();
    report = latchkey::VerifyConnector(ctx, *type, c, query.resource_type, query.resource_id);
  };
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < connectors->size(); i = next++) verify_one(i);
  };
  size_t workers = std::min(std::max<size_t>(options().verify_parallelism, 1), connectors->size());
  {
    std::vector<std::jthread> pool;
    for (size_t w = 1; w < workers; ++w) pool.emplace_back(work);
    work();  // this thread is a worker too
  }
  if (query.exclude_errors) {
    std::vector<ResourcesReport> ok;
    for (auto& r : reports) {
      if (r.error) continue;
      std::erase_if(r.resources, [](TypedResources const& t) { return t.error.has_value(); });
      if (!r.resources.empty()) ok.push_back(std::move(r));
    }
    return ok;
  }
  return reports;
}

Result<Connector> LocalBackend::GetConnectorClient(std::string const& name_or_id,
                                                   OptString const& resource_type,
                                                   OptString const& resource_id) {
  CredentialCache* cache = state_->cache();
  // With a cache, secrets are opened only when credentials actually have to be issued.
  auto c = cache ? LoadForUse(name_or_id) : Load(name_or_id, Access::kUse, true);
  if (!c) return tl::unexpected(c.error());
  auto type = RequireConnectorType(c->connector_type);
  if (!type) return tl::unexpected(type.error());
  // Sharing for use hands out temporary credentials; the owner's long-lived ones only with
  // --share-secrets (AuthorizeClient), whether issued now or served from the cache.
  auto checked = [&](Result<Connector> client) -> Result<Connector> {
    if (!client) return client;
    if (auto r = AuthorizeClient(principal_, *c, *client); !r) return tl::unexpected(r.error());
    return client;
  };
  if (!cache) {
    Context ctx = MakeContext();
    return checked(latchkey::GetConnectorClient(ctx, **type, *c, resource_type, resource_id));
  }
  auto target = ResolveResourceTarget(**type, *c, resource_type, resource_id);
  if (!target) return tl::unexpected(target.error());
  CredentialCacheKey key{c->id, c->version, target->resource_type, target->resource_id.value_or(""),
                         ""};
  // The cache may call this again later from its refresher, so it owns everything it uses.
  auto issue = [self = LocalBackend(state_, principal_), id = c->id, type = *type, resource_type,
                resource_id]() mutable -> Result<Connector> {
    auto connector = self.Load(id, Access::kUse, true);
    if (!connector) return tl::unexpected(connector.error());
    Context ctx = self.MakeContext();
    return latchkey::GetConnectorClient(ctx, *type, *connector, resource_type, resource_id);
  };
  return checked(cache->GetOrIssue(key, issue));
}

}  // namespace latchkey
