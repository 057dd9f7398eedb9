// Which network addresses the server's outbound calls may connect to. A user who registers a
// connector chooses the hosts the server then calls from its own network position; without a
// policy, `verify` probes the server's networks for anyone (a different error for a closed
// port, an SSH listener, a web server) and reaches the cloud metadata service, whose
// credentials are the server's own.
//
// The check runs on the address a connection is about to open, after DNS resolution, so a name
// that resolves to a denied address is refused too, and it runs for every connection, so a
// redirect or a token realm pointing elsewhere is checked again.
//
// Rules are networks with a verdict. The most specific network containing the address decides
// (a deny wins a tie); an address no rule contains is allowed unless allow rules were given,
// in which case only what they contain is reachable. Denied by default: IPv4 and IPv6
// link-local (169.254.0.0/16, fe80::/10) and AWS's IPv6 metadata address (fd00:ec2::254), which
// only the server's own implicit authentication may reach (HttpRequest::instance_metadata).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

struct sockaddr;

namespace latchkey {

struct IpNetwork {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4
  int prefix = 0;

  // "10.0.0.0/8", "127.0.0.1" (a /32), "fd00:ec2::254", "::1/128". IPv4-mapped IPv6
  // addresses (::ffff:a.b.c.d) are matched as the IPv4 address they carry.
  static Result<IpNetwork> Parse(std::string_view text);
  bool Contains(bool v6, uint8_t const* address) const;
  std::string ToString() const;
};

class OutboundPolicy {
 public:
  // The default: everything but link-local and the metadata addresses.
  OutboundPolicy();
  // `allow` and `deny` as given on the command line (each entry an IpNetwork text); the
  // default denials stay, and a more specific allow rule can lift one.
  static Result<OutboundPolicy> FromLists(std::vector<std::string> const& allow,
                                          std::vector<std::string> const& deny);

  bool Permits(sockaddr const* address) const;
  bool PermitsText(std::string_view address) const;  // for tests and messages: "10.1.2.3"

  // One line for the server's start-up banner.
  std::string Describe() const;

 private:
  struct Rule {
    IpNetwork network;
    bool allow = false;
  };
  bool Permits(bool v6, uint8_t const* address) const;

  std::vector<Rule> rules_;
  bool allow_list_ = false;  // allow rules were given: what they miss is denied
};

}  // namespace latchkey
