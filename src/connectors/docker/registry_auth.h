// Logging in to a registry's v2 API the way `docker login` does, without a Docker daemon:
//   GET /v2/ -> 200: open registry; 401 + Basic challenge: retry with Basic credentials;
//   401 + Bearer challenge: fetch a token from the announced realm with Basic credentials, then
//   retry /v2/ with that token.
// See https://distribution.github.io/distribution/spec/auth/token/ for the token flow.
#pragma once

#include <string>

#include "common/error.h"
#include "connectors/docker/auth_challenge.h"
#include "connectors/docker/registry_credentials.h"
#include "connectors/docker/registry_endpoint.h"
#include "core/context.h"

namespace latchkey::docker {

// "Basic base64(user:password)".
std::string BasicAuthorization(RegistryCredentials const& credentials);

// Succeeds when the registry accepts the credentials. Rejected credentials are kUnauthenticated
// ("authentication to registry HOST failed: ..."), unreachable registries kUnavailable or
// kDeadlineExceeded. No message ever carries the username, password or a token.
Result<void> CheckRegistryLogin(Context& ctx, RegistryEndpoint const& endpoint,
                                RegistryCredentials const& credentials);

// Exchanges Basic credentials for a registry bearer token at the realm of `challenge`, asking for
// the challenge's scope (if any) plus `extra_scope` (if not empty). Returns the token.
Result<std::string> FetchRegistryToken(Context& ctx, std::string const& registry_id,
                                       AuthChallenge const& challenge,
                                       RegistryCredentials const& credentials,
                                       std::string const& extra_scope);

}  // namespace latchkey::docker
