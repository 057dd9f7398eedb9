#include "http/outbound_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace latchkey {
namespace {

constexpr char const* kDeniedByDefault[] = {"169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128"};

bool IsMappedV4(uint8_t const* a) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a, kPrefix, sizeof kPrefix) == 0;
}

Error BadNetwork(std::string_view text, char const* why) {
  return Error{ErrorCode::kInvalidArgument,
               "'" + std::string(text) + "' is not a network (" + why +
                   "): use an address or ADDRESS/PREFIX, e.g. 10.0.0.0/8 or fd00::/8"};
}

}  // namespace

Result<IpNetwork> IpNetwork::Parse(std::string_view text) {
  std::string address(text);
  int prefix = -1;
  if (size_t slash = address.find('/'); slash != std::string::npos) {
    std::string digits = address.substr(slash + 1);
    address.resize(slash);
    if (digits.empty() || digits.size() > 3 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      return tl::unexpected(BadNetwork(text, "the prefix length must be a number"));
    }
    prefix = std::stoi(digits);
  }
  IpNetwork n;
  if (inet_pton(AF_INET, address.c_str(), n.bytes.data()) == 1) {
    n.v6 = false;
    if (prefix > 32) return tl::unexpected(BadNetwork(text, "an IPv4 prefix is at most 32"));
    n.prefix = prefix < 0 ? 32 : prefix;
  } else if (inet_pton(AF_INET6, address.c_str(), n.bytes.data()) == 1) {
    n.v6 = true;
    if (prefix > 128) return tl::unexpected(BadNetwork(text, "an IPv6 prefix is at most 128"));
    n.prefix = prefix < 0 ? 128 : prefix;
    if (IsMappedV4(n.bytes.data()) && n.prefix >= 96) {
      std::memmove(n.bytes.data(), n.bytes.data() + 12, 4);
      std::memset(n.bytes.data() + 4, 0, 12);
      n.v6 = false;
      n.prefix -= 96;
    }
  } else {
    return tl::unexpected(BadNetwork(text, "not an IPv4 or IPv6 address"));
  }
  return n;
}

bool IpNetwork::Contains(bool address_v6, uint8_t const* address) const {
  if (address_v6 != v6) return false;
  int full = prefix / 8;
  if (std::memcmp(bytes.data(), address, static_cast<size_t>(full)) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (bytes[static_cast<size_t>(full)] & mask) == (address[full] & mask);
}

std::string IpNetwork::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
  return std::string(text) + "/" + std::to_string(prefix);
}

OutboundPolicy::OutboundPolicy() {
  for (char const* text : kDeniedByDefault) rules_.push_back({*IpNetwork::Parse(text), false});
}

Result<OutboundPolicy> OutboundPolicy::FromLists(std::vector<std::string> const& allow,
                                                 std::vector<std::string> const& deny) {
  OutboundPolicy policy;
  for (auto const& text : allow) {
    auto n = IpNetwork::Parse(text);
    if (!n) return Fail(n.error(), "--outbound-allow");
    policy.rules_.push_back({*n, true});
    policy.allow_list_ = true;
  }
  for (auto const& text : deny) {
    auto n = IpNetwork::Parse(text);
    if (!n) return Fail(n.error(), "--outbound-deny");
    policy.rules_.push_back({*n, false});
  }
  return policy;
}

bool OutboundPolicy::Permits(bool v6, uint8_t const* address) const {
  Rule const* best = nullptr;
  for (auto const& rule : rules_) {
    if (!rule.network.Contains(v6, address)) continue;
    bool more_specific = best == nullptr || rule.network.prefix > best->network.prefix;
    bool deny_ties = best != nullptr && rule.network.prefix == best->network.prefix && !rule.allow;
    if (more_specific || deny_ties) best = &rule;
  }
  if (best != nullptr) return best->allow;
  return !allow_list_;
}

bool OutboundPolicy::Permits(sockaddr const* address) const {
  if (address == nullptr) return false;
  if (address->sa_family == AF_INET) {
    auto const* in = reinterpret_cast<sockaddr_in const*>(address);
    return Permits(false, reinterpret_cast<uint8_t const*>(&in->sin_addr));
  }
  if (address->sa_family == AF_INET6) {
    auto const* in6 = reinterpret_cast<sockaddr_in6 const*>(address);
    auto const* bytes = reinterpret_cast<uint8_t const*>(&in6->sin6_addr);
    if (IsMappedV4(bytes)) return Permits(false, bytes + 12);
    return Permits(true, bytes);
  }
  return false;  // Unix sockets and other families are never a provider endpoint
}

bool OutboundPolicy::PermitsText(std::string_view address) const {
  auto n = IpNetwork::Parse(address);
  return n && Permits(n->v6, n->bytes.data());
}

std::string OutboundPolicy::Describe() const {
  std::string allowed, denied;
  for (auto const& rule : rules_) {
    std::string& list = rule.allow ? allowed : denied;
    list += (list.empty() ? "" : ", ") + rule.network.ToString();
  }
  std::string line = "outbound connections: denied to " + denied;
  line += allow_list_ ? "; allowed only to " + allowed : "; allowed elsewhere";
  return line;
}

}  // namespace latchkey
