// Parses Prometheus text exposition for tests, checking the format as it goes: every sample
// belongs to a family announced by HELP and TYPE lines before it.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace latchkey::server::testing {

// "name{labels}" -> value. Adds a test failure for a malformed line.
inline std::map<std::string, double> ParseExposition(std::string const& text) {
  std::map<std::string, double> samples;
  std::set<std::string> typed;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream fields(line.substr(7));
      std::string name, type;
      fields >> name >> type;
      EXPECT_TRUE(type == "counter" || type == "gauge" || type == "histogram") << line;
      typed.insert(name);
      continue;
    }
    size_t space = line.rfind(' ');
    if (space == std::string::npos) {
      ADD_FAILURE() << "not a sample: " << line;
      continue;
    }
    std::string series = line.substr(0, space);
    std::string name = series.substr(0, series.find('{'));
    bool announced = typed.count(name) > 0;
    for (std::string suffix : {"_bucket", "_sum", "_count"}) {
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        announced = announced || typed.count(name.substr(0, name.size() - suffix.size())) > 0;
      }
    }
    EXPECT_TRUE(announced) << "sample before its TYPE line: " << line;
    std::string value = line.substr(space + 1);
    char* end = nullptr;
    double parsed = std::strtod(value.c_str(), &end);
    EXPECT_TRUE(end != nullptr && *end == '\0') << line;
    EXPECT_EQ(samples.count(series), 0u) << "duplicate series: " << line;
    samples[series] = parsed;
  }
  return samples;
}

}  // namespace latchkey::server::testing
