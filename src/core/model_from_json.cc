// Parsing the model's JSON shapes (model_json.h) back, e.g. in the CLI talking to a server.
#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/model_json.h"

namespace latchkey {
namespace {

// nlohmann's accessors throw on a type mismatch; every parser below runs inside GuardJsonParse
// so a malformed document becomes one clear error.

template <class T>
std::optional<T> Opt(nlohmann::json const& j, char const* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    // get<T>() would convert a float with a cast that is undefined when the value is out of
    // range (found by fuzz_credential_formats): only integers that fit are numbers here.
    bool fits = it->is_number_integer() &&
                !(it->is_number_unsigned() &&
                  it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<T>::max()));
    if (!fits) {
      throw nlohmann::json::type_error::create(302, std::string(key) + " is not an integer", &j);
    }
  }
  return it->get<T>();
}

std::optional<TimePoint> OptTime(nlohmann::json const& j, char const* key) {
  auto text = Opt<std::string>(j, key);
  if (!text) return std::nullopt;
  auto t = ParseTimestamp(*text);
  if (!t) throw nlohmann::json::other_error::create(501, std::string("bad time in ") + key, &j);
  return *t;
}

}  // namespace

Result<Connector> ConnectorFromJson(nlohmann::json const& j) {
  return GuardJsonParse<Connector>("connector", [&] {
    Connector c;
    c.id = j.at("id").get<std::string>();
    c.name = j.at("name").get<std::string>();
    c.connector_type = j.at("connector_type").get<std::string>();
    c.auth_method = j.at("auth_method").get<std::string>();
    c.resource_types = j.at("resource_types").get<std::vector<std::string>>();
    c.resource_id = Opt<std::string>(j, "resource_id");
    c.supports_instances = j.value("supports_instances", false);
    c.configuration = j.value("configuration", nlohmann::json::object());
    c.secrets = j.value("secrets", std::map<std::string, std::string>{});
    c.secret_id = Opt<std::string>(j, "secret_id");
    c.labels = j.value("labels", std::map<std::string, std::string>{});
    c.expiration_seconds = Opt<int64_t>(j, "expiration_seconds");
    c.expires_at = OptTime(j, "expires_at");
    c.expires_skew_tolerance = Opt<int64_t>(j, "expires_skew_tolerance");
    c.description = j.value("description", "");
    c.owner = j.value("owner", "");
    c.shared = j.value("shared", false);
    c.shared_read_only = j.value("shared_read_only", false);
    c.share_secrets = j.value("share_secrets", false);
    c.version = Opt<int64_t>(j, "version").value_or(0);
    c.created = OptTime(j, "created").value_or(TimePoint{});
    c.updated = OptTime(j, "updated").value_or(TimePoint{});
    return c;
  });
}

Result<ResourcesReport> ResourcesReportFromJson(nlohmann::json const& j) {
  return GuardJsonParse<ResourcesReport>("resources report", [&] {
    ResourcesReport r;
    r.id = Opt<std::string>(j, "id");
    r.name = Opt<std::string>(j, "name");
    r.connector_type = j.at("connector_type").get<std::string>();
    r.error = Opt<std::string>(j, "error");
    for (auto const& t : j.at("resources")) {
      r.resources.push_back(TypedResources{t.at("resource_type").get<std::string>(),
                                           Opt<std::vector<std::string>>(t, "resource_ids"),
                                           Opt<std::string>(t, "error")});
    }
    return r;
  });
}

Result<Secret> SecretFromJson(nlohmann::json const& j) {
  return GuardJsonParse<Secret>("secret", [&] {
    Secret s;
    s.id = j.at("id").get<std::string>();
    s.name = j.at("name").get<std::string>();
    s.values = j.value("values", std::map<std::string, std::string>{});
    s.owner = j.value("owner", "");
    s.shared = j.value("shared", false);
    s.created = OptTime(j, "created").value_or(TimePoint{});
    s.updated = OptTime(j, "updated").value_or(TimePoint{});
    return s;
  });
}

}  // namespace latchkey
