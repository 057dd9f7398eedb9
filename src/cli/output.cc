#include "cli/output.h"

#include <yaml-cpp/yaml.h>

#include <iostream>

namespace latchkey::cli {
namespace {

void Emit(YAML::Emitter& out, nlohmann::json const& v) {
  if (v.is_object()) {
    out << YAML::BeginMap;
    for (auto const& [k, item] : v.items()) {
      out << YAML::Key << k << YAML::Value;
      Emit(out, item);
    }
    out << YAML::EndMap;
  } else if (v.is_array()) {
    out << YAML::BeginSeq;
    for (auto const& item : v) Emit(out, item);
    out << YAML::EndSeq;
  } else if (v.is_string()) {
    out << YAML::DoubleQuoted << v.get<std::string>();
  } else if (v.is_null()) {
    out << YAML::Null;
  } else {
    out << v.dump();
  }
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string const& text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "yaml") return OutputFormat::kYaml;
  return Fail(ErrorCode::kInvalidArgument,
              "unknown output format '" + text + "'; use table, json or yaml");
}

std::string ToYaml(nlohmann::json const& value) {
  YAML::Emitter out;
  Emit(out, value);
  return std::string(out.c_str()) + "\n";
}

void PrintStructured(OutputFormat format, nlohmann::json const& value) {
  if (format == OutputFormat::kYaml) {
    std::cout << ToYaml(value);
  } else {
    std::cout << value.dump(2) << "\n";
  }
}

JsonArrayWriter::JsonArrayWriter() { std::cout << "["; }

void JsonArrayWriter::Add(nlohmann::json const& element) {
  std::string text = element.dump(2);
  std::string indented;
  indented.reserve(text.size() + text.size() / 8 + 4);
  indented += first_ ? "\n  " : ",\n  ";
  // Re-indent by two spaces, appending whole lines rather than characters.
  size_t start = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    indented.append(text, start, nl + 1 - start);
    indented += "  ";
    start = nl + 1;
  }
  indented.append(text, start, std::string::npos);
  std::cout << indented;
  first_ = false;
}

JsonArrayWriter::~JsonArrayWriter() { std::cout << (first_ ? "]\n" : "\n]\n"); }

}  // namespace latchkey::cli
