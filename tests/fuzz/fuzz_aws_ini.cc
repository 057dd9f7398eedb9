// The AWS CLI's shared files (~/.aws/config and ~/.aws/credentials) as Latchkey reads them:
// ParseIni, LoadProfile and the auto-configuration that follows profiles (source_profile,
// role_arn; STS answers come from a scripted peer), and as it rewrites them for `login`: writing
// a profile into a user's file keeps every other section and reads back as written.
// Input: byte 0 picks the mode, then profile NUL config-file NUL credentials-file NUL value.
#include "common/ini_file.h"
#include "common/strings.h"
#include "connectors/aws/aws_auto_configure.h"
#include "connectors/aws/aws_config_files.h"
#include "core/context.h"
#include "fuzz_util.h"

namespace {

using latchkey::IniFile;
using latchkey::fuzz::ScratchDir;
using latchkey::fuzz::WriteScratchFile;

void CheckParsed(IniFile const& file, std::string const& text) {
  for (auto const& [name, section] : file) {
    FUZZ_CHECK(name.find('\n') == std::string::npos, text);
    for (auto const& [key, value] : section) {
      FUZZ_CHECK(key.find('\n') == std::string::npos && value.find('\n') == std::string::npos,
                 text);
      FUZZ_CHECK(!value.empty() && latchkey::Trim(value) == value, text);
    }
  }
}

IniFile WithoutSection(IniFile file, std::string const& name) {
  file.erase(name);
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 8192) return 0;
  auto fields = latchkey::fuzz::SplitFields(data + 1, size - 1, 4);
  std::string const& profile = fields[0];
  IniFile config = latchkey::ParseIni(fields[1]);
  CheckParsed(config, fields[1]);
  CheckParsed(latchkey::ParseIni(fields[2]), fields[2]);

  std::string config_path = ScratchDir() + "/config", credentials_path = ScratchDir() + "/creds";
  WriteScratchFile(config_path, fields[1]);
  WriteScratchFile(credentials_path, fields[2]);
  latchkey::Environment env({{"AWS_CONFIG_FILE", config_path},
                             {"AWS_SHARED_CREDENTIALS_FILE", credentials_path},
                             {"AWS_PROFILE", profile},
                             {"HOME", ScratchDir()}});
  if (data[0] % 2 == 0) {
    (void)latchkey::aws::LoadProfile(env, profile);
    latchkey::fuzz::ScriptedHttp http;
    http.response.status = 200;
    http.response.body = fields[3];
    latchkey::Context ctx{http, latchkey::TimePoint(std::chrono::seconds(1767225600)), env};
    (void)latchkey::aws::AutoConfigureAws(ctx, std::nullopt, std::nullopt, std::nullopt);
    return 0;
  }
  // `login` writes a profile whose values come from a connector (another user's, when shared).
  latchkey::IniSection written = {{"region", fields[3]}, {"output", "json"}};
  latchkey::IniSection keys = {{"aws_access_key_id", "AKIAFUZZEXAMPLE0KEY1"}};
  if (!latchkey::aws::WriteProfile(env, profile, keys, written)) return 0;
  std::string section_name = profile == "default" ? "default" : "profile " + profile;
  std::string after;
  latchkey::ReadFile(config_path, after);
  IniFile reread = latchkey::ParseIni(after);
  FUZZ_CHECK(WithoutSection(reread, section_name) == WithoutSection(config, section_name), after);
  latchkey::IniSection loaded = latchkey::aws::LoadProfile(env, profile);
  latchkey::IniSection expected = keys;  // empty values are left out
  for (auto const& [k, v] : written) {
    if (!v.empty()) expected[k] = v;
  }
  FUZZ_CHECK(loaded == expected, after);
  return 0;
}
