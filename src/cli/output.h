// How a command prints: a table for people, or JSON/YAML of the model for programs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/error.h"

namespace latchkey::cli {

enum class OutputFormat { kTable, kJson, kYaml };

Result<OutputFormat> ParseOutputFormat(std::string const& text);
std::string ToYaml(nlohmann::json const& value);
// Prints `value` as JSON or YAML (callers print tables themselves).
void PrintStructured(OutputFormat format, nlohmann::json const& value);

// Prints a JSON array one element at a time, so a long list never holds its whole document
// in memory (the cold `list -o json` over many connectors is a measured path).
class JsonArrayWriter {
 public:
  JsonArrayWriter();
  void Add(nlohmann::json const& element);
  ~JsonArrayWriter();

 private:
  bool first_ = true;
};

}  // namespace latchkey::cli
