// The REST API's request bodies, parsed strictly: unknown fields, wrong types and malformed JSON
// are kInvalidArgument with a message naming the field, never a crash. The shapes mirror the
// model's JSON (core/model_json.h) so `-o json` output can be edited and sent back.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "service/backend.h"
#include "service/identity_service.h"

namespace latchkey::api {

Result<nlohmann::json> ParseJsonBody(std::string const& body);

// POST /service_connectors and POST /service_connectors/verify:
// {name, connector_type, auth_method, resource_types | resource_type, resource_id, configuration,
//  secrets, labels, description, expiration_seconds, expires_at, expires_skew_tolerance, shared,
//  verify}
Result<RegisterRequest> ParseRegisterRequest(nlohmann::json const& body);

// PUT /service_connectors/{id}: every field optional; `configuration`/`secrets` are merged into
// the current values, `remove_attrs` removes, `labels` values of null remove a label.
Result<UpdateRequest> ParseUpdateRequest(nlohmann::json const& body);

struct SecretBody {
  std::optional<std::string> name;
  std::map<std::string, std::string> values;
  std::vector<std::string> remove_keys;
  std::optional<bool> shared;
};
// POST /secrets (name and values required) and PUT /secrets/{id} (all optional).
Result<SecretBody> ParseSecretBody(nlohmann::json const& body, bool create);

struct LoginBody {
  std::string username;
  std::string password;
  std::string token_name;
};
Result<LoginBody> ParseLoginBody(nlohmann::json const& body);

// POST /users: {name, password?, admin?, service_account?}
Result<NewUserRequest> ParseNewUserBody(nlohmann::json const& body);

struct ApiKeyBody {
  std::string name;
  std::optional<int64_t> ttl_seconds;
};
Result<ApiKeyBody> ParseApiKeyBody(nlohmann::json const& body);

}  // namespace latchkey::api
