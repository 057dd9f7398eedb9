// `service-connector list-types` and `describe-type`.
#include <iostream>

#include "cli/app.h"
#include "cli/render.h"
#include "core/model_json.h"

namespace latchkey::cli {
namespace {

struct TypeArgs {
  std::string connector_type;
  std::string resource_type;
  std::string auth_method;
  bool detailed = false;
};

}  // namespace

void AddTypeCommands(CLI::App& group, CliState& state) {
  auto args = std::make_shared<TypeArgs>();

  auto* list = group.add_subcommand("list-types", "List the available service connector types");
  list->add_option("-t,--type", args->connector_type, "Only this connector type");
  list->add_option("-r,--resource-type", args->resource_type,
                   "Only types serving this resource type");
  list->add_option("-a,--auth-method", args->auth_method, "Only types with this auth method");
  list->add_flag("-d,--detailed", args->detailed,
                 "Describe each type in full (as describe-type does) instead of a table");
  AddOutputOption(*list, state);
  OnRun(*list, state, [&state, args]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto types = (*backend)->ListConnectorTypes(
        {Opt(args->connector_type), Opt(args->resource_type), Opt(args->auth_method)});
    if (state.format() != OutputFormat::kTable) {
      nlohmann::json out = nlohmann::json::array();
      for (auto const* t : types) out.push_back(ToJson(*t));
      PrintStructured(state.format(), out);
    } else if (types.empty()) {
      std::cout << "No service connector types match the given filters.\n";
    } else if (args->detailed) {
      for (size_t i = 0; i < types.size(); ++i) {
        if (i > 0) std::cout << "\n";
        std::cout << DescribeConnectorType(*types[i]);
      }
    } else {
      std::cout << RenderConnectorTypes(types);
    }
    return {};
  });

  auto* describe = group.add_subcommand("describe-type", "Describe a service connector type");
  describe->add_option("type", args->connector_type, "Connector type")->required();
  auto* rt =
      describe->add_option("-r,--resource-type", args->resource_type, "Describe a resource type");
  describe->add_option("-a,--auth-method", args->auth_method, "Describe an auth method")
      ->excludes(rt);
  AddOutputOption(*describe, state);
  OnRun(*describe, state, [&state, args]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto spec = (*backend)->GetConnectorType(args->connector_type);
    if (!spec) return tl::unexpected(spec.error());
    ConnectorTypeSpec const& s = **spec;
    bool table = state.format() == OutputFormat::kTable;
    if (!args->resource_type.empty()) {
      auto const* r = s.FindResourceType(args->resource_type);
      if (!r) {
        return Fail(ErrorCode::kNotFound, "connector type '" + s.connector_type +
                                              "' has no resource type '" + args->resource_type +
                                              "'");
      }
      if (table)
        std::cout << DescribeResourceType(s, *r);
      else
        PrintStructured(state.format(), ToJson(*r));
    } else if (!args->auth_method.empty()) {
      auto const* a = s.FindAuthMethod(args->auth_method);
      if (!a) {
        return Fail(ErrorCode::kNotFound, "connector type '" + s.connector_type +
                                              "' has no auth method '" + args->auth_method + "'");
      }
      if (table)
        std::cout << DescribeAuthMethod(s, *a);
      else
        PrintStructured(state.format(), ToJson(*a));
    } else {
      if (table)
        std::cout << DescribeConnectorType(s);
      else
        PrintStructured(state.format(), ToJson(s));
    }
    return {};
  });
}

}  // namespace latchkey::cli
