// Which kubeconfig files kubectl uses, so that Latchkey reads and writes the same ones.
#pragma once

#include <string>
#include <vector>

#include "core/context.h"

namespace latchkey {

// The non-empty entries of $KUBECONFIG (':'-separated, in order), else ~/.kube/config.
std::vector<std::string> KubeconfigPaths(Environment const& env);

// Where a local client configuration is written: the first of KubeconfigPaths(), as kubectl
// does for entries it creates.
std::string KubeconfigWritePath(Environment const& env);

}  // namespace latchkey
