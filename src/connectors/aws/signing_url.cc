#include "connectors/aws/signing_url.h"

#include <cctype>

#include "common/strings.h"

namespace latchkey::aws {
namespace {

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Host and port of an authority ("user@Host:8080", "[::1]:9000"), the port empty when absent.
Result<std::pair<std::string_view, std::string_view>> SplitHostPort(std::string_view authority) {
  size_t at = authority.rfind('@');
  std::string_view host_port = at == std::string_view::npos ? authority : authority.substr(at + 1);
  std::string_view host = host_port;
  std::string_view port;
  if (StartsWith(host_port, "[")) {  // IPv6 literal: the brackets belong to the Host header
    size_t close = host_port.find(']');
    if (close == std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument, "URL has an unterminated IPv6 address");
    }
    host = host_port.substr(0, close + 1);
    std::string_view rest = host_port.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return Fail(ErrorCode::kInvalidArgument, "URL has text after its IPv6 address");
      }
      port = rest.substr(1);
    }
  } else if (size_t colon = host_port.rfind(':'); colon != std::string_view::npos) {
    host = host_port.substr(0, colon);
    port = host_port.substr(colon + 1);
  }
  if (host.empty() || host == "[]") {
    return Fail(ErrorCode::kInvalidArgument, "URL has no host");
  }
  if (!AllDigits(port) || port.size() > 5) {
    return Fail(ErrorCode::kInvalidArgument, "URL has an invalid port");
  }
  return std::make_pair(host, port);
}

}  // namespace

Result<SigningUrl> ParseSigningUrl(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument, "URL to sign has no scheme (expected http or https)");
  }
  SigningUrl out;
  out.scheme = ToLower(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") {
    return Fail(ErrorCode::kInvalidArgument,
                "URL to sign must use http or https, not '" + out.scheme + "'");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  size_t fragment = rest.find('#');
  if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  size_t authority_end = rest.find_first_of("/?");
  if (authority_end == std::string_view::npos) authority_end = rest.size();
  out.authority = std::string(rest.substr(0, authority_end));
  rest = rest.substr(authority_end);
  size_t question = rest.find('?');
  out.path = std::string(rest.substr(0, question));
  if (question != std::string_view::npos) out.query = std::string(rest.substr(question + 1));

  auto host_port = SplitHostPort(out.authority);
  if (!host_port) return tl::unexpected(host_port.error());
  auto [host, port] = *host_port;
  out.host = ToLower(host);
  // The port is part of the Host header unless it is the scheme's default, which clients omit
  // (and botocore, moto and the services compare against what the client sent).
  if (!port.empty()) {
    long number = std::stol(std::string(port));
    long default_port = out.scheme == "https" ? 443 : 80;
    if (number != default_port) out.host += ":" + std::to_string(number);
  }
  return out;
}

std::string BuildUrl(SigningUrl const& url) {
  std::string out = url.scheme + "://" + url.authority + url.path;
  if (!url.query.empty()) out += "?" + url.query;
  return out;
}

}  // namespace latchkey::aws
