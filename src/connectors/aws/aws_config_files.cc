#include "connectors/aws/aws_config_files.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/file_util.h"
#include "common/inert_text.h"
#include "common/strings.h"

namespace latchkey::aws {
namespace {

std::string ConfigSectionName(std::string const& profile) {
  return profile == "default" ? "default" : "profile " + profile;
}

IniFile LoadIni(std::string const& path) {
  std::string text;
  if (!ReadFile(path, text)) return {};
  return ParseIni(text);
}

std::string RenderSection(std::string const& name, IniSection const& section) {
  std::string out = "[" + name + "]\n";
  for (auto const& [k, v] : section) {
    if (!v.empty()) out += k + " = " + v + "\n";  // "k =" would open a nested block
  }
  return out;
}

// Replaces section `name` of `text` (header to the next header) and keeps every other byte,
// comments and nested blocks included. A null `section` removes it.
std::string ReplaceSection(std::string const& text, std::string const& name,
                           IniSection const* section) {
  std::vector<std::string> lines = Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string out;
  bool replaced = false, skipping = false;
  for (auto const& line : lines) {
    std::string t = Trim(line);
    bool header = !t.empty() && t.front() == '[' && t.back() == ']';
    if (header) skipping = false;
    if (header && Trim(t.substr(1, t.size() - 2)) == name) {
      if (section) out += RenderSection(name, *section);
      replaced = skipping = true;
      continue;
    }
    if (!skipping) out += line + "\n";
  }
  if (!replaced && section)
    out += (out.empty() || EndsWith(out, "\n\n") ? "" : "\n") + RenderSection(name, *section);
  return out;
}

// What ParseIni would not read back as written is refused, not written: a control character
// (a newline in a value would start a line of its own, e.g. `credential_process = ...`),
// surrounding blanks, or an empty name or a key that holds '=' or starts a comment or a header.
// Empty values are left out when the section is written.
Result<void> CheckIniText(std::string const& path, std::string const& what, std::string const& text,
                          bool key) {
  bool control = std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  bool unreadable = (text.empty() && key) || control || Trim(text) != text ||
                    (key && (text.find('=') != std::string::npos || text[0] == '#' ||
                             text[0] == ';' || text[0] == '['));
  if (!unreadable) return {};
  // Values may be secrets: only names are quoted.
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("cannot write {}{} to {}: it has surrounding blanks or holds "
                          "characters the file cannot keep",
                          what, key ? " " + InertText(text) : "", path));
}

Result<void> WriteSection(std::string const& path, std::string const& name,
                          IniSection const& section) {
  if (auto r = CheckIniText(path, "the section name", name, true); !r) return r;
  for (auto const& [k, v] : section) {
    if (auto r = CheckIniText(path, "the key", k, true); !r) return r;
    if (auto r = CheckIniText(path, "the value of " + InertText(k), v, false); !r) return r;
  }
  std::string text;
  ReadFile(path, text);  // a missing file starts empty
  return WriteFileAtomic(path, ReplaceSection(text, name, &section), 0600);
}

Result<void> RemoveSection(std::string const& path, std::string const& name) {
  std::string text;
  if (!ReadFile(path, text) || !ParseIni(text).count(name)) return {};
  return WriteFileAtomic(path, ReplaceSection(text, name, nullptr), 0600);
}

}  // namespace

std::string CredentialsFilePath(Environment const& env) {
  auto p = env.Get("AWS_SHARED_CREDENTIALS_FILE");
  return p && !p->empty() ? *p : env.Home() + "/.aws/credentials";
}

std::string ConfigFilePath(Environment const& env) {
  auto p = env.Get("AWS_CONFIG_FILE");
  return p && !p->empty() ? *p : env.Home() + "/.aws/config";
}

std::string ProfileName(Environment const& env) {
  auto p = env.Get("AWS_PROFILE");
  return p && !p->empty() ? *p : "default";
}

IniSection LoadProfile(Environment const& env, std::string const& profile) {
  IniSection merged;
  IniFile config = LoadIni(ConfigFilePath(env));
  if (auto it = config.find(ConfigSectionName(profile)); it != config.end()) merged = it->second;
  IniFile credentials = LoadIni(CredentialsFilePath(env));
  if (auto it = credentials.find(profile); it != credentials.end()) {
    for (auto const& [k, v] : it->second) merged[k] = v;
  }
  return merged;
}

Result<void> WriteProfile(Environment const& env, std::string const& profile,
                          IniSection const& credentials, IniSection const& config) {
  // Each section is written whole: stale keys such as an old session token must go.
  if (auto r = WriteSection(CredentialsFilePath(env), profile, credentials); !r) return r;
  return WriteSection(ConfigFilePath(env), ConfigSectionName(profile), config);
}

Result<void> WriteProcessProfile(Environment const& env, std::string const& profile,
                                 IniSection const& config) {
  // Keys in the credentials file would win over credential_process: a static login's go first.
  if (auto r = RemoveSection(CredentialsFilePath(env), profile); !r) return r;
  return WriteSection(ConfigFilePath(env), ConfigSectionName(profile), config);
}

std::string ShellQuote(std::vector<std::string> const& argv) {
  std::string out;
  for (auto const& arg : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !arg.empty() && arg.find_first_not_of(
                                     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                     "qrstuvwxyz0123456789_-./:=@%+,") == std::string::npos;
    if (plain) {
      out += arg;
      continue;
    }
    out += '\'';
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

}  // namespace latchkey::aws
