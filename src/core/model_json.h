// The JSON shapes of the model (upstream's field names). `-o json`, `-o yaml` and the store's
// serialised columns all go through these functions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "common/error.h"
#include "core/model.h"
#include "core/spec.h"

namespace latchkey {

inline constexpr char kHidden[] = "[HIDDEN]";

// An optional field's JSON: its value, or null.
template <class T>
nlohmann::json OrNull(std::optional<T> const& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// Secret values are "[HIDDEN]" unless `show_secrets`.
nlohmann::json ToJson(Connector const& c, bool show_secrets);
nlohmann::json ToJson(ResourcesReport const& r);
nlohmann::json ToJson(Secret const& s, bool show_secrets);
nlohmann::json ToJson(ConnectorTypeSpec const& spec);
nlohmann::json ToJson(AuthMethodSpec const& spec);
nlohmann::json ToJson(ResourceTypeSpec const& spec);

// The inverses, for JSON that came back from a Latchkey server. A document that does not have
// the shape above is an error (kInternal: the server and this client disagree), not a crash.
// Runs `parse` (a parser of a server's answer), turning nlohmann's exceptions on a type mismatch
// into one clear kInternal error naming `what`.
template <class T, class F>
Result<T> GuardJsonParse(char const* what, F&& parse) {
  try {
    return parse();
  } catch (nlohmann::json::exception const& e) {
    return Fail(ErrorCode::kInternal,
                std::string("malformed ") + what + " in the server's answer (" + e.what() + ")");
  }
}

Result<Connector> ConnectorFromJson(nlohmann::json const& j);
Result<ResourcesReport> ResourcesReportFromJson(nlohmann::json const& j);
Result<Secret> SecretFromJson(nlohmann::json const& j);

}  // namespace latchkey
