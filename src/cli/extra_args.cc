#include "cli/extra_args.h"

#include <filesystem>
#include <optional>

#include "common/file_util.h"
#include "common/inert_text.h"
#include "common/strings.h"
#include "core/input_limits.h"

namespace latchkey::cli {
namespace {

// The path as upstream prints it: absolute, so the user sees which file was read wherever the
// command ran; left as given when it cannot be made absolute (the read then fails anyway).
std::string AbsolutePathText(std::string const& path) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

Result<std::string> ExpandValue(std::string const& name, std::string const& value,
                                std::ostream& notes) {
  if (StartsWith(value, "@@")) return value.substr(1);
  if (!StartsWith(value, "@")) {
    if (auto r = CheckValueSize("--" + name, value.size()); !r) return tl::unexpected(r.error());
    return value;
  }
  auto contents = ReadUserFile(value.substr(1), kMaxValueBytes, "--" + name);
  if (!contents) return tl::unexpected(contents.error());
  notes << InertText("Expanding argument value " + name + " to contents of file " +
                     AbsolutePathText(value.substr(1)) + ".")
        << "\n";
  return contents;
}

}  // namespace

Result<std::map<std::string, std::string>> ParseAttributeArgs(std::vector<std::string> const& args,
                                                              std::ostream& notes) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string const& arg = args[i];
    if (!StartsWith(arg, "--") || arg.size() == 2) {
      return Fail(ErrorCode::kInvalidArgument,
                  "unexpected argument '" + arg + "'; attributes are given as --name=value");
    }
    std::string name, value;
    auto eq = arg.find('=');
    if (eq != std::string::npos) {
      name = arg.substr(2, eq - 2);
      value = arg.substr(eq + 1);
    } else {
      name = arg.substr(2);
      if (i + 1 >= args.size() || StartsWith(args[i + 1], "--")) {
        return Fail(ErrorCode::kInvalidArgument, "attribute --" + name + " needs a value");
      }
      value = args[++i];
    }
    for (char& ch : name) {
      if (ch == '-') ch = '_';
    }
    if (out.count(name)) {
      // Keeping either value silently would be a guess at which one was meant.
      return Fail(ErrorCode::kInvalidArgument, "attribute --" + name + " is given more than once");
    }
    auto expanded = ExpandValue(name, value, notes);
    if (!expanded) return tl::unexpected(expanded.error());
    out[name] = *expanded;
  }
  return out;
}

Result<std::map<std::string, std::optional<std::string>>> ParseLabels(
    std::vector<std::string> const& labels) {
  std::map<std::string, std::optional<std::string>> out;
  for (auto const& l : labels) {
    auto eq = l.find('=');
    std::string key = eq == std::string::npos ? l : l.substr(0, eq);
    if (key.empty()) return Fail(ErrorCode::kInvalidArgument, "invalid label '" + l + "'");
    out[key] =
        eq == std::string::npos ? std::nullopt : std::optional<std::string>(l.substr(eq + 1));
  }
  return out;
}

}  // namespace latchkey::cli
