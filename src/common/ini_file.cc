#include "common/ini_file.h"

#include "common/strings.h"

namespace latchkey {

IniFile ParseIni(std::string const& text) {
  IniFile file;
  std::string section;
  bool in_nested = false;
  for (auto const& raw : Split(text, '\n')) {
    std::string line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = Trim(line.substr(1, line.size() - 2));
      file[section];
      in_nested = false;
      continue;
    }
    bool indented = !raw.empty() && (raw[0] == ' ' || raw[0] == '\t');
    if (indented && in_nested) continue;  // e.g. "s3 =\n  addressing_style = path"
    auto eq = line.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    std::string key = Trim(line.substr(0, eq)), value = Trim(line.substr(eq + 1));
    in_nested = value.empty();
    if (!in_nested) file[section][key] = value;
  }
  return file;
}

}  // namespace latchkey
