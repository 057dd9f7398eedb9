#include "core/context.h"

#include "common/strings.h"

extern char** environ;

namespace latchkey {

Environment Environment::FromProcess() {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return Environment(std::move(vars));
}

std::optional<std::string> Environment::Get(std::string const& name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

std::string LatchkeyHome(Environment const& env) {
  auto home = env.Get("LATCHKEY_HOME");
  if (home && !home->empty()) return *home;
  return env.Home() + "/.latchkey";
}

bool ImplicitAuthEnabled(Environment const& env) {
  auto v = env.Get("LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS");
  return v && IsTruthy(*v);
}

std::string Environment::Home() const {
  auto h = Get("HOME");
  return h && !h->empty() ? *h : "/";
}

}  // namespace latchkey
