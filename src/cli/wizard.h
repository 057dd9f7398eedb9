// `register -i`: asks for each setting in turn. Reads answers line by line, so it works on a
// terminal (secrets not echoed) and with answers piped to stdin.
#pragma once

#include <istream>
#include <ostream>

#include "service/backend.h"

namespace latchkey::cli {

// Completes `seed` (values already given on the command line are not asked again), verifies the
// result and lets the user pick a resource ID. Returns the request ready to register.
Result<RegisterRequest> RunRegisterWizard(Backend& backend, RegisterRequest seed, std::istream& in,
                                          std::ostream& out);

}  // namespace latchkey::cli
