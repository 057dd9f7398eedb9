// What every caller's backend shares: the store, the HTTP client, the secret box, and the
// options. One ServiceState serves the CLI's single local user, or all of a server's requests at
// once, so everything in it is safe to use from many threads.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "common/revision_cache.h"
#include "core/context.h"
#include "http/http_client.h"
#include "secrets/secret_box.h"
#include "service/credential_cache.h"
#include "store/store.h"

namespace latchkey {

struct LocalBackendOptions {
  std::string home;  // $LATCHKEY_HOME
  Environment env;
  std::string owner = "default";  // the principal of the CLI's embedded mode
  std::chrono::milliseconds timeout{15000};
  size_t verify_parallelism = 32;  // connectors verified at once by list-resources
};

class ServiceState {
 public:
  // `http` may be null: a libcurl client is then created on first use (commands that only read
  // the store skip libcurl's global initialisation, which dominates a cold `list`).
  ServiceState(LocalBackendOptions options, std::unique_ptr<Store> store,
               std::unique_ptr<HttpClient> http);

  LocalBackendOptions const& options() const { return options_; }
  Store& store() { return *store_; }
  SecretBox& box() { return box_; }
  // A fresh context (current time) for connector calls.
  Context MakeContext();
  // The server's cache of issued client credentials; null in the CLI's embedded mode, where a
  // process lives for one command and a cache would never be hit.
  CredentialCache* cache() const { return cache_; }
  void set_cache(CredentialCache* cache) { cache_ = cache; }
  // Connectors (metadata, no secret values) by the name, ID or prefix they were found by.
  RevisionCache<Connector>& connector_refs() { return connector_refs_; }

 private:
  LocalBackendOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<HttpClient> http_;
  std::once_flag http_once_;
  SecretBox box_;
  CredentialCache* cache_ = nullptr;
  // 1024 connectors, 4 MiB at most (strings and configuration counted).
  RevisionCache<Connector> connector_refs_{1024, size_t{4} << 20,
                                           [](Connector const& c) { return ApproxBytes(c); }};
};

}  // namespace latchkey
