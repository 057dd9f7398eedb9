// `artifact-store cp | ls`: bytes in and out of an artifact store, through the credentials its
// service connector issues to this caller (in remote mode: short-lived ones from the server).
#include <iostream>

#include "cli/app.h"
#include "cli/progress_bar.h"
#include "cli/text_table.h"
#include "service/service_state.h"
#include "stack/artifact_store.h"

namespace latchkey::cli {
namespace {

struct StoreRef {
  std::string store;
  std::string key;
};

// "NAME:KEY" names an object of a store; anything else is a local path. A local path that
// contains ':' can be written ./a:b.
std::optional<StoreRef> ParseStoreRef(std::string const& arg) {
  if (arg.starts_with("/") || arg.starts_with("./") || arg.starts_with("../")) return std::nullopt;
  size_t colon = arg.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  return StoreRef{arg.substr(0, colon), arg.substr(colon + 1)};
}

Result<std::unique_ptr<ArtifactStore>> Open(CliState& state, Context& ctx,
                                            std::string const& name) {
  auto backend = state.backend();
  if (!backend) return tl::unexpected(backend.error());
  auto component = (*backend)->GetComponent(ComponentType::kArtifactStore, name);
  if (!component) return tl::unexpected(component.error());
  return OpenArtifactStore(**backend, ctx, *component, LatchkeyHome(state.env()));
}

Result<void> Copy(CliState& state, std::string const& from, std::string const& to) {
  auto source = ParseStoreRef(from);
  auto dest = ParseStoreRef(to);
  if (source.has_value() == dest.has_value()) {
    return Fail(ErrorCode::kInvalidArgument,
                "copy between a local file and an artifact store: `cp FILE STORE:KEY` or `cp "
                "STORE:KEY FILE`");
  }
  Context ctx = state.MakeContext();
  auto const& ref = source ? *source : *dest;
  auto store = Open(state, ctx, ref.store);
  if (!store) return tl::unexpected(store.error());
  ProgressBar bar(source ? "download" : "upload");
  auto progress = [&bar](uint64_t done, uint64_t total) { bar.Update(done, total); };
  auto bytes = source ? (*store)->Download(ref.key, to, progress)
                      : (*store)->Upload(from, ref.key, progress);
  if (!bytes) return tl::unexpected(bytes.error());
  if (state.format() != OutputFormat::kTable) {
    PrintStructured(state.format(), {{"from", from}, {"to", to}, {"bytes", *bytes}});
  } else {
    std::cout << "Copied " << *bytes << " bytes from " << from << " to " << to << ".\n";
  }
  return {};
}

Result<void> ListArtifacts(CliState& state, std::string const& name, std::string const& prefix) {
  Context ctx = state.MakeContext();
  auto store = Open(state, ctx, name);
  if (!store) return tl::unexpected(store.error());
  auto entries = (*store)->List(prefix);
  if (!entries) return tl::unexpected(entries.error());
  if (state.format() != OutputFormat::kTable) {
    nlohmann::json out = nlohmann::json::array();
    for (auto const& e : *entries) out.push_back({{"key", e.key}, {"size", e.size}});
    PrintStructured(state.format(), out);
  } else if (entries->empty()) {
    std::cout << "No artifacts found.\n";
  } else {
    TextTable table({"KEY", "SIZE"});
    table.set_row_lines(false);
    for (auto const& e : *entries) table.AddRow({e.key, std::to_string(e.size)});
    std::cout << table.Render();
  }
  return {};
}

}  // namespace

void AddArtifactCommands(CLI::App& group, CliState& state) {
  auto paths = std::make_shared<std::pair<std::string, std::string>>();
  auto* cp = group.add_subcommand("cp",
                                  "Copy a file into (FILE NAME:KEY) or out of an artifact "
                                  "store (NAME:KEY FILE)");
  cp->add_option("source", paths->first, "FILE or NAME:KEY")->required();
  cp->add_option("destination", paths->second, "NAME:KEY or FILE")->required();
  AddOutputOption(*cp, state);
  OnRun(*cp, state, [&state, paths] { return Copy(state, paths->first, paths->second); });

  auto args = std::make_shared<std::pair<std::string, std::string>>();
  auto* ls = group.add_subcommand("ls", "List the artifacts of a store (under PREFIX)");
  ls->add_option("name", args->first, "Artifact store name or ID")->required();
  ls->add_option("prefix", args->second, "Key prefix");
  AddOutputOption(*ls, state);
  OnRun(*ls, state, [&state, args] { return ListArtifacts(state, args->first, args->second); });
}

}  // namespace latchkey::cli
