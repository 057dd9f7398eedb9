#include "server/api/api_requests.h"

#include <fmt/format.h>

#include <set>

#include "auth/password_hash.h"
#include "core/input_limits.h"
#include "service/access.h"

namespace latchkey::api {
namespace {

// Walks one JSON object, taking known fields with type checks and refusing anything left over.
class Fields {
 public:
  Fields(nlohmann::json const& body, char const* what) : body_(body), what_(what) {}

  Result<void> Check() const {
    if (!body_.is_object()) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("the {} must be a JSON object", what_));
    }
    return {};
  }
  // Call after every Take: names the first field nobody took.
  Result<void> NoOthers() const {
    for (auto const& [key, value] : body_.items()) {
      if (!taken_.count(key)) {
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("unknown field '{}' in the {}", key, what_));
      }
    }
    return {};
  }

  template <class T>
  Result<std::optional<T>> Take(std::string const& key) {
    taken_.insert(key);
    auto it = body_.find(key);
    if (it == body_.end() || it->is_null()) return std::optional<T>{};
    if (!Is<T>(*it)) return Fail(ErrorCode::kInvalidArgument, WrongType<T>(key));
    return std::optional<T>(it->get<T>());
  }
  Result<nlohmann::json> TakeObject(std::string const& key) {
    taken_.insert(key);
    auto it = body_.find(key);
    if (it == body_.end() || it->is_null()) return nlohmann::json::object();
    if (!it->is_object()) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' must be an object", key));
    }
    return *it;
  }

 private:
  template <class T>
  static bool Is(nlohmann::json const& v) {
    if constexpr (std::is_same_v<T, std::string>) {
      return v.is_string();
    } else if constexpr (std::is_same_v<T, bool>) {
      return v.is_boolean();
    } else if constexpr (std::is_same_v<T, int64_t>) {
      return v.is_number_integer();
    } else {
      if (!v.is_array()) return false;
      for (auto const& e : v) {
        if (!e.is_string()) return false;
      }
      return true;
    }
  }
  template <class T>
  static std::string WrongType(std::string const& key) {
    char const* type = std::is_same_v<T, std::string> ? "a string"
                       : std::is_same_v<T, bool>      ? "true or false"
                       : std::is_same_v<T, int64_t>   ? "an integer"
                                                      : "a list of strings";
    return fmt::format("'{}' must be {}", key, type);
  }

  nlohmann::json const& body_;
  char const* what_;
  std::set<std::string> taken_;
};

// Evaluates `expr` (a Result<T>) into `var`, returning its error from the enclosing function.
#define LK_TAKE(var, expr)                                        \
  auto var##_result = (expr);                                     \
  if (!var##_result) return tl::unexpected(var##_result.error()); \
  auto var = std::move(*var##_result)

Result<std::map<std::string, std::string>> StringMap(nlohmann::json const& object,
                                                     std::string const& key) {
  std::map<std::string, std::string> out;
  for (auto const& [k, v] : object.items()) {
    if (!v.is_string()) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}.{}' must be a string", key, k));
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

Result<std::optional<TimePoint>> Time(std::optional<std::string> const& text) {
  if (!text) return std::optional<TimePoint>{};
  auto t = ParseTimestamp(*text);
  if (!t) return Fail(t.error(), "expires_at");
  return std::optional<TimePoint>(*t);
}

// configuration and secrets are one set of attribute values to the validation layer.
Result<RawValues> AttributeValues(Fields& f) {
  LK_TAKE(configuration, f.TakeObject("configuration"));
  LK_TAKE(secrets, f.TakeObject("secrets"));
  RawValues values;
  for (auto const& [k, v] : configuration.items()) values[k] = v;
  for (auto const& [k, v] : secrets.items()) {
    if (!v.is_string()) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("'secrets.{}' must be a string", k));
    }
    if (values.count(k)) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("'{}' is given both in configuration and in secrets", k));
    }
    values[k] = v;
  }
  return values;
}

}  // namespace

Result<nlohmann::json> ParseJsonBody(std::string const& body) {
  if (body.empty()) return nlohmann::json::object();
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    return Fail(ErrorCode::kInvalidArgument, "the request body is not valid JSON");
  }
  return j;
}

