// Everything a connector may touch outside its own inputs: HTTP, the time, the environment and
// the implicit-auth switch. Nothing in a connector reads globals, so tests pass fakes and a
// fixed time.
#pragma once

#include <any>
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "common/time_util.h"
#include "http/http_client.h"

namespace latchkey {

class Environment {
 public:
  Environment() = default;
  explicit Environment(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}
  static Environment FromProcess();

  std::optional<std::string> Get(std::string const& name) const;
  void Set(std::string const& name, std::string value) { vars_[name] = std::move(value); }
  // $HOME, or "/" when unset.
  std::string Home() const;

 private:
  std::map<std::string, std::string> vars_;
};

// Resolves $LATCHKEY_HOME (default ~/.latchkey): the store, keys, and files Latchkey writes for
// local clients live there.
std::string LatchkeyHome(Environment const& env);

// LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS: whether methods that use the broker's own ambient
// identity (env vars, metadata services, CLI logins) may be used.
bool ImplicitAuthEnabled(Environment const& env);

struct Context {
  HttpClient& http;
  TimePoint now;
  Environment env;
  bool allow_implicit_auth = false;
  std::chrono::milliseconds timeout{15000};  // bound for each outbound call
  // What a connector obtained earlier in this same context (one request) and may reuse in it,
  // keyed by the connector under a digest of everything that determined the value: the role
  // assumed to verify a resource is the one its client then receives, not a second AssumeRole.
  // A context is made per request and not shared between threads, so nothing here goes stale
  // or needs a lock; it holds secrets only as long as the request does.
  std::map<std::string, std::any> memo{};
};

}  // namespace latchkey
