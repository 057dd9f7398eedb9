#include "cli/completion_scripts.h"

namespace latchkey::cli {
namespace {

// A program typed as a path is asked itself; otherwise `latchkey` from PATH. Candidates that
// are not flags are quoted with %q, so a name with a space or `;` is inserted as one word.
constexpr char kBash[] = R"(# bash completion for latchkey: source <(latchkey completion bash)
_latchkey_complete() {
  local program=${COMP_WORDS[0]} line quoted
  [[ $program == */* && -x $program ]] || program=latchkey
  COMPREPLY=()
  while IFS= read -r line; do
    [[ -n $line ]] || continue
    if [[ $line == -* ]]; then
      COMPREPLY+=("$line")
    else
      printf -v quoted '%q' "$line"
      COMPREPLY+=("$quoted")
    fi
  done < <("$program" __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
}
complete -o default -F _latchkey_complete latchkey
)";

// compadd quotes what it inserts. Sourced after compinit it registers itself; saved as
// `_latchkey` in $fpath it is autoloaded and runs.
constexpr char kZsh[] = R"(#compdef latchkey
# zsh completion for latchkey: source <(latchkey completion zsh) after compinit,
# or save it as _latchkey in a directory of $fpath.
_latchkey() {
  local program=${words[1]}
  [[ $program == */* && -x $program ]] || program=latchkey
  local -a candidates
  candidates=("${(@f)$("$program" __complete -- "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=(${candidates:#})
  if (( ${#candidates} )); then
    compadd -a candidates
  elif (( $+functions[_files] )); then
    _files
  fi
}
if [[ ${funcstack[1]-} == _latchkey ]]; then
  _latchkey "$@"
elif (( $+functions[compdef] )); then
  compdef _latchkey latchkey
fi
)";

}  // namespace

std::optional<std::string> CompletionScript(std::string_view shell) {
  if (shell == "bash") return std::string(kBash);
  if (shell == "zsh") return std::string(kZsh);
  return std::nullopt;
}

}  // namespace latchkey::cli
