#include "service/login_throttle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace latchkey {

std::string LoginThrottle::AddressKey(std::string const& address) {
  in6_addr v6{};
  if (::inet_pton(AF_INET6, address.c_str(), &v6) != 1) return address;
  // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 client; keep it whole.
  static unsigned char const kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6.s6_addr, kMapped, sizeof kMapped) == 0) return address;
  std::memset(v6.s6_addr + 8, 0, 8);
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, &v6, text, sizeof text);
  return std::string(text) + "/64";
}

std::optional<std::chrono::seconds> LoginThrottle::LockedFor(Table const& table,
                                                             std::string const& key,
                                                             TimePoint now) const {
  auto it = table.find(key);
  if (it == table.end() || it->second.locked_until <= now) return std::nullopt;
  auto left = std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now);
  return std::max(left, std::chrono::seconds(1));
}

std::optional<std::chrono::seconds> LoginThrottle::RetryAfter(std::string const& name,
                                                              std::string const& address,
                                                              TimePoint now) {
  std::lock_guard lock(mu_);
  auto by_name = LockedFor(by_name_, name, now);
  auto by_address = LockedFor(by_address_, AddressKey(address), now);
  if (by_name && by_address) return std::max(*by_name, *by_address);
  return by_name ? by_name : by_address;
}

void LoginThrottle::Count(Table& table, std::string const& key, int allowance, TimePoint now) {
  auto it = table.find(key);
  if (it == table.end()) {
    if (table.size() >= options_.max_tracked) {
      // Forget what has gone quiet first; when nothing has, the entry idle longest.
      std::erase_if(table, [&](auto const& entry) {
        return entry.second.locked_until <= now && now - entry.second.last > options_.forget_after;
      });
      if (table.size() >= options_.max_tracked) {
        table.erase(std::min_element(table.begin(), table.end(), [](auto const& a, auto const& b) {
          return a.second.last < b.second.last;
        }));
      }
    }
    it = table.emplace(key, Failures{}).first;
  }
  Failures& f = it->second;
  if (now - f.last > options_.forget_after && f.locked_until <= now) f.count = 0;
  f.count += 1;
  f.last = now;
  if (f.count >= allowance) {
    int doublings = std::min(f.count - allowance, 20);
    auto lockout = std::min(options_.first_lockout * (int64_t{1} << doublings),
                            std::chrono::duration_cast<std::chrono::seconds>(options_.max_lockout));
    f.locked_until = now + lockout;
  }
}

void LoginThrottle::Failed(std::string const& name, std::string const& address, TimePoint now) {
  std::lock_guard lock(mu_);
  Count(by_name_, name, options_.failures_per_name, now);
  Count(by_address_, AddressKey(address), options_.failures_per_address, now);
}

void LoginThrottle::Succeeded(std::string const& name) {
  std::lock_guard lock(mu_);
  by_name_.erase(name);
}

}  // namespace latchkey
