#include "http/upstream_name.h"

namespace latchkey {
namespace {

// "scheme://host:port" without any user:password@, and the path up to a query or fragment.
struct NamedParts {
  std::string origin;
  std::string path;
};

NamedParts SplitForNaming(std::string_view url) {
  size_t scheme_end = url.find("://");
  size_t host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", host_start);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  std::string_view authority = url.substr(host_start, authority_end - host_start);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  size_t path_end = url.find_first_of("?#", authority_end);
  if (path_end == std::string_view::npos) path_end = url.size();
  NamedParts parts;
  parts.origin = std::string(url.substr(0, host_start)) + std::string(authority);
  parts.path = std::string(url.substr(authority_end, path_end - authority_end));
  return parts;
}

}  // namespace

std::string UrlForMessages(std::string_view url) {
  NamedParts parts = SplitForNaming(url);
  return parts.origin + parts.path;
}

std::string UrlOrigin(std::string_view url) { return SplitForNaming(url).origin; }

}  // namespace latchkey