Result<RegisterRequest> ParseRegisterRequest(nlohmann::json const& body) {
  Fields f(body, "service connector");
  if (auto r = f.Check(); !r) return tl::unexpected(r.error());
  RegisterRequest request;
  Connector& d = request.draft;
  LK_TAKE(name, f.Take<std::string>("name"));
  LK_TAKE(type, f.Take<std::string>("connector_type"));
  LK_TAKE(method, f.Take<std::string>("auth_method"));
  LK_TAKE(types, f.Take<std::vector<std::string>>("resource_types"));
  LK_TAKE(one_type, f.Take<std::string>("resource_type"));
  LK_TAKE(rid, f.Take<std::string>("resource_id"));
  LK_TAKE(labels, f.TakeObject("labels"));
  LK_TAKE(description, f.Take<std::string>("description"));
  LK_TAKE(expiration, f.Take<int64_t>("expiration_seconds"));
  LK_TAKE(expires_at, f.Take<std::string>("expires_at"));
  LK_TAKE(skew, f.Take<int64_t>("expires_skew_tolerance"));
  LK_TAKE(shared, f.Take<bool>("shared"));
  LK_TAKE(read_only, f.Take<bool>("shared_read_only"));
  LK_TAKE(share_secrets, f.Take<bool>("share_secrets"));
  LK_TAKE(verify, f.Take<bool>("verify"));
  LK_TAKE(values, AttributeValues(f));
  if (auto r = f.NoOthers(); !r) return tl::unexpected(r.error());
  if (types && one_type) {
    return Fail(ErrorCode::kInvalidArgument, "give resource_types or resource_type, not both");
  }
  LK_TAKE(label_map, StringMap(labels, "labels"));
  LK_TAKE(expiry, Time(expires_at));
  d.name = name.value_or("");
  d.connector_type = type.value_or("");
  d.auth_method = method.value_or("");
  if (types) d.resource_types = *types;
  if (one_type) d.resource_types = {*one_type};
  d.resource_id = rid;
  d.labels = label_map;
  d.description = description.value_or("");
  d.expiration_seconds = expiration;
  d.expires_at = expiry;
  d.expires_skew_tolerance = skew;
  if (auto r = ApplySharing(d, shared, read_only, share_secrets); !r) {
    return tl::unexpected(r.error());
  }
  request.values = std::move(values);
  request.verify = verify.value_or(true);
  if (d.connector_type.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "'connector_type' is required");
  }
  return request;
}

Result<UpdateRequest> ParseUpdateRequest(nlohmann::json const& body) {
  Fields f(body, "service connector update");
  if (auto r = f.Check(); !r) return tl::unexpected(r.error());
  UpdateRequest request;
  LK_TAKE(name, f.Take<std::string>("name"));
  LK_TAKE(description, f.Take<std::string>("description"));
  LK_TAKE(method, f.Take<std::string>("auth_method"));
  LK_TAKE(rtype, f.Take<std::string>("resource_type"));
  LK_TAKE(rid, f.Take<std::string>("resource_id"));
  LK_TAKE(remove, f.Take<std::vector<std::string>>("remove_attrs"));
  LK_TAKE(labels, f.TakeObject("labels"));
  LK_TAKE(expiration, f.Take<int64_t>("expiration_seconds"));
  LK_TAKE(expires_at, f.Take<std::string>("expires_at"));
  LK_TAKE(skew, f.Take<int64_t>("expires_skew_tolerance"));
  LK_TAKE(shared, f.Take<bool>("shared"));
  LK_TAKE(read_only, f.Take<bool>("shared_read_only"));
  LK_TAKE(share_secrets, f.Take<bool>("share_secrets"));
  LK_TAKE(version, f.Take<int64_t>("version"));
  LK_TAKE(verify, f.Take<bool>("verify"));
  LK_TAKE(values, AttributeValues(f));
  if (auto r = f.NoOthers(); !r) return tl::unexpected(r.error());
  for (auto const& [k, v] : labels.items()) {
    if (v.is_null()) {
      request.labels[k] = std::nullopt;
    } else if (v.is_string()) {
      request.labels[k] = v.get<std::string>();
    } else {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("'labels.{}' must be a string or null", k));
    }
  }
  LK_TAKE(expiry, Time(expires_at));
  request.new_name = name;
  request.description = description;
  request.auth_method = method;
  request.resource_type = rtype;
  request.resource_id = rid;
  request.remove_attrs = remove.value_or(std::vector<std::string>{});
  request.expiration_seconds = expiration;
  request.expires_at = expiry;
  request.expires_skew_tolerance = skew;
  request.shared = shared;
  request.shared_read_only = read_only;
  request.share_secrets = share_secrets;
  request.expected_version = version;
  request.values = std::move(values);
  request.verify = verify.value_or(true);
  return request;
}

