// `latchkey server`: the REST API on a store (embedded SQLite by default, PostgreSQL for several
// replicas), with users, the credential cache, the audit log and metrics.
#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <condition_variable>
#include <iostream>
#include <thread>

#include "cli/app.h"
#include "common/cache_usage.h"
#include "common/file_util.h"
#include "common/strings.h"
#include "connectors/azure/entra_token.h"
#include "connectors/gcp/token_cache.h"
#include "crypto/hmac.h"
#include "http/outbound_policy.h"
#include "server/api/api_server.h"
#include "server/http/http_server.h"
#include "server/http/static_site.h"
#include "server/signals.h"
#include "store/open_store.h"

namespace latchkey::cli {
namespace {

struct ServerArgs {
  std::string host = "127.0.0.1";
  uint16_t port = 8237;
  std::string store;
  std::string tls_cert;
  std::string tls_key;
  std::string audit_log;
  uint64_t audit_log_max_bytes = uint64_t{64} << 20;
  int audit_log_keep = 5;
  LoginThrottleOptions login_throttle;
  int64_t login_lockout_seconds = 30;
  int io_threads = 2;
  int worker_threads = 16;
  int outbound_threads = 16;
  int outbound_per_user = 4;
  int provider_timeout = 15;
  int verify_parallelism = 32;
  int64_t cache_refresh_margin = 300;
  std::vector<std::string> outbound_allow;
  std::vector<std::string> outbound_deny;
};

// Re-issues hot cached credentials ahead of expiry until stopped.
class CacheRefresher {
 public:
  explicit CacheRefresher(CredentialCache& cache)
      : thread_([this, &cache] {
          std::unique_lock lock(mu_);
          while (!cv_.wait_for(lock, std::chrono::seconds(15), [this] { return stop_; })) {
            lock.unlock();
            cache.RefreshExpiring();
            lock.lock();
          }
        }) {}
  ~CacheRefresher() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Exports the cache's counters as Prometheus counters (they only grow, so deltas are added).
void ExportCacheStats(CredentialCache const& cache, server::MetricsRegistry& metrics,
                      CredentialCacheStats& exported) {
  CredentialCacheStats now = cache.Stats();
  auto add = [&](char const* name, char const* help, uint64_t current, uint64_t& last) {
    metrics.AddCounter(name, help).Get().Inc(static_cast<double>(current - last));
    last = current;
  };
  add("latchkey_credential_cache_hits_total", "Client credentials served from the cache.", now.hits,
      exported.hits);
  add("latchkey_credential_cache_misses_total", "Client credential requests not served cached.",
      now.misses, exported.misses);
  add("latchkey_credentials_issued_total", "Client credentials minted from a provider.", now.issued,
      exported.issued);
  add("latchkey_credential_refreshes_total", "Cached credentials renewed ahead of expiry.",
      now.refreshed, exported.refreshed);
  add("latchkey_upstream_issue_errors_total", "Failed attempts to mint client credentials.",
      now.errors, exported.errors);
  metrics.AddGauge("latchkey_credential_cache_entries", "Entries in the credential cache.")
      .Get()
      .Set(static_cast<double>(now.entries));
}

// Every bounded cache's size and bounds, as gauges labelled by cache.
void ExportUsage(server::MetricsRegistry& metrics, char const* name, CacheUsage const& usage) {
  auto set = [&](char const* metric, char const* help, size_t value) {
    metrics.AddGauge(metric, help, {"cache"}).WithLabels({name}).Set(static_cast<double>(value));
  };
  set("latchkey_cache_entries", "Entries held by a server cache.", usage.entries);
  set("latchkey_cache_bytes", "Approximate bytes held by a server cache.", usage.bytes);
  set("latchkey_cache_max_entries", "Entry bound of a server cache.", usage.max_entries);
  set("latchkey_cache_max_bytes", "Byte bound of a server cache (0: bounded by entries only).",
      usage.max_bytes);
}

template <class V>
void ExportRevisionCache(server::MetricsRegistry& metrics, char const* name,
                         RevisionCache<V> const& cache) {
  ExportUsage(metrics, name,
              CacheUsage{cache.size(), cache.bytes(), cache.max_entries(), cache.max_bytes()});
}

Result<void> RunServer(CliState& state, ServerArgs const& a) {
  // glibc gives each thread that allocates its own arena (up to 8 per core), and memory freed
  // in one is not reused by another: with a dozen I/O and worker threads RSS grows by arenas
  // that mostly hold free space. Two arenas keep RSS flat at no measured cost in throughput.
  mallopt(M_ARENA_MAX, 2);
  Environment const& env = state.env();
  LocalBackendOptions options;
  options.env = env;
  options.home = LatchkeyHome(env);
  options.timeout = std::chrono::seconds(a.provider_timeout);
  options.verify_parallelism = static_cast<size_t>(a.verify_parallelism);
  if (auto r = EnsureDirectory(options.home, 0700); !r) return r;
  std::string store_url = a.store.empty() ? "sqlite://" + options.home + "/latchkey.db" : a.store;
  auto store = OpenStore(store_url);
  if (!store) return tl::unexpected(store.error());
  std::string store_kind = StartsWith(store_url, "postgres") ? "postgresql" : "sqlite";

  auto policy = OutboundPolicy::FromLists(a.outbound_allow, a.outbound_deny);
  if (!policy) return tl::unexpected(policy.error());
  auto outbound = std::make_shared<OutboundPolicy const>(std::move(*policy));
  auto shared =
      std::make_shared<ServiceState>(options, std::move(*store), MakeCurlHttpClient(outbound));
  IdentityOptions identity_options;
  identity_options.throttle = a.login_throttle;
  identity_options.throttle.first_lockout = std::chrono::seconds(a.login_lockout_seconds);
  IdentityService identity(shared->store(), identity_options);
  auto generated = identity.Bootstrap(env.Get("LATCHKEY_ADMIN_PASSWORD"), Now());
  if (!generated) return tl::unexpected(generated.error());

  CredentialCacheOptions cache_options;
  cache_options.refresh_margin = std::chrono::seconds(a.cache_refresh_margin);
  CredentialCache cache(cache_options);
  shared->set_cache(&cache);

  // Fingerprints in the audit log are keyed by the secrets key, so every replica (which must
  // share that key anyway) writes comparable fingerprints and nobody without it can test
  // guesses against them.
  auto ring = shared->box().Ring();
  if (!ring) return tl::unexpected(ring.error());
  std::string audit_key = crypto::HmacSha256((*ring)->active_key(), "latchkey audit fingerprints");
  AuditLogRotation rotation{a.audit_log_max_bytes, a.audit_log_keep};
  auto audit = AuditLog::Open(a.audit_log.empty() ? options.home + "/audit.log" : a.audit_log,
                              audit_key, &Now, rotation);
  if (!audit) return tl::unexpected(audit.error());

  server::MetricsRegistry metrics;
  CredentialCacheStats exported;
  std::mutex export_mu;
  api::ApiServices services{shared, &identity, &cache, audit->get(), &metrics, store_kind, {}};
  services.before_metrics = [&] {
    std::lock_guard lock(export_mu);
    ExportCacheStats(cache, metrics, exported);
    ExportRevisionCache(metrics, "list_answers", *services.cached_reads);
    ExportRevisionCache(metrics, "connector_refs", shared->connector_refs());
    ExportRevisionCache(metrics, "api_tokens", identity.accepted_tokens());
    ExportUsage(metrics, "credentials", cache.Usage());
    ExportUsage(metrics, "list_totals", shared->store().ListTotalsUsage());
    ExportUsage(metrics, "gcp_tokens", gcp::TokenCache::Process().Usage());
    ExportUsage(metrics, "azure_tokens", azure::TokenCacheUsage());
  };
  services.outbound =
      std::make_shared<api::OutboundLimiter>(static_cast<size_t>(std::max(1, a.outbound_per_user)));
  server::Router router;
  api::AddApiRoutes(router, services);
  server::StaticSite dashboard(server::EmbeddedWebAssets());
  if (!dashboard.empty()) {
    router.SetFallback([&dashboard](server::HttpRequest const& r,
                                    server::PathParams const&) { return dashboard.Serve(r); },
                       "dashboard");
  }

  server::HttpServerOptions http;
  http.host = a.host;
  http.port = a.port;
  http.tls_cert_file = a.tls_cert;
  http.tls_key_file = a.tls_key;
  http.io_threads = a.io_threads;
  http.worker_threads = a.worker_threads;
  http.outbound_threads = a.outbound_threads;
  http.metrics = &metrics;
  server::ShutdownSignals signals;
  server::HttpServer server(http, router);
  if (auto r = server.Start(); !r) return r;
  std::string url =
      fmt::format("{}://{}:{}", a.tls_cert.empty() ? "http" : "https", a.host, server.port());
  std::cout << "Latchkey server listening on " << url << " (store: " << store_kind << ")\n";
  if (*generated) {
    std::cout << "Created the admin user 'admin' with the password: " << **generated
              << "\n(shown only now; set LATCHKEY_ADMIN_PASSWORD to choose it)\n";
  }
  std::cout << "Provider calls: " << outbound->Describe() << "\n";
  if (!dashboard.empty()) std::cout << "Dashboard: " << url << "/\n";
  std::cout << "Log in with: latchkey login " << url << " --username admin\n" << std::flush;
  CacheRefresher refresher(cache);
  server::StopServerOnSignal(server, signals);
  server.Wait();
  std::cout << "Latchkey server stopped.\n";
  return {};
}

}  // namespace

void AddServerCommand(CLI::App& app, CliState& state) {
  auto a = std::make_shared<ServerArgs>();
  auto* cmd = app.add_subcommand("server", "Run the Latchkey server (REST API)");
  cmd->add_option("--host", a->host, "Address to listen on (default 127.0.0.1)");
  cmd->add_option("--port", a->port, "Port (default 8237; 0 picks a free one)");
  cmd->add_option("--store", a->store,
                  "sqlite:///path/file.db (default: $LATCHKEY_HOME/latchkey.db) or "
                  "postgresql://user:password@host:port/db");
  cmd->add_option("--tls-cert", a->tls_cert, "PEM certificate chain (enables HTTPS)");
  cmd->add_option("--tls-key", a->tls_key, "PEM private key of --tls-cert");
  cmd->add_option("--audit-log", a->audit_log, "Audit log file (default $LATCHKEY_HOME/audit.log)");
  cmd->add_option("--outbound-allow", a->outbound_allow,
                  "Networks provider calls may reach (repeatable, e.g. 10.0.0.0/8); when given, "
                  "only these (default: all but link-local and cloud metadata addresses)")
      ->take_all();
  cmd->add_option("--outbound-deny", a->outbound_deny,
                  "Networks provider calls may not reach (repeatable, e.g. 127.0.0.0/8); the most "
                  "specific matching network decides")
      ->take_all();
  cmd->add_option("--outbound-threads", a->outbound_threads,
                  "Threads for requests that call providers: verify, register, resources, client "
                  "credentials (default 16)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--outbound-per-user", a->outbound_per_user,
                  "Provider-calling requests one user may have in flight; more are refused with "
                  "429 (default 4)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--provider-timeout", a->provider_timeout,
                  "Seconds one provider call may take (1-300, default 15)")
      ->check(CLI::Range(1, 300));
  cmd->add_option("--verify-parallelism", a->verify_parallelism,
                  "Connectors one list-resources request verifies at once (1-256, default 32)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--audit-log-max-bytes", a->audit_log_max_bytes,
                  "Rotate the audit log when it reaches this size (default 67108864 = 64 MiB; "
                  "0: never)")
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 50));
  cmd->add_option("--audit-log-keep", a->audit_log_keep,
                  "Rotated audit logs kept as FILE.1 ... FILE.N (default 5)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--login-failures-per-name", a->login_throttle.failures_per_name,
                  "Failed logins for one user name before it is locked out (default 5)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--login-failures-per-address", a->login_throttle.failures_per_address,
                  "Failed logins from one client address before it is locked out (default 50)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--login-lockout-seconds", a->login_lockout_seconds,
                  "First lockout after too many failed logins; doubles with each further "
                  "failure, up to 15 minutes (default 30)")
      ->check(CLI::Range(int64_t{1}, int64_t{900}));
  cmd->add_option("--io-threads", a->io_threads, "Network threads (default 2)");
  cmd->add_option("--worker-threads", a->worker_threads,
                  "Threads for requests served from the store (default 16)");
  cmd->add_option("--cache-refresh-margin", a->cache_refresh_margin,
                  "Seconds before expiry at which cached credentials are renewed (default 300)");
  auto* cert = cmd->get_option("--tls-cert");
  cmd->get_option("--tls-key")->needs(cert);
  cert->needs(cmd->get_option("--tls-key"));
  OnRun(*cmd, state, [&state, a] { return RunServer(state, *a); });
}

}  // namespace latchkey::cli
