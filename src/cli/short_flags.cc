#include "cli/short_flags.h"

#include <string_view>

namespace latchkey::cli {
namespace {

struct MultiLetterFlag {
  std::string_view short_form;
  std::string_view long_form;
};

constexpr MultiLetterFlag kFlags[] = {{"-ri", "--resource-id"}};

}  // namespace

std::vector<std::string> ExpandMultiLetterFlags(std::vector<std::string> args) {
  for (auto& arg : args) {
    if (arg == "--") break;  // the rest belongs to another command (`exec ... -- cmd -ri`)
    for (auto const& f : kFlags) {
      if (arg == f.short_form) {
        arg = std::string(f.long_form);
      } else if (arg.size() > f.short_form.size() && arg.starts_with(f.short_form) &&
                 arg[f.short_form.size()] == '=') {
        arg = std::string(f.long_form) + arg.substr(f.short_form.size());
      }
    }
  }
  return args;
}

}  // namespace latchkey::cli
