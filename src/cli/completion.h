// Shell completion: the candidates for the word being typed. Commands and flags come from the
// CLI11 tree itself, so completion never falls behind it; values come from the catalogue
// (connector types, auth methods, resource types) and from the user's store or server
// (connector and secret names), through `sources`. The shell scripts (completion_scripts.h)
// only pass the words on and show the answer.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace latchkey::cli {

struct CompletionSources {
  // Names starting with the prefix; a failure is an empty list (completion never prints errors).
  std::function<std::vector<std::string>(std::string const& prefix)> connectors;
  std::function<std::vector<std::string>(std::string const& prefix)> secrets;
};

// `words`: what follows the program name, the last being the word under the cursor (empty when
// a new word is begun). Returns sorted candidates starting with that word. Names that are not
// inert text (control characters, bidi overrides) are never offered: they could not be typed
// back anyway, and must not reach the terminal.
std::vector<std::string> CompleteCommandLine(CLI::App const& root, std::vector<std::string> words,
                                             CompletionSources const& sources);

}  // namespace latchkey::cli
