// `latchkey stack register | list | describe | update | set | delete`.
#include <iostream>

#include "cli/app.h"
#include "cli/list_options.h"
#include "cli/stack_render.h"
#include "stack/stack_json.h"

namespace latchkey::cli {
namespace {

struct StackArgs {
  std::string name;
  std::string artifact_store;
  std::string container_registry;
  std::string orchestrator;
  bool set = false;
  bool remove_container_registry = false;
  bool remove_orchestrator = false;
};

void PrintStack(CliState& state, Backend& backend, Stack const& s, bool active,
                std::string const& message) {
  if (state.format() != OutputFormat::kTable) {
    nlohmann::json out = ToJson(s);
    out["active"] = active;
    PrintStructured(state.format(), out);
    return;
  }
  if (!message.empty()) std::cout << message << "\n";
  std::cout << RenderStackDetails(s, active, ConnectorNamesOf(backend, s));
}

}  // namespace

void AddStackCommands(CLI::App& app, CliState& state) {
  auto* group = app.add_subcommand("stack", "Group stack components into stacks");
  group->require_subcommand(1);

  auto reg = std::make_shared<StackArgs>();
  auto* r = group->add_subcommand("register", "Register a stack");
  r->add_option("name", reg->name, "Stack name")->required();
  r->add_option("-a,--artifact-store", reg->artifact_store, "Artifact store")->required();
  r->add_option("-c,--container-registry", reg->container_registry, "Container registry");
  r->add_option("-o,--orchestrator", reg->orchestrator, "Orchestrator");
  r->add_flag("--set", reg->set, "Make it the active stack");
  // -o is the orchestrator here (upstream's spelling), so the output format is --output only.
  r->add_option("--output", state.output, "Output format: table, json or yaml")
      ->check(CLI::IsMember({"table", "json", "yaml"}));
  OnRun(*r, state, [&state, reg]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    StackRequest request;
    request.name = reg->name;
    request.components[ComponentType::kArtifactStore] = reg->artifact_store;
    if (!reg->container_registry.empty()) {
      request.components[ComponentType::kContainerRegistry] = reg->container_registry;
    }
    if (!reg->orchestrator.empty()) {
      request.components[ComponentType::kOrchestrator] = reg->orchestrator;
    }
    request.set_active = reg->set;
    auto s = (*backend)->RegisterStack(std::move(request));
    if (!s) return tl::unexpected(s.error());
    PrintStack(state, **backend, *s, reg->set,
               "Stack '" + s->name + "' successfully registered" +
                   (reg->set ? " and set as active." : "."));
    return {};
  });

  auto filter = std::make_shared<ListOptions>();
  auto* l = group->add_subcommand("list", "List stacks");
  AddListOptions(*l, *filter, StackFields(), {}, false);
  AddOutputOption(*l, state);
  OnRun(*l, state, [&state, filter]() -> Result<void> {
    auto query = ToListQuery(*filter, StackFields(), "name");
    if (!query) return tl::unexpected(query.error());
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto page = FetchPages<Stack>(*filter, std::move(*query),
                                  [&](ListQuery const& q) { return (*backend)->PageStacks(q); });
    if (!page) return tl::unexpected(page.error());
    auto const* stacks = &page->items;
    auto active = (*backend)->GetActiveStack();
    if (!active) return tl::unexpected(active.error());
    if (state.format() != OutputFormat::kTable) {
      nlohmann::json out = nlohmann::json::array();
      for (auto const& s : *stacks) {
        nlohmann::json j = ToJson(s);
        j["active"] = *active && (*active)->id == s.id;
        out.push_back(j);
      }
      PrintStructured(state.format(), out);
    } else if (stacks->empty()) {
      std::cout << "No stacks found.\n";
    } else {
      std::cout << RenderStackList(*stacks, *active);
    }
    if (state.format() == OutputFormat::kTable) {
      std::cout << PageFooter(page->index, page->total_pages(), page->total, "stacks");
    }
    return {};
  });

