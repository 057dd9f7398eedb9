// The AWS CLI's shared files: ~/.aws/credentials ([name] sections) and ~/.aws/config
// ([default] and [profile name] sections), with the environment overrides AWS_PROFILE,
// AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE. Read to auto-configure connectors and
// written (merged, other profiles kept) by `login`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/ini_file.h"
#include "core/context.h"

namespace latchkey::aws {

using latchkey::IniFile;
using latchkey::IniSection;
using latchkey::ParseIni;

std::string CredentialsFilePath(Environment const& env);
std::string ConfigFilePath(Environment const& env);
std::string ProfileName(Environment const& env);  // AWS_PROFILE, else "default"

// The merged settings of `profile`: config-file values overlaid by credentials-file values.
IniSection LoadProfile(Environment const& env, std::string const& profile);

// Writes `values` into `profile` of the credentials file (keys) and the config file (region,
// endpoint_url), keeping every other profile, comment and setting byte for byte. Atomic, 0600.
Result<void> WriteProfile(Environment const& env, std::string const& profile,
                          IniSection const& credentials, IniSection const& config);

// Writes `config` (e.g. credential_process, region) as `profile` of the config file and removes
// the profile's section from the credentials file, whose keys the SDKs would prefer. Same
// guarantees as WriteProfile.
Result<void> WriteProcessProfile(Environment const& env, std::string const& profile,
                                 IniSection const& config);

// `argv` as one POSIX shell command line: the SDKs split credential_process that way (botocore
// with shlex, the Go SDK through `sh -c`).
std::string ShellQuote(std::vector<std::string> const& argv);

}  // namespace latchkey::aws
