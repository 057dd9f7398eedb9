#include "client/remote_backend.h"

#include <fmt/format.h>

#include "client/remote_lists.h"
#include "common/json_fields.h"
#include "core/connector_ops.h"
#include "core/model_json.h"
#include "core/registry.h"
#include "http/url_encoding.h"

namespace latchkey {
namespace {

constexpr char kConnectors[] = "/api/v1/service_connectors/";
constexpr char kSecrets[] = "/api/v1/secrets/";
constexpr int kListPageSize = 1000;

std::string Segment(std::string const& name_or_id) { return UrlEncode(name_or_id); }

void AddIf(QueryList& q, char const* key, OptString const& value) {
  if (value) q.emplace_back(key, *value);
}

// An exact list filter, sent with its operator so a value that looks like one stays literal.
void AddEquals(QueryList& q, char const* key, OptString const& value) {
  if (value) q.emplace_back(key, "equals:" + *value);
}

template <class T, class F>
Result<std::vector<T>> ParseArray(nlohmann::json const& j, F&& parse) {
  if (!j.is_array()) return Fail(ErrorCode::kInternal, "the server did not answer with a list");
  std::vector<T> out;
  for (auto const& item : j) {
    auto parsed = parse(item);
    if (!parsed) return tl::unexpected(parsed.error());
    out.push_back(std::move(*parsed));
  }
  return out;
}

Result<SavedConnector> ParseSaved(nlohmann::json const& j) {
  auto c = ConnectorFromJson(j);
  if (!c) return tl::unexpected(c.error());
  SavedConnector saved{std::move(*c), std::nullopt};
  if (auto it = j.find("resources"); it != j.end() && !it->is_null()) {
    auto report = ResourcesReportFromJson(*it);
    if (!report) return tl::unexpected(report.error());
    saved.resources = std::move(*report);
  }
  return saved;
}

}  // namespace

RemoteBackend::RemoteBackend(RemoteOptions options, std::unique_ptr<HttpClient> http)
    : options_(std::move(options)), http_(std::move(http)) {
  while (!options_.url.empty() && options_.url.back() == '/') options_.url.pop_back();
}

Result<nlohmann::json> RemoteBackend::Call(
    std::string const& method, std::string const& path,
    std::vector<std::pair<std::string, std::string>> const& query,
    std::optional<nlohmann::json> const& body) {
  HttpRequest request;
  request.method = method;
  request.url = options_.url + path;
  char sep = '?';
  for (auto const& [k, v] : query) {
    request.url += sep + UrlEncode(k) + "=" + UrlEncode(v);
    sep = '&';
  }
  request.headers = {{"Authorization", "Bearer " + options_.token}, {"Accept", "application/json"}};
  if (body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body->dump();
  }
  request.tls = options_.tls;
  request.timeout = options_.timeout;
  auto response = http_->Send(request);
  if (!response) {
    return Fail(ErrorCode::kUnavailable, fmt::format("cannot reach the Latchkey server at {}: {}",
                                                     options_.url, response.error().message));
  }
  nlohmann::json parsed = response->body.empty()
                              ? nlohmann::json(nullptr)
                              : nlohmann::json::parse(response->body, nullptr, false);
  if (response->status >= 200 && response->status < 300) {
    if (parsed.is_discarded()) {
      return Fail(ErrorCode::kInternal, "the server's answer is not JSON");
    }
    return parsed;
  }
  if (!parsed.is_discarded() && parsed.is_object() && parsed.contains("error") &&
      parsed["error"].is_object()) {
    auto const& e = parsed["error"];
    std::string message = JsonString(e, "message");
    ErrorCode code = ErrorCodeFromName(JsonString(e, "code"));
    if (response->status == 401 && response->Header("www-authenticate")) {
      message += " (server " + options_.url + ")";  // our API token, not a provider's answer
    }
    return Fail(code, message);
  }
  return Fail(ErrorCode::kUnavailable,
              fmt::format("the Latchkey server answered HTTP {}", response->status));
}

std::vector<ConnectorTypeSpec const*> RemoteBackend::ListConnectorTypes(TypeFilter const& filter) {
  return FilterConnectorTypes(filter);
}

Result<ConnectorTypeSpec const*> RemoteBackend::GetConnectorType(std::string const& type) {
  auto t = RequireConnectorType(type);
  if (!t) return tl::unexpected(t.error());
  return &(*t)->Spec();
}

Result<nlohmann::json> RemoteBackend::RegisterBody(RegisterRequest& request) {
  Connector& d = request.draft;
  if (request.auto_configure) {
    auto type = RequireConnectorType(d.connector_type);
    if (!type) return tl::unexpected(type.error());
    auto http = MakeCurlHttpClient();
    Context ctx{*http, Now(), options_.env, ImplicitAuthEnabled(options_.env)};
    if (auto r = ApplyAutoConfiguration(ctx, **type, d, request.values); !r) {
      return tl::unexpected(r.error());
    }
  }
  nlohmann::json configuration = nlohmann::json::object();
  for (auto const& [k, v] : request.values) configuration[k] = v;
  nlohmann::json body = {{"connector_type", d.connector_type},
                         {"configuration", configuration},
                         {"labels", d.labels},
                         {"description", d.description},
                         {"shared", d.shared},
                         {"shared_read_only", d.shared_read_only},
                         {"share_secrets", d.share_secrets},
                         {"verify", request.verify}};
  if (!d.name.empty()) body["name"] = d.name;
  if (!d.auth_method.empty()) body["auth_method"] = d.auth_method;
  if (!d.resource_types.empty()) body["resource_types"] = d.resource_types;
  if (d.resource_id) body["resource_id"] = *d.resource_id;
  if (d.expiration_seconds) body["expiration_seconds"] = *d.expiration_seconds;
  if (d.expires_at) body["expires_at"] = FormatIso8601(*d.expires_at);
  if (d.expires_skew_tolerance) body["expires_skew_tolerance"] = *d.expires_skew_tolerance;
  return body;
}

Result<SavedConnector> RemoteBackend::RegisterConnector(RegisterRequest request) {
  if (request.draft.name.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a connector name is required");
  }
  auto body = RegisterBody(request);
  if (!body) return tl::unexpected(body.error());
  auto j = Call("POST", "/api/v1/service_connectors", {}, *body);
  if (!j) return tl::unexpected(j.error());
  return ParseSaved(*j);
}

Result<ResourcesReport> RemoteBackend::VerifyDraft(RegisterRequest request) {
  auto body = RegisterBody(request);
  if (!body) return tl::unexpected(body.error());
  body->erase("verify");
  auto j = Call("POST", "/api/v1/service_connectors/verify", {}, *body);
  if (!j) return tl::unexpected(j.error());
  return ResourcesReportFromJson(*j);
}

Result<std::vector<Connector>> RemoteBackend::ListConnectors(ConnectorFilter const& filter) {
  std::vector<std::pair<std::string, std::string>> q;
  AddEquals(q, "name", filter.name);
  AddEquals(q, "connector_type", filter.connector_type);
  AddEquals(q, "auth_method", filter.auth_method);
  AddEquals(q, "resource_type", filter.resource_type);
  AddEquals(q, "resource_id", filter.resource_id);
  for (auto const& [k, v] : filter.labels) q.emplace_back("label", v ? k + "=" + *v : k);
  q.emplace_back("sort_by", "created");
  q.emplace_back("size", std::to_string(kListPageSize));
  std::vector<Connector> out;
  for (int page = 1;; ++page) {
    auto paged = q;
    paged.emplace_back("page", std::to_string(page));
    auto j = Call("GET", "/api/v1/service_connectors", paged);
    if (!j) return tl::unexpected(j.error());
    if (!j->is_object() || !j->contains("items")) {
      return Fail(ErrorCode::kInternal, "the server's connector page has no items");
    }
    auto items = ParseArray<Connector>((*j)["items"], ConnectorFromJson);
    if (!items) return tl::unexpected(items.error());
    for (auto& c : *items) out.push_back(std::move(c));
    if (page >= j->value("total_pages", 0)) break;
  }
  return out;
}

Result<Page<Connector>> RemoteBackend::PageConnectors(ListQuery query) {
  auto j = Call("GET", "/api/v1/service_connectors", ListParams(query));
  if (!j) return tl::unexpected(j.error());
  return ParsePage<Connector>(*j, ConnectorFromJson);
}

Result<Connector> RemoteBackend::GetConnector(std::string const& name_or_id, bool reveal) {
  auto j = Call("GET", kConnectors + Segment(name_or_id),
                {{"expand_secrets", reveal ? "true" : "false"}});
  if (!j) return tl::unexpected(j.error());
  return ConnectorFromJson(*j);
}

Result<SavedConnector> RemoteBackend::UpdateConnector(UpdateRequest request) {
  nlohmann::json body = nlohmann::json::object();
  if (request.new_name) body["name"] = *request.new_name;
  if (request.description) body["description"] = *request.description;
  if (request.auth_method) body["auth_method"] = *request.auth_method;
  if (request.resource_type) body["resource_type"] = *request.resource_type;
  if (request.resource_id) body["resource_id"] = *request.resource_id;
  if (!request.values.empty()) body["configuration"] = request.values;
  if (!request.remove_attrs.empty()) body["remove_attrs"] = request.remove_attrs;
  if (!request.labels.empty()) {
    nlohmann::json labels = nlohmann::json::object();
    for (auto const& [k, v] : request.labels) labels[k] = v ? nlohmann::json(*v) : nullptr;
    body["labels"] = labels;
  }
  if (request.expiration_seconds) body["expiration_seconds"] = *request.expiration_seconds;
  if (request.expires_at) body["expires_at"] = FormatIso8601(*request.expires_at);
  if (request.expires_skew_tolerance) {
    body["expires_skew_tolerance"] = *request.expires_skew_tolerance;
  }
  if (request.shared) body["shared"] = *request.shared;
  if (request.shared_read_only) body["shared_read_only"] = *request.shared_read_only;
  if (request.share_secrets) body["share_secrets"] = *request.share_secrets;
  if (request.expected_version) body["version"] = *request.expected_version;
  body["verify"] = request.verify;
  auto j = Call("PUT", kConnectors + Segment(request.name_or_id), {}, body);
  if (!j) return tl::unexpected(j.error());
  return ParseSaved(*j);
}

Result<void> RemoteBackend::DeleteConnector(std::string const& name_or_id) {
  auto j = Call("DELETE", kConnectors + Segment(name_or_id));
  if (!j) return tl::unexpected(j.error());
  return {};
}

Result<ResourcesReport> RemoteBackend::VerifyConnector(std::string const& name_or_id,
                                                       OptString const& resource_type,
                                                       OptString const& resource_id,
                                                       bool list_resources) {
  std::vector<std::pair<std::string, std::string>> q;
  AddIf(q, "resource_type", resource_type);
  AddIf(q, "resource_id", resource_id);
  q.emplace_back("list_resources", list_resources ? "true" : "false");
  auto j = Call("PUT", kConnectors + Segment(name_or_id) + "/verify", q);
  if (!j) return tl::unexpected(j.error());
  return ResourcesReportFromJson(*j);
}

Result<std::vector<ResourcesReport>> RemoteBackend::ListResources(ResourceQuery const& query) {
  std::vector<std::pair<std::string, std::string>> q;
  AddIf(q, "connector_type", query.connector_type);
  AddIf(q, "resource_type", query.resource_type);
  AddIf(q, "resource_id", query.resource_id);
  if (query.exclude_errors) q.emplace_back("exclude_errors", "true");
  auto j = Call("GET", "/api/v1/service_connectors/resources", q);
  if (!j) return tl::unexpected(j.error());
  return ParseArray<ResourcesReport>(*j, ResourcesReportFromJson);
}

Result<Connector> RemoteBackend::GetConnectorClient(std::string const& name_or_id,
                                                    OptString const& resource_type,
                                                    OptString const& resource_id) {
  std::vector<std::pair<std::string, std::string>> q;
  AddIf(q, "resource_type", resource_type);
  AddIf(q, "resource_id", resource_id);
  auto j = Call("GET", kConnectors + Segment(name_or_id) + "/client", q);
  if (!j) return tl::unexpected(j.error());
  return ConnectorFromJson(*j);
}

Result<Secret> RemoteBackend::CreateSecret(std::string const& name,
                                           std::map<std::string, std::string> const& values,
                                           bool shared) {
  auto j = Call("POST", "/api/v1/secrets", {},
                nlohmann::json{{"name", name}, {"values", values}, {"shared", shared}});
  if (!j) return tl::unexpected(j.error());
  return SecretFromJson(*j);
}

Result<std::vector<Secret>> RemoteBackend::ListSecrets() {
  ListQuery q;
  q.size = kListPageSize;
  std::vector<Secret> out;
  for (q.page = 1;; ++q.page) {
    auto page = PageSecrets(q);
    if (!page) return tl::unexpected(page.error());
    for (auto& s : page->items) out.push_back(std::move(s));
    if (q.page >= page->total_pages()) break;
  }
  return out;
}

Result<Page<Secret>> RemoteBackend::PageSecrets(ListQuery query) {
  auto j = Call("GET", "/api/v1/secrets", ListParams(query));
  if (!j) return tl::unexpected(j.error());
  return ParsePage<Secret>(*j, SecretFromJson);
}

Result<Secret> RemoteBackend::GetSecret(std::string const& name_or_id, bool reveal_values) {
  auto j = Call("GET", kSecrets + Segment(name_or_id),
                {{"expand_secrets", reveal_values ? "true" : "false"}});
  if (!j) return tl::unexpected(j.error());
  return SecretFromJson(*j);
}

Result<Secret> RemoteBackend::UpdateSecret(std::string const& name_or_id,
                                           std::map<std::string, std::string> const& values,
                                           std::vector<std::string> const& remove_keys,
                                           std::optional<bool> shared) {
  nlohmann::json body = {{"values", values}, {"remove_keys", remove_keys}};
  if (shared) body["shared"] = *shared;
  auto j = Call("PUT", kSecrets + Segment(name_or_id), {}, body);
  if (!j) return tl::unexpected(j.error());
  return SecretFromJson(*j);
}

Result<Secret> RemoteBackend::RenameSecret(std::string const& name_or_id,
                                           std::string const& new_name) {
  auto j = Call("PUT", kSecrets + Segment(name_or_id), {}, nlohmann::json{{"name", new_name}});
  if (!j) return tl::unexpected(j.error());
  return SecretFromJson(*j);
}

Result<void> RemoteBackend::DeleteSecret(std::string const& name_or_id) {
  auto j = Call("DELETE", kSecrets + Segment(name_or_id));
  if (!j) return tl::unexpected(j.error());
  return {};
}

Result<size_t> RemoteBackend::RotateSecretsKey() {
  return Fail(ErrorCode::kFailedPrecondition,
              "the secrets key belongs to the server: run `latchkey secret rotate-key` where the "
              "server's store is configured (or `latchkey logout` for the local store)");
}

QueryList ListParams(ListQuery const& lq) {
  QueryList q;
  for (auto const& f : lq.fields) q.emplace_back(f.field, ToQueryValue(f));
  for (auto const& l : lq.labels) q.emplace_back("label", l.value ? l.key + "=" + *l.value : l.key);
  if (lq.match_any) q.emplace_back("logical_operator", "or");
  if (!lq.sort_field.empty()) {
    q.emplace_back("sort_by", (lq.descending ? "desc:" : "asc:") + lq.sort_field);
  }
  q.emplace_back("page", std::to_string(lq.page));
  q.emplace_back("size", std::to_string(lq.size));
  return q;
}

}  // namespace latchkey
