// Shared access signatures for one blob container (sr=c), in the 2020-12-06+ string-to-sign
// forms: a service SAS signed with the account key, or a user delegation SAS signed with a key
// the Blob service derived from an Entra ID token. Clients receive these instead of any key.
#pragma once

#include <string>

#include "common/error.h"
#include "common/time_util.h"

namespace latchkey::azure {

inline constexpr char kSasVersion[] = "2021-12-02";

struct ContainerSas {
  std::string account;
  std::string container;
  std::string permissions;  // canonical order, see NormalizeSasPermissions
  TimePoint start;
  TimePoint expiry;
  bool https_only = false;  // spr=https (off for http endpoints such as Azurite)
};

// A key the Blob service issued for user delegation SAS (Get User Delegation Key).
struct UserDelegationKey {
  std::string signed_oid;
  std::string signed_tid;
  std::string signed_start;
  std::string signed_expiry;
  std::string signed_service;
  std::string signed_version;
  std::string value;  // base64
};

// Validates container permissions against the letters a container SAS knows ("racwdl") and
// returns them in the order the service requires; duplicates are dropped.
Result<std::string> NormalizeSasPermissions(std::string const& permissions);

std::string ServiceSasStringToSign(ContainerSas const& sas);
std::string UserDelegationSasStringToSign(ContainerSas const& sas, UserDelegationKey const& key);

// The query string (no leading '?') a client appends to container and blob URLs.
Result<std::string> MakeServiceSas(ContainerSas const& sas, std::string const& account_key_b64);
Result<std::string> MakeUserDelegationSas(ContainerSas const& sas, UserDelegationKey const& key);

}  // namespace latchkey::azure
