// The JSON credential files Google tools write: service account keys, `authorized_user` files
// (gcloud's ADC after `gcloud auth application-default login`) and `external_account` files
// (Workload Identity Federation). Parsed and checked once, with errors that name the missing
// field but never quote a value.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/error.h"

namespace latchkey::gcp {

struct ServiceAccountKey {
  std::string client_email;
  std::string private_key;  // PEM
  std::string private_key_id;
  std::optional<std::string> token_uri;
  std::optional<std::string> project_id;
};

struct AuthorizedUser {
  std::string client_id;
  std::string client_secret;
  std::string refresh_token;
  std::optional<std::string> token_uri;
  std::optional<std::string> quota_project_id;
};

// `what` names the setting in errors ("service_account_json").
Result<ServiceAccountKey> ParseServiceAccountKey(std::string const& text, std::string const& what);
Result<AuthorizedUser> ParseAuthorizedUser(std::string const& text, std::string const& what);
// An object with "type": "external_account" (details are checked where it is used).
Result<nlohmann::json> ParseExternalAccount(std::string const& text, std::string const& what);

// The "type" of a credential file, or an error when it is not a JSON object with one.
Result<std::string> CredentialFileType(std::string const& text, std::string const& what);

}  // namespace latchkey::gcp
