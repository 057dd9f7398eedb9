// Throttling of failed logins, shared by every route that checks a password. Failures are counted
// per user name and per client address; once either passes its allowance, further attempts are
// refused without checking the password (even a right one) for a lockout that doubles with each
// further failure, up to a cap. A name or address with no failure for `forget_after` starts over.
// Only a bounded number of names and addresses are tracked, so a spray of made-up names cannot
// grow memory.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/time_util.h"

namespace latchkey {

struct LoginThrottleOptions {
  int failures_per_name = 5;      // allowed before a name is locked out
  int failures_per_address = 50;  // higher: people behind one address share it
  std::chrono::seconds first_lockout{30};
  std::chrono::seconds max_lockout{15 * 60};
  std::chrono::seconds forget_after{15 * 60};
  size_t max_tracked = 10000;  // names and addresses, each
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleOptions options = {}) : options_(options) {}

  // How long the caller must wait before trying this name from this address, or nullopt when an
  // attempt may go ahead. Either key being locked out is enough.
  std::optional<std::chrono::seconds> RetryAfter(std::string const& name,
                                                 std::string const& address, TimePoint now);
  void Failed(std::string const& name, std::string const& address, TimePoint now);
  // A successful login clears the name's failures (not the address's: one right password from an
  // address must not reset a spray of wrong ones for other names).
  void Succeeded(std::string const& name);

  size_t TrackedNames() {
    std::lock_guard lock(mu_);
    return by_name_.size();
  }

  // The key an address is counted under: IPv6 addresses by their /64, which one client usually
  // holds whole; IPv4 (and anything unparsable) as given.
  static std::string AddressKey(std::string const& address);

 private:
  struct Failures {
    int count = 0;
    TimePoint last{};
    TimePoint locked_until{};
  };
  using Table = std::map<std::string, Failures>;

  void Count(Table& table, std::string const& key, int allowance, TimePoint now);
  std::optional<std::chrono::seconds> LockedFor(Table const& table, std::string const& key,
                                                TimePoint now) const;

  LoginThrottleOptions const options_;
  std::mutex mu_;
  Table by_name_;
  Table by_address_;
};

}  // namespace latchkey
