// Loading an optional shared library with dlopen on first use instead of at process start.
// libcurl and libpq each pull in some twenty libraries (GnuTLS, Kerberos, LDAP, ...) whose
// loading and relocation dominated the start-up of every command, while most commands never make
// an outbound request or open a PostgreSQL store.
#pragma once

#include <string>

#include "common/error.h"

namespace latchkey {

class SharedLibrary {
 public:
  // Loads `soname` for the life of the process (never unloaded: callers keep function pointers).
  // The error names the library and `package`, the Debian package that installs it.
  static Result<SharedLibrary> Open(char const* soname, char const* package);

  // Sets `out` to the function `name`; false when the library lacks it.
  template <class F>
  bool Resolve(char const* name, F& out) const {
    out = reinterpret_cast<F>(Symbol(name));
    return out != nullptr;
  }

 private:
  explicit SharedLibrary(void* handle) : handle_(handle) {}
  void* Symbol(char const* name) const;

  void* handle_;
};

// The table of functions `load` resolves, built once per process (thread-safe) and kept for its
// life, failure included: a missing library is reported the same way on every use.
template <class Table>
Result<Table const*> LoadOnce(Result<Table> (*load)()) {
  static auto const* loaded = new Result<Table>(load());
  if (!*loaded) return tl::unexpected(loaded->error());
  return &**loaded;
}

}  // namespace latchkey
