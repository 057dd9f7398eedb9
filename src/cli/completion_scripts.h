// The bash and zsh completion scripts `latchkey completion SHELL` prints. Both ask
// `latchkey __complete -- WORDS...` for the candidates (cli/completion.h) and add what it prints
// line by line, never through `eval` or `compgen -W`, which would expand a `$(...)` in a name
// another user chose.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace latchkey::cli {

// nullopt for a shell without a script.
std::optional<std::string> CompletionScript(std::string_view shell);

}  // namespace latchkey::cli
