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

}  // namespace latchkey::cli
