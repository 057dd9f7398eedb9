#include "connectors/docker/registry_id.h"

#include <cctype>
#include <charconv>

#include "common/strings.h"

namespace latchkey::docker {
namespace {

constexpr char kAcceptedForms[] =
    "accepted forms: {hostname}[:{port}] (canonical), {hostname}[:{port}]/{repository}, "
    "http[s]://{hostname}[:{port}][/{repository}], docker.io, "
    "[https://]index.docker.io/v1/[{repository}]";

tl::unexpected<Error> Refuse(std::string_view text, std::string const& why) {
  return Fail(ErrorCode::kInvalidArgument, "invalid Docker registry ID '" + std::string(text) +
                                               "': " + why + "; " + kAcceptedForms);
}

bool IsHostnameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

// RFC 1123 labels, as docker's reference grammar has them (no underscores, no empty labels).
bool IsValidHostname(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (auto const& label : Split(host, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!IsHostnameChar(c)) return false;
    }
  }
  return true;
}

bool IsValidIpv6Literal(std::string_view inner) {
  if (inner.empty() || inner.find(':') == std::string_view::npos) return false;
  for (char c : inner) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  }
  return true;
}

// Repository paths are ignored, but must still look like one (no queries, fragments, spaces).
bool IsValidPath(std::string_view path) {
  for (char c : path) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("-._/:@+~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

std::optional<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

bool IsDockerHubHost(std::string_view host) {
  return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

}  // namespace

Result<RegistryAddress> ParseRegistryAddress(std::string_view raw) {
  std::string text = Trim(raw);
  if (text.empty()) return Refuse(raw, "it is empty");
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) ||
        std::iscntrl(static_cast<unsigned char>(c))) {
      return Refuse(text, "it contains whitespace or control characters");
    }
  }

  RegistryAddress address;
  std::string_view rest = text;
  if (auto sep = rest.find("://"); sep != std::string_view::npos) {
    std::string scheme = ToLower(rest.substr(0, sep));
    if (scheme != "http" && scheme != "https") {
      return Refuse(text, "unsupported scheme '" + std::string(rest.substr(0, sep)) +
                              "' (only http and https)");
    }
    address.scheme = scheme;
    rest.remove_prefix(sep + 3);
  }
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);

  // A URL with user:password@ would put a secret into our error message, so it is not echoed.
  if (authority.find('@') != std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid Docker registry ID: it must not embed credentials (user:password@host); "
                "pass them as the username and password attributes instead");
  }
  if (authority.empty()) return Refuse(text, "the host name is missing");
  if (!IsValidPath(path)) return Refuse(text, "the repository path contains invalid characters");

  std::string_view host;
  std::optional<std::string_view> port_text;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos || !IsValidIpv6Literal(authority.substr(1, close - 1))) {
      return Refuse(text, "malformed IPv6 address");
    }
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Refuse(text, "unexpected text after the IPv6 address");
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (!IsValidHostname(host))
      return Refuse(text, "'" + std::string(host) + "' is not a host name");
  }
  if (port_text) {
    address.port = ParsePort(*port_text);
    if (!address.port) {
      return Refuse(text, "invalid port '" + std::string(*port_text) + "' (expected 1-65535)");
    }
  }
  address.host = ToLower(host);
  if (!address.port && IsDockerHubHost(address.host)) {
    address.canonical_id = kDockerHubRegistryId;
  } else {
    address.canonical_id =
        address.host + (address.port ? ":" + std::to_string(*address.port) : std::string());
  }
  return address;
}

Result<std::string> CanonicalRegistryId(std::string_view text) {
  auto address = ParseRegistryAddress(text);
  if (!address) return tl::unexpected(address.error());
  return address->canonical_id;
}

bool IsLoopbackRegistryHost(std::string_view host) {
  std::string h = ToLower(host);
  if (h == "localhost" || h == "[::1]") return true;
  if (!StartsWith(h, "127.")) return false;
  auto octets = Split(h, '.');
  if (octets.size() != 4) return false;
  for (auto const& o : octets) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(o.data(), o.data() + o.size(), value);
    if (o.empty() || ec != std::errc() || end != o.data() + o.size() || value > 255) return false;
  }
  return true;
}

std::string DockerConfigKey(std::string const& canonical_id) {
  return canonical_id == kDockerHubRegistryId ? kDockerHubConfigKey : canonical_id;
}

}  // namespace latchkey::docker
