#include "common/shared_library.h"

#include <dlfcn.h>

namespace latchkey {

Result<SharedLibrary> SharedLibrary::Open(char const* soname, char const* package) {
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    return Fail(ErrorCode::kUnavailable,
                std::string("cannot load ") + soname + " (install " + package + "): " + dlerror());
  }
  return SharedLibrary(handle);
}

void* SharedLibrary::Symbol(char const* name) const { return dlsym(handle_, name); }

}  // namespace latchkey
