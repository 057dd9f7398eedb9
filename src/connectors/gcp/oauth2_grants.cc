#include "connectors/gcp/oauth2_grants.h"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/strings.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/rsa_signer.h"
#include "http/url_encoding.h"

namespace latchkey::gcp {
namespace {

constexpr int64_t kAssertionLifetimeSeconds = 3600;

int64_t EpochSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// `safe_to_repeat`: whether the grant may be sent again after a transient failure (see
// HttpRequest::safe_to_repeat): yes for the JWT-bearer grant and the STS exchange, which mint a
// token from a credential that stays valid; no for the refresh-token grant.
Result<AccessToken> PostForToken(Context& ctx, std::string const& url, std::string body,
                                 std::string const& hidden, std::string const& what,
                                 bool safe_to_repeat) {
  HttpRequest request;
  request.method = "POST";
  request.safe_to_repeat = safe_to_repeat;
  request.url = url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = std::move(body);
  request.timeout = ctx.timeout;
  auto response = ctx.http.Send(request);
  if (!response) return Fail(response.error(), what);
  if (response->status != 200) return Fail(GoogleError(*response, hidden), what);
  auto token = ParseTokenResponse(response->body, ctx.now);
  if (!token) return Fail(token.error(), what);
  return token;
}

// Parsed keys by digest of their PEM: OpenSSL 3's PEM decoding costs about three RSA signatures,
// and the same few keys sign every assertion a broker makes.
Result<crypto::RsaSigner> SignerFor(std::string const& pem) {
  static std::mutex mutex;
  static std::map<std::string, crypto::RsaSigner> signers;
  std::string digest = crypto::Sha256(pem);
  std::lock_guard lock(mutex);
  if (auto it = signers.find(digest); it != signers.end()) return it->second;
  auto signer = crypto::RsaSigner::FromPem(pem);
  if (!signer) return signer;
  if (signers.size() >= 256) signers.erase(signers.begin());
  signers.emplace(digest, *signer);
  return signer;
}

}  // namespace

Result<std::string> MakeJwtAssertion(ServiceAccountKey const& key, std::string const& scope,
                                     std::string const& token_url, TimePoint now) {
  auto signer = SignerFor(key.private_key);
  if (!signer) return Fail(signer.error(), "service account key of " + key.client_email);
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!key.private_key_id.empty()) header["kid"] = key.private_key_id;
  int64_t iat = EpochSeconds(now);
  nlohmann::json claims = {{"iss", key.client_email},
                           {"scope", scope},
                           {"aud", token_url},
                           {"iat", iat},
                           {"exp", iat + kAssertionLifetimeSeconds}};
  std::string signing_input =
      crypto::Base64UrlEncode(header.dump()) + "." + crypto::Base64UrlEncode(claims.dump());
  auto signature = signer->SignSha256(signing_input);
  if (!signature) return tl::unexpected(signature.error());
  return signing_input + "." + crypto::Base64UrlEncode(*signature);
}

Result<AccessToken> JwtBearerGrant(Context& ctx, ServiceAccountKey const& key,
                                   std::string const& scope, std::string const& token_url) {
  auto assertion = MakeJwtAssertion(key, scope, token_url, ctx.now);
  if (!assertion) return tl::unexpected(assertion.error());
  auto token =
      PostForToken(ctx, token_url,
                   FormEncode({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                               {"assertion", *assertion}}),
                   *assertion, "exchanging the key of " + key.client_email + " for an access token",
                   /*safe_to_repeat=*/true);
  if (token) token->principal = key.client_email;
  return token;
}

Result<AccessToken> RefreshTokenGrant(Context& ctx, AuthorizedUser const& user,
                                      std::string const& token_url) {
  return PostForToken(ctx, token_url,
                      FormEncode({{"grant_type", "refresh_token"},
                                  {"client_id", user.client_id},
                                  {"client_secret", user.client_secret},
                                  {"refresh_token", user.refresh_token}}),
                      user.refresh_token, "refreshing the user account's access token",
                      /*safe_to_repeat=*/false);
}

std::string GenerateAccessTokenUrl(std::string const& iamcredentials_base,
                                   std::string const& target) {
  return fmt::format("{}/v1/projects/-/serviceAccounts/{}:generateAccessToken", iamcredentials_base,
                     UrlEncode(target));
}

Result<AccessToken> GenerateAccessToken(Context& ctx, std::string const& url,
                                        AccessToken const& caller, std::string const& target,
                                        std::vector<std::string> const& delegates,
                                        std::string const& scope, int64_t lifetime_seconds) {
  nlohmann::json body = {{"scope", {scope}}, {"lifetime", fmt::format("{}s", lifetime_seconds)}};
  if (!delegates.empty()) {
    body["delegates"] = nlohmann::json::array();
    for (auto const& d : delegates) body["delegates"].push_back("projects/-/serviceAccounts/" + d);
  }
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = body.dump();
  request.safe_to_repeat = true;  // mints a token; the caller's stays valid
  std::string what = "impersonating " + target;
  // The caller's token is fresh from its own source: a 401 here is final, not worth a retry.
  auto response = SendGoogle(
      ctx, [&](bool) -> Result<AccessToken> { return caller; }, request);
  if (!response) return Fail(response.error(), what);
  auto j = nlohmann::json::parse(response->body, nullptr, false);
  if (JsonString(j, "accessToken").empty()) {
    return Fail(ErrorCode::kUnavailable, what + ": the answer has no accessToken");
  }
  AccessToken token{j["accessToken"].get<std::string>(), std::nullopt, target};
  if (auto expire = JsonString(j, "expireTime"); !expire.empty()) {
    auto t = ParseTimestamp(expire);
    if (!t) return Fail(t.error(), what + ": expireTime");
    token.expires_at = *t;
  }
  return token;
}

Result<AccessToken> StsExchange(Context& ctx, std::string const& sts_token_url,
                                std::vector<std::pair<std::string, std::string>> const& params,
                                std::string const& subject) {
  return PostForToken(ctx, sts_token_url, FormEncode(params), subject,
                      "exchanging a token at the Security Token Service",
                      /*safe_to_repeat=*/true);
}

Result<AccessToken> MetadataServerToken(Context& ctx, std::string const& host,
                                        std::string const& scope) {
  HttpRequest request;
  request.url =
      fmt::format("http://{}/computeMetadata/v1/instance/service-accounts/default/token?scopes={}",
                  host, UrlEncode(scope));
  request.headers = {{"Metadata-Flavor", "Google"}};
  request.timeout = ctx.timeout;
  request.instance_metadata = true;  // GCE_METADATA_HOST or the default: never a user's choice
  auto response = ctx.http.Send(request);
  std::string what = "reading a token from the metadata server at " + host;
  if (!response) return Fail(response.error(), what);
  if (response->status != 200) return Fail(GoogleError(*response), what);
  auto token = ParseTokenResponse(response->body, ctx.now);
  if (!token) return Fail(token.error(), what);
  return token;
}

Result<std::string> MetadataServerProject(Context& ctx, std::string const& host) {
  HttpRequest request;
  request.url = fmt::format("http://{}/computeMetadata/v1/project/project-id", host);
  request.headers = {{"Metadata-Flavor", "Google"}};
  request.timeout = ctx.timeout;
  request.instance_metadata = true;  // GCE_METADATA_HOST or the default: never a user's choice
  auto response = ctx.http.Send(request);
  std::string what = "reading the project from the metadata server at " + host;
  if (!response) return Fail(response.error(), what);
  if (response->status != 200) return Fail(GoogleError(*response), what);
  return Trim(response->body);
}

}  // namespace latchkey::gcp
