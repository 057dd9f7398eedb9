// The docker credential helper's inputs: the server URL docker writes to stdin (get, erase) and
// the helper's registration file under $LATCHKEY_HOME. `get` is exercised up to the lookup
// (issuing would reach a store or a server); `erase`, `list` and `store` run whole. Every answer
// the helper writes is one line.
// Input: byte 0 picks the action, then registrations-file NUL stdin.
#include <sstream>

#include "cli/docker_credential_helper.h"
#include "cli/docker_helper_registry.h"
#include "common/strings.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 8192) return 0;
  auto fields = latchkey::fuzz::SplitFields(data + 1, size - 1, 2);
  std::string home = latchkey::fuzz::ScratchDir() + "/home";
  std::filesystem::create_directories(home);
  latchkey::Environment env({{"LATCHKEY_HOME", home},
                             {"HOME", latchkey::fuzz::ScratchDir()},
                             {"LATCHKEY_STORE_URL", home + "/no-such-dir/latchkey.db"}});
  latchkey::fuzz::WriteScratchFile(latchkey::cli::HelperRegistryPath(env), fields[0]);
  static char const* const kActions[] = {"get", "erase", "list", "store", "version"};
  std::string action = kActions[data[0] % 5];
  if (action == "get") {
    auto entries = latchkey::cli::LoadHelperRegistrations(env);
    if (entries) {
      (void)latchkey::cli::FindHelperRegistration(*entries, latchkey::Trim(fields[1]));
      FUZZ_CHECK(latchkey::cli::SaveHelperRegistrations(env, *entries).has_value(), fields[0]);
      auto again = latchkey::cli::LoadHelperRegistrations(env);
      FUZZ_CHECK(again && again->size() == entries->size(), fields[0]);
    }
    return 0;
  }
  std::istringstream in(fields[1]);
  std::ostringstream out;
  int status = latchkey::cli::RunDockerCredentialHelper({action}, env, in, out);
  std::string answer = out.str();
  if (status != 0 || action != "erase") {
    FUZZ_CHECK(!answer.empty() && answer.back() == '\n', answer);
    FUZZ_CHECK(answer.find('\n') == answer.size() - 1, answer);
  }
  return 0;
}
