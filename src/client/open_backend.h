// Where a program's connector calls go, decided the way the CLI decides it: LATCHKEY_URL plus
// LATCHKEY_API_TOKEN, else the session `latchkey login` saved ($LATCHKEY_HOME/remote.json), else
// the embedded store under $LATCHKEY_HOME.
#pragma once

#include <memory>

#include "core/context.h"
#include "service/backend.h"

namespace latchkey {

Result<std::unique_ptr<Backend>> OpenConfiguredBackend(Environment const& env);

// Whether OpenConfiguredBackend would find a server session or an existing embedded store,
// rather than create a store (and $LATCHKEY_HOME): shell completion looks names up only then,
// so pressing TAB never leaves files behind.
bool ConfiguredBackendExists(Environment const& env);

}  // namespace latchkey
