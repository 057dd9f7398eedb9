// The token grants the connector speaks, each one HTTP call: the JWT-bearer grant of a service
// account key (RFC 7523, RS256 assertion), the refresh-token grant of a user account, IAM
// Credentials generateAccessToken (impersonation), the STS token exchange (RFC 8693: Workload
// Identity Federation and Credential Access Boundaries) and the GCE metadata server.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "connectors/gcp/credential_files.h"
#include "connectors/gcp/google_api.h"

namespace latchkey::gcp {

// The signed assertion for `key` (iss = client_email, aud = token_url, one hour).
Result<std::string> MakeJwtAssertion(ServiceAccountKey const& key, std::string const& scope,
                                     std::string const& token_url, TimePoint now);

Result<AccessToken> JwtBearerGrant(Context& ctx, ServiceAccountKey const& key,
                                   std::string const& scope, std::string const& token_url);

Result<AccessToken> RefreshTokenGrant(Context& ctx, AuthorizedUser const& user,
                                      std::string const& token_url);

// .../v1/projects/-/serviceAccounts/TARGET:generateAccessToken at `iamcredentials_base`.
std::string GenerateAccessTokenUrl(std::string const& iamcredentials_base,
                                   std::string const& target);

// Impersonates `target` (its generateAccessToken `url`) with `caller`'s token;
// `lifetime_seconds` at most 3600 unless the organisation allows more.
Result<AccessToken> GenerateAccessToken(Context& ctx, std::string const& url,
                                        AccessToken const& caller, std::string const& target,
                                        std::vector<std::string> const& delegates,
                                        std::string const& scope, int64_t lifetime_seconds);

// POSTs an RFC 8693 exchange to `sts_token_url` (.../v1/token). `subject` (the token given
// away) is hidden from any error text.
Result<AccessToken> StsExchange(Context& ctx, std::string const& sts_token_url,
                                std::vector<std::pair<std::string, std::string>> const& params,
                                std::string const& subject);

// The default service account's token from the metadata server at `host` (host[:port]).
Result<AccessToken> MetadataServerToken(Context& ctx, std::string const& host,
                                        std::string const& scope);
// The project the metadata server's instance belongs to.
Result<std::string> MetadataServerProject(Context& ctx, std::string const& host);

}  // namespace latchkey::gcp
