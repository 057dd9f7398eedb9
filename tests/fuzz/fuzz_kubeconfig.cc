// Kubeconfigs: the reader (KUBECONFIG with two files, a context picked by name or the current
// one) and the writer that merges a cluster into a user's existing file. Whatever the existing
// file holds, the merged text must parse and give back the cluster, user and token written.
// Input: byte 0 picks the mode, then context NUL file-1 NUL file-2 (or the token, to merge).
#include "connectors/kubernetes/kubeconfig_reader.h"
#include "connectors/kubernetes/kubeconfig_writer.h"
#include "connectors/kubernetes/kubeconfig_yaml.h"
#include "fuzz_util.h"

using latchkey::fuzz::ScratchDir;
using latchkey::fuzz::WriteScratchFile;

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 8192) return 0;
  auto fields = latchkey::fuzz::SplitFields(data + 1, size - 1, 3);
  std::string first = ScratchDir() + "/kubeconfig-1", second = ScratchDir() + "/kubeconfig-2";
  if (data[0] % 2 == 0) {
    WriteScratchFile(first, fields[1]);
    WriteScratchFile(second, fields[2]);
    latchkey::Environment env({{"KUBECONFIG", first + ":" + second}, {"HOME", ScratchDir()}});
    std::optional<std::string> context;
    if (!fields[0].empty()) context = fields[0];
    if (auto selection = latchkey::ReadKubeconfigContext(env, context); selection && context) {
      // A name that is no context picks a context by its cluster's name (as for EKS/GKE names).
      FUZZ_CHECK(
          selection->context_name == *context || selection->credentials.cluster_name == *context,
          *context);
    }
    if (auto root = latchkey::ParseKubeconfigYaml(fields[1], first)) {
      std::string emitted = latchkey::EmitKubeconfigYaml(*root);
      FUZZ_CHECK(latchkey::ParseKubeconfigYaml(emitted, first).has_value(), emitted);
    }
    return 0;
  }
  latchkey::KubernetesCredentials creds;
  creds.server = "https://127.0.0.1:6443";
  creds.cluster_name = fields[0];
  creds.token = fields[2];
  auto merged = latchkey::MergeKubeconfigText(fields[1], first, creds);
  if (!merged) return 0;
  WriteScratchFile(first, *merged);
  latchkey::Environment env({{"KUBECONFIG", first}, {"HOME", ScratchDir()}});
  auto selection = latchkey::ReadKubeconfigContext(env, creds.cluster_name);
  FUZZ_CHECK(selection.has_value(), *merged + "\n" + (selection ? "" : selection.error().message));
  FUZZ_CHECK(selection->credentials.server == creds.server, *merged);
  FUZZ_CHECK(selection->credentials.token == creds.token, *merged);
  auto current = latchkey::ReadKubeconfigContext(env, std::nullopt);
  FUZZ_CHECK(current && current->context_name == creds.cluster_name, *merged);
  return 0;
}
