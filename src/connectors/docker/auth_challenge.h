// `WWW-Authenticate` challenges (RFC 7235) as registries send them on 401, e.g.
//   Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="a:b:pull,push"
// Parameter values may be quoted and contain commas, and one header may hold several challenges.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_client.h"

namespace latchkey::docker {

struct AuthChallenge {
  std::string scheme;                         // lowercased: "basic", "bearer", ...
  std::map<std::string, std::string> params;  // names lowercased, values unquoted

  std::optional<std::string> Param(std::string const& name) const;
};

std::vector<AuthChallenge> ParseAuthChallenges(std::string_view header);

// Every challenge of every `WWW-Authenticate` header of the response, in order.
std::vector<AuthChallenge> ChallengesOf(HttpResponse const& response);

// The first challenge with `scheme` (lowercase), if any.
std::optional<AuthChallenge> FindChallenge(std::vector<AuthChallenge> const& challenges,
                                           std::string_view scheme);

}  // namespace latchkey::docker
