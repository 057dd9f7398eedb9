#include "cli/secret_export.h"

#include <yaml-cpp/yaml.h>

#include "common/file_util.h"

namespace latchkey::cli {

std::string SecretValuesYaml(std::map<std::string, std::string> const& values) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (auto const& [k, v] : values) {
    out << YAML::Key << YAML::DoubleQuoted << k << YAML::Value << YAML::DoubleQuoted << v;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

Result<void> WriteSecretExport(std::string const& path, std::string const& yaml, bool overwrite) {
  auto written =
      WriteFileAtomic(path, yaml, 0600, overwrite ? FileReplace::kReplace : FileReplace::kKeep);
  if (!written && written.error().code == ErrorCode::kAlreadyExists) {
    return Fail(ErrorCode::kAlreadyExists, path + " exists; pass --overwrite to replace it");
  }
  return written;
}

}  // namespace latchkey::cli
