// Access tokens kept in memory until shortly before they expire, so a server verifying,
// listing and issuing for the same connector asks Google once an hour rather than per request.
// Keyed by a digest of everything that determines the token (method, credentials, target,
// lifetime, endpoints): an edited connector never meets its old token.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/cache_usage.h"
#include "connectors/gcp/google_api.h"

namespace latchkey::gcp {

class TokenCache {
 public:
  static TokenCache& Process();

  // A token still good for a while at `now`: five minutes, or a quarter of its life when it was
  // issued for less than twenty.
  std::optional<AccessToken> Get(std::string const& key, TimePoint now);
  void Put(std::string const& key, AccessToken const& token, TimePoint now);
  CacheUsage Usage();

 private:
  struct Entry {
    AccessToken token;
    TimePoint issued;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  size_t bytes_ = 0;
};

}  // namespace latchkey::gcp
