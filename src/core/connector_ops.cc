#include "core/connector_ops.h"

#include <fmt/format.h>

#include "core/connector_validation.h"

namespace latchkey {

ResourcesReport VerifyConnector(Context& ctx, ConnectorType const& type, Connector const& c,
                                OptString const& resource_type, OptString const& resource_id,
                                bool list_resources) {
  ResourcesReport report;
  if (!c.id.empty()) report.id = c.id;
  if (!c.name.empty()) report.name = c.name;
  report.connector_type = c.connector_type;
  std::vector<std::string> types =
      resource_type ? std::vector<std::string>{*resource_type} : c.resource_types;
  for (auto const& rt : types) report.resources.push_back(TypedResources{rt, {}, {}});

  if (HasExpired(c, ctx.now)) {
    report.SetGlobalError(
        "the connector's credentials have expired; update them with "
        "`latchkey service-connector update`");
    return report;
  }
  if (resource_type || resource_id) {
    auto target = ResolveResourceTarget(type, c, resource_type, resource_id);
    if (!target) {
      report.SetGlobalError(target.error().message);
      return report;
    }
  }
  if ((!list_resources && !resource_id) || types.size() > 1) {
    auto global = type.Verify(ctx, c, std::nullopt, std::nullopt);
    if (!global) {
      report.SetGlobalError(global.error().message);
      return report;
    }
    if (!list_resources && !resource_id) return report;
  }
  for (auto const& rt : types) {
    auto target = ResolveResourceTarget(type, c, rt, resource_id);
    if (!target) {
      report.SetTypeError(rt, target.error().message);
      continue;
    }
    auto ids = type.Verify(ctx, c, rt, target->resource_id);
    if (!ids) {
      report.SetTypeError(rt, ids.error().message);
    } else if (ids->empty()) {
      report.SetTypeError(rt, fmt::format("the connector didn't list any {} resources", rt));
    } else {
      report.SetResourceIds(rt, *ids);
    }
  }
  return report;
}

Result<Connector> GetConnectorClient(Context& ctx, ConnectorType const& type, Connector const& c,
                                     OptString const& resource_type, OptString const& resource_id) {
  auto target = ResolveResourceTarget(type, c, resource_type, resource_id);
  if (!target) return tl::unexpected(target.error());
  if (HasExpired(c, ctx.now)) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("the credentials of connector '{}' have expired", c.name));
  }
  ResourceTypeSpec const* spec = type.Spec().FindResourceType(target->resource_type);
  bool verified = false;
  if (!target->resource_id && spec && !spec->supports_instances) {
    // The one resource of this type is discovered by the provider (e.g. the account's ECR
    // registry); discovering it verifies it, so it is not verified a second time below.
    auto ids = type.Verify(ctx, c, target->resource_type, std::nullopt);
    if (!ids) return Fail(ids.error(), "connector '" + c.name + "'");
    if (ids->size() == 1) {
      target->resource_id = ids->front();
      verified = true;
    }
  }
  if (!target->resource_id) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("connector '{}' reaches several {} resources; choose one with "
                            "--resource-id",
                            c.name, target->resource_type));
  }
  if (!verified) {
    auto ids = type.Verify(ctx, c, target->resource_type, target->resource_id);
    if (!ids) return Fail(ids.error(), "connector '" + c.name + "'");
  }
  auto client = type.Client(ctx, c, target->resource_type, *target->resource_id);
  if (!client) return Fail(client.error(), "connector '" + c.name + "'");
  client->id = c.id;
  client->name =
      fmt::format("{} ({} | {} client)", c.name, target->resource_type, *target->resource_id);
  client->owner = c.owner;
  client->secret_id.reset();
  client->labels = {};
  client->created = ctx.now;
  client->updated = ctx.now;
  if (client->expires_at && !client->expires_skew_tolerance) {
    client->expires_skew_tolerance = c.expires_skew_tolerance;
  }
  if (HasExpired(*client, ctx.now)) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("the client credentials issued for connector '{}' are already "
                            "expired",
                            c.name));
  }
  return client;
}

Result<void> ApplyAutoConfiguration(Context& ctx, ConnectorType const& type, Connector& draft,
                                    RawValues& values) {
  Connector& c = draft;
  OptString method = c.auth_method.empty() ? OptString{} : OptString{c.auth_method};
  OptString rt = c.resource_types.empty() ? OptString{} : OptString{c.resource_types[0]};
  auto detected = type.AutoConfigure(ctx, method, rt, c.resource_id);
  if (!detected) return Fail(detected.error(), "auto-configuration failed");
  if (c.auth_method.empty()) c.auth_method = detected->auth_method;
  if (c.resource_types.empty()) c.resource_types = detected->resource_types;
  if (!c.resource_id) c.resource_id = detected->resource_id;
  if (!c.expires_at) c.expires_at = detected->expires_at;
  RawValues found = CurrentValues(*detected);
  for (auto& [k, v] : values) found[k] = v;  // explicit values win over detected ones
  values = std::move(found);
  return {};
}

}  // namespace latchkey
