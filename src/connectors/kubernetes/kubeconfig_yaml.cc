#include "connectors/kubernetes/kubeconfig_yaml.h"

#include <array>
#include <cctype>
#include <string_view>

#include "common/strings.h"

namespace latchkey {
namespace {

constexpr std::string_view kPlainTag = "?";
constexpr std::string_view kNonPlainTag = "!";
constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

// Over-quoting is harmless, under-quoting changes the type: any string that a YAML 1.1 reader
// (go-yaml, used by kubectl) might resolve to a bool, null, number or date is quoted.
bool PlainFormChangesType(std::string const& s) {
  if (s.empty()) return true;
  static constexpr std::array<std::string_view, 10> kWords = {"true", "false", "yes", "no",   "on",
                                                              "off",  "y",     "n",   "null", "~"};
  std::string lower = ToLower(s);
  for (auto word : kWords) {
    if (lower == word) return true;
  }
  char first = s.front();
  return std::isdigit(static_cast<unsigned char>(first)) || first == '+' || first == '-' ||
         first == '.';
}

bool TagWritable(std::string const& tag) {
  std::string_view suffix = tag;
  if (StartsWith(tag, kCoreTagPrefix)) suffix.remove_prefix(kCoreTagPrefix.size());
  if (suffix.empty()) return false;
  for (char c : suffix) {
    bool uri_char = std::isalnum(static_cast<unsigned char>(c)) ||
                    std::string_view("-._~:/?#@!$&'()*+,;=%").find(c) != std::string_view::npos;
    if (!uri_char) return false;
  }
  return true;
}

void EmitScalar(YAML::Emitter& out, YAML::Node const& node) {
  std::string const& tag = node.Tag();
  std::string const& value = node.Scalar();
  if (tag == kPlainTag) {
    out << value;
    return;
  }
  bool is_string = tag.empty() || tag == kNonPlainTag || tag == std::string(kCoreTagPrefix) + "str";
  // Only a tag that reads back as itself is kept (yaml-cpp accepts `!!` alone, with an empty
  // suffix, and would write it so that it no longer parses); any other is dropped.
  if (!is_string && TagWritable(tag)) {
    if (StartsWith(tag, kCoreTagPrefix)) {
      out << YAML::SecondaryTag(tag.substr(kCoreTagPrefix.size()));
    } else {
      out << YAML::VerbatimTag(tag);
    }
    out << value;
    return;
  }
  if (PlainFormChangesType(value)) out << YAML::DoubleQuoted;
  out << value;
}

void EmitNode(YAML::Emitter& out, YAML::Node const& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      out << YAML::BeginMap;
      for (auto const& entry : node) {
        // YAML bounds an implicit key at 1024 characters (escapes count), and yaml-cpp writes
        // every key implicitly unless told: a long one is written as an explicit `? key`.
        bool long_key = !entry.first.IsScalar() || entry.first.Scalar().size() > 200;
        if (long_key) out << YAML::LongKey;
        out << YAML::Key;
        EmitNode(out, entry.first);
        out << YAML::Value;
        EmitNode(out, entry.second);
      }
      out << YAML::EndMap;
      return;
    case YAML::NodeType::Sequence:
      out << YAML::BeginSeq;
      for (auto const& item : node) EmitNode(out, item);
      out << YAML::EndSeq;
      return;
    case YAML::NodeType::Scalar:
      EmitScalar(out, node);
      return;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out << YAML::Null;
      return;
  }
}

}  // namespace

Result<YAML::Node> ParseKubeconfigYaml(std::string const& text, std::string const& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (YAML::Exception const& e) {
    // e.msg is yaml-cpp's fixed reason text; the position tells the user where to look.
    std::string where = e.mark.is_null() ? ""
                                         : " at line " + std::to_string(e.mark.line + 1) +
                                               ", column " + std::to_string(e.mark.column + 1);
    return Fail(ErrorCode::kInvalidArgument,
                "cannot parse kubeconfig " + source + where + ": " + e.msg);
  } catch (std::exception const&) {
    return Fail(ErrorCode::kInvalidArgument, "cannot parse kubeconfig " + source);
  }
  if (!root.IsDefined() || root.IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) {
    return Fail(ErrorCode::kInvalidArgument,
                "kubeconfig " + source + " is not a YAML mapping (apiVersion, clusters, ...)");
  }
  return root;
}

bool IsYamlMap(YAML::Node const& node) { return node.IsDefined() && node.IsMap(); }

bool IsYamlSequence(YAML::Node const& node) { return node.IsDefined() && node.IsSequence(); }

YAML::Node YamlChild(YAML::Node const& map, std::string const& key) {
  if (!IsYamlMap(map)) return YAML::Node(YAML::NodeType::Undefined);
  YAML::Node const value = map[key];
  if (!value.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
  return value;
}

std::optional<std::string> YamlString(YAML::Node const& map, std::string const& key) {
  YAML::Node const value = YamlChild(map, key);
  if (!value.IsDefined() || !value.IsScalar()) return std::nullopt;
  return value.Scalar();
}

bool YamlBool(YAML::Node const& map, std::string const& key) {
  auto value = YamlString(map, key);
  if (!value) return false;
  std::string v = ToLower(Trim(*value));
  return v == "true" || v == "yes" || v == "on" || v == "y";
}

YAML::Node FindNamedEntry(YAML::Node const& list, std::string const& name) {
  if (IsYamlSequence(list)) {
    for (auto const& entry : list) {
      if (YamlString(entry, "name") == name) return entry;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node PlainYamlScalar(std::string const& text) {
  YAML::Node node(text);
  node.SetTag(std::string(kPlainTag));
  return node;
}

std::string EmitKubeconfigYaml(YAML::Node const& root) {
  YAML::Emitter out;
  out.SetIndent(2);
  EmitNode(out, root);
  return std::string(out.c_str()) + "\n";
}

}  // namespace latchkey