Result<SecretBody> ParseSecretBody(nlohmann::json const& body, bool create) {
  Fields f(body, "secret");
  if (auto r = f.Check(); !r) return tl::unexpected(r.error());
  SecretBody out;
  LK_TAKE(name, f.Take<std::string>("name"));
  LK_TAKE(values, f.TakeObject("values"));
  LK_TAKE(remove, f.Take<std::vector<std::string>>("remove_keys"));
  LK_TAKE(shared, f.Take<bool>("shared"));
  if (auto r = f.NoOthers(); !r) return tl::unexpected(r.error());
  LK_TAKE(value_map, StringMap(values, "values"));
  if (create && (!name || value_map.empty())) {
    return Fail(ErrorCode::kInvalidArgument, "a secret needs a 'name' and at least one value");
  }
  out.name = name;
  out.values = std::move(value_map);
  out.remove_keys = remove.value_or(std::vector<std::string>{});
  out.shared = shared;
  return out;
}

Result<LoginBody> ParseLoginBody(nlohmann::json const& body) {
  Fields f(body, "login request");
  if (auto r = f.Check(); !r) return tl::unexpected(r.error());
  LK_TAKE(username, f.Take<std::string>("username"));
  LK_TAKE(password, f.Take<std::string>("password"));
  LK_TAKE(token_name, f.Take<std::string>("token_name"));
  if (auto r = f.NoOthers(); !r) return tl::unexpected(r.error());
  if (!username || !password) {
    return Fail(ErrorCode::kInvalidArgument, "'username' and 'password' are required");
  }
  // Bounded before anything (the throttle, the audit log, Argon2) sees them. Both bounds are the
  // same for every user name, so a refusal says nothing about which names exist.
  if (username->size() > kMaxNameBytes) {
    return Fail(ErrorCode::kInvalidArgument, OverLimitMessage("'username'", kMaxNameBytes));
  }
  if (password->size() > auth::kMaxPasswordBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                OverLimitMessage("'password'", auth::kMaxPasswordBytes));
  }
  if (token_name) {
    if (auto r = CheckName("token name", *token_name); !r) return tl::unexpected(r.error());
  }
  return LoginBody{*username, *password, token_name.value_or("")};
}

Result<NewUserRequest> ParseNewUserBody(nlohmann::json const& body) {
  Fields f(body, "user");
  if (auto r = f.Check(); !r) return tl::unexpected(r.error());
  LK_TAKE(name, f.Take<std::string>("name"));
  LK_TAKE(password, f.Take<std::string>("password"));
  LK_TAKE(admin, f.Take<bool>("admin"));
  LK_TAKE(service_account, f.Take<bool>("service_account"));
  if (auto r = f.NoOthers(); !r) return tl::unexpected(r.error());
  if (!name) return Fail(ErrorCode::kInvalidArgument, "'name' is required");
  return NewUserRequest{*name, password, admin.value_or(false), service_account.value_or(false)};
}

Result<ApiKeyBody> ParseApiKeyBody(nlohmann::json const& body) {
  Fields f(body, "API key request");
  if (auto r = f.Check(); !r) return tl::unexpected(r.error());
  LK_TAKE(name, f.Take<std::string>("name"));
  LK_TAKE(ttl, f.Take<int64_t>("ttl_seconds"));
  if (auto r = f.NoOthers(); !r) return tl::unexpected(r.error());
  if (ttl) {
    if (auto r = CheckSeconds("ttl_seconds", *ttl, kMaxLifetimeSeconds, false); !r) {
      return tl::unexpected(r.error());
    }
  }
  if (name) {
    if (auto r = CheckName("API key name", *name); !r) return tl::unexpected(r.error());
  }
  return ApiKeyBody{name.value_or("api-key"), ttl};
}

#undef LK_TAKE

}  // namespace latchkey::api
