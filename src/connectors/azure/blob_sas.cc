#include "connectors/azure/blob_sas.h"

#include <fmt/format.h>

#include "crypto/encoding.h"
#include "crypto/hmac.h"
#include "http/url_encoding.h"

namespace latchkey::azure {
namespace {

// The order Azure requires for container permissions (a subset of "racwdxyltfmeopi"); the
// broker offers the plain data-plane ones.
constexpr char kContainerPermissionOrder[] = "racwdl";

std::string Resource(ContainerSas const& sas) {
  return "/blob/" + sas.account + "/" + sas.container;
}

std::string Protocol(ContainerSas const& sas) { return sas.https_only ? "https" : "https,http"; }

Result<std::string> Sign(std::string const& key_b64, std::string const& string_to_sign,
                         char const* what) {
  auto key = crypto::Base64Decode(key_b64);
  if (!key || key->empty()) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("the {} is not valid base64", what));
  }
  return crypto::Base64Encode(crypto::HmacSha256(*key, string_to_sign));
}

std::string Enc(std::string const& v) { return UrlEncode(v); }

std::string CommonQuery(ContainerSas const& sas) {
  return fmt::format("sv={}&spr={}&st={}&se={}&sr=c&sp={}", kSasVersion, Enc(Protocol(sas)),
                     Enc(FormatIso8601(sas.start)), Enc(FormatIso8601(sas.expiry)),
                     sas.permissions);
}

}  // namespace

Result<std::string> NormalizeSasPermissions(std::string const& permissions) {
  std::string out;
  for (char c : permissions) {
    if (std::string_view(kContainerPermissionOrder).find(c) == std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("'{}' is not a container SAS permission; use letters from '{}' "
                              "(read, add, create, write, delete, list)",
                              std::string(1, c), kContainerPermissionOrder));
    }
  }
  for (char c : std::string_view(kContainerPermissionOrder)) {
    if (permissions.find(c) != std::string::npos) out.push_back(c);
  }
  if (out.empty()) return Fail(ErrorCode::kInvalidArgument, "the SAS permissions are empty");
  return out;
}

std::string ServiceSasStringToSign(ContainerSas const& sas) {
  // sp, st, se, resource, si, sip, spr, sv, sr, snapshot, ses, rscc, rscd, rsce, rscl, rsct
  return fmt::format("{}\n{}\n{}\n{}\n\n\n{}\n{}\nc\n\n\n\n\n\n\n", sas.permissions,
                     FormatIso8601(sas.start), FormatIso8601(sas.expiry), Resource(sas),
                     Protocol(sas), kSasVersion);
}

std::string UserDelegationSasStringToSign(ContainerSas const& sas, UserDelegationKey const& key) {
  // sp, st, se, resource, skoid, sktid, skt, ske, sks, skv, saoid, suoid, scid, sip, spr, sv,
  // sr, snapshot, ses, rscc, rscd, rsce, rscl, rsct
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n\n\n\n\n{}\n{}\nc\n\n\n\n\n\n\n",
                     sas.permissions, FormatIso8601(sas.start), FormatIso8601(sas.expiry),
                     Resource(sas), key.signed_oid, key.signed_tid, key.signed_start,
                     key.signed_expiry, key.signed_service, key.signed_version, Protocol(sas),
                     kSasVersion);
}

Result<std::string> MakeServiceSas(ContainerSas const& sas, std::string const& account_key_b64) {
  auto sig = Sign(account_key_b64, ServiceSasStringToSign(sas), "storage account key");
  if (!sig) return tl::unexpected(sig.error());
  return CommonQuery(sas) + "&sig=" + Enc(*sig);
}

Result<std::string> MakeUserDelegationSas(ContainerSas const& sas, UserDelegationKey const& key) {
  auto sig = Sign(key.value, UserDelegationSasStringToSign(sas, key), "user delegation key");
  if (!sig) return tl::unexpected(sig.error());
  return CommonQuery(sas) +
         fmt::format("&skoid={}&sktid={}&skt={}&ske={}&sks={}&skv={}", Enc(key.signed_oid),
                     Enc(key.signed_tid), Enc(key.signed_start), Enc(key.signed_expiry),
                     Enc(key.signed_service), Enc(key.signed_version)) +
         "&sig=" + Enc(*sig);
}

}  // namespace latchkey::azure
