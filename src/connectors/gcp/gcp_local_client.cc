#include "connectors/gcp/gcp_local_client.h"

#include <fmt/format.h>

#include "common/file_util.h"
#include "common/ini_file.h"
#include "common/strings.h"
#include "connectors/gcp/gcp_spec.h"

namespace latchkey::gcp {
namespace {

std::string RenderIni(IniFile const& ini) {
  std::string out;
  for (auto const& [name, section] : ini) {
    if (!out.empty()) out += "\n";
    out += "[" + name + "]\n";
    for (auto const& [k, v] : section) out += k + " = " + v + "\n";
  }
  return out;
}

std::string ActiveConfiguration(std::string const& dir) {
  std::string name;
  if (!ReadFile(dir + "/active_config", name) || Trim(name).empty()) return "default";
  return Trim(name);
}

}  // namespace

std::string GcloudConfigDir(Environment const& env) {
  if (auto dir = NonEmpty(env.Get("CLOUDSDK_CONFIG"))) return *dir;
  return env.Home() + "/.config/gcloud";
}

Result<std::string> ConfigureGcloud(Context& ctx, Connector const& client) {
  std::string dir = GcloudConfigDir(ctx.env), name = ActiveConfiguration(dir);
  // A subdirectory of gcloud's own that only Latchkey writes: LATCHKEY_HOME keeps no plaintext
  // credential, and what gcloud reads lives with gcloud.
  std::string own = dir + "/latchkey";
  if (auto ok = EnsureDirectory(own); !ok) return tl::unexpected(ok.error());
  std::string properties = dir + "/configurations/config_" + name;
  std::string text;
  IniFile ini = ReadFile(properties, text) ? ParseIni(text) : IniFile{};
  std::string project = client.Value("project_id").value_or("");
  if (!project.empty()) ini["core"]["project"] = project;

  std::string what;
  if (client.auth_method == kOAuth2Token) {
    std::string path = own + "/access_token";
    if (auto ok = WriteFileAtomic(path, client.Value("token").value_or("") + "\n"); !ok) {
      return tl::unexpected(ok.error());
    }
    ini["auth"]["access_token_file"] = path;
    ini["auth"].erase("credential_file_override");
    what = "an access token from " + path;
    if (client.expires_at) {
      auto left = std::chrono::duration_cast<std::chrono::seconds>(*client.expires_at - ctx.now);
      what += " (expires in " + FormatDuration(left) + "; run login again then)";
    }
  } else {
    std::string field = client.auth_method == kUserAccount       ? "user_account_json"
                        : client.auth_method == kExternalAccount ? "external_account_json"
                                                                 : "service_account_json";
    auto content = client.Value(field);
    if (!content) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "the client connector carries no credentials gcloud can use");
    }
    std::string path = own + "/credentials.json";
    if (auto ok = WriteFileAtomic(path, *content); !ok) return tl::unexpected(ok.error());
    if (auto ok = WriteFileAtomic(dir + "/application_default_credentials.json", *content); !ok) {
      return tl::unexpected(ok.error());
    }
    ini["auth"]["credential_file_override"] = path;
    ini["auth"].erase("access_token_file");
    what = "the credentials in " + path + " (also written as gcloud's ADC file)";
  }
  if (auto ok = EnsureDirectory(dir + "/configurations"); !ok) return tl::unexpected(ok.error());
  // Without active_config, gcloud's first run "migrates" a legacy properties file over the
  // configuration, emptying what was written here.
  std::string active;
  if (!ReadFile(dir + "/active_config", active)) {
    if (auto ok = WriteFileAtomic(dir + "/active_config", name); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  if (auto ok = WriteFileAtomic(properties, RenderIni(ini)); !ok) {
    return tl::unexpected(ok.error());
  }
  return fmt::format("gcloud configuration '{}' ({}) now uses {}{}", name, dir, what,
                     project.empty() ? "" : " for project " + project);
}

}  // namespace latchkey::gcp