  auto name = std::make_shared<std::string>();
  auto* d = group->add_subcommand("describe", "Show a stack (default: the active one)");
  d->add_option("name", *name, "Stack name or ID");
  AddOutputOption(*d, state);
  OnRun(*d, state, [&state, name]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto active = (*backend)->GetActiveStack();
    if (!active) return tl::unexpected(active.error());
    Stack s;
    if (name->empty()) {
      if (!*active) {
        return Fail(ErrorCode::kNotFound,
                    "no active stack: name one, or set one with `latchkey stack set NAME`");
      }
      s = **active;
    } else {
      auto found = (*backend)->GetStack(*name);
      if (!found) return tl::unexpected(found.error());
      s = std::move(*found);
    }
    PrintStack(state, **backend, s, *active && (*active)->id == s.id, "");
    return {};
  });

  auto* set = group->add_subcommand("set", "Make a stack the active one");
  set->add_option("name", *name, "Stack name or ID")->required();
  AddOutputOption(*set, state);
  OnRun(*set, state, [&state, name]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto s = (*backend)->SetActiveStack(*name);
    if (!s) return tl::unexpected(s.error());
    if (state.format() != OutputFormat::kTable) {
      PrintStack(state, **backend, *s, true, "");
    } else {
      std::cout << "Active stack set to: '" << s->name << "'\n";
    }
    return {};
  });

  auto upd = std::make_shared<StackArgs>();
  auto* u = group->add_subcommand("update", "Replace or remove components of a stack");
  u->add_option("name", upd->name, "Stack name or ID")->required();
  u->add_option("-a,--artifact-store", upd->artifact_store, "New artifact store");
  auto* c =
      u->add_option("-c,--container-registry", upd->container_registry, "New container registry");
  auto* o = u->add_option("-o,--orchestrator", upd->orchestrator, "New orchestrator");
  u->add_flag("--remove-container-registry", upd->remove_container_registry,
              "Take the container registry out of the stack")
      ->excludes(c);
  u->add_flag("--remove-orchestrator", upd->remove_orchestrator,
              "Take the orchestrator out of the stack")
      ->excludes(o);
  u->add_option("--output", state.output, "Output format: table, json or yaml")
      ->check(CLI::IsMember({"table", "json", "yaml"}));
  OnRun(*u, state, [&state, upd]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    StackUpdate update;
    auto member = [&](ComponentType type, std::string const& name, bool remove) {
      if (remove) update.components[type] = std::nullopt;
      if (!name.empty()) update.components[type] = name;
    };
    member(ComponentType::kArtifactStore, upd->artifact_store, false);
    member(ComponentType::kContainerRegistry, upd->container_registry,
           upd->remove_container_registry);
    member(ComponentType::kOrchestrator, upd->orchestrator, upd->remove_orchestrator);
    if (update.components.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "nothing to update: name a component (-a, -c, -o) or --remove-...");
    }
    auto s = (*backend)->UpdateStack(upd->name, std::move(update));
    if (!s) return tl::unexpected(s.error());
    auto active = (*backend)->GetActiveStack();
    bool is_active = active && *active && (*active)->id == s->id;
    PrintStack(state, **backend, *s, is_active, "Stack '" + s->name + "' updated.");
    return {};
  });

  auto* x = group->add_subcommand("delete", "Delete a stack (its components stay)");
  x->add_option("name", *name, "Stack name or ID")->required();
  x->add_flag("-y,--yes")->description("Do not ask for confirmation (there is none)");
  OnRun(*x, state, [&state, name]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto s = (*backend)->GetStack(*name);
    if (!s) return tl::unexpected(s.error());
    if (auto r = (*backend)->DeleteStack(s->id); !r) return r;
    std::cout << "Deleted stack '" << s->name << "'.\n";
    return {};
  });
}

}  // namespace latchkey::cli
