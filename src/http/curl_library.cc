#include "http/curl_library.h"

#include <dlfcn.h>

#include <mutex>

namespace latchkey {
namespace {

template <class F>
bool ResolveSymbol(void* handle, char const* name, F& out) {
  out = reinterpret_cast<F>(dlsym(handle, name));
  return out != nullptr;
}

Result<CurlLibrary> Load() {
  // The soname of Debian's libcurl4-openssl (libcurl.so.4); the library stays loaded for the
  // life of the process.
  void* handle = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    return Fail(ErrorCode::kUnavailable,
                std::string("cannot load libcurl (install libcurl4): ") + dlerror());
  }
  CurlLibrary lib{};
  CURLcode (*global_init)(long) = nullptr;
  bool ok = ResolveSymbol(handle, "curl_global_init", global_init) &&
            ResolveSymbol(handle, "curl_easy_init", lib.easy_init) &&
            ResolveSymbol(handle, "curl_easy_cleanup", lib.easy_cleanup) &&
            ResolveSymbol(handle, "curl_easy_setopt", lib.easy_setopt) &&
            ResolveSymbol(handle, "curl_easy_perform", lib.easy_perform) &&
            ResolveSymbol(handle, "curl_easy_getinfo", lib.easy_getinfo) &&
            ResolveSymbol(handle, "curl_easy_strerror", lib.easy_strerror) &&
            ResolveSymbol(handle, "curl_slist_append", lib.slist_append) &&
            ResolveSymbol(handle, "curl_slist_free_all", lib.slist_free_all);
  if (!ok) return Fail(ErrorCode::kUnavailable, "the installed libcurl lacks required functions");
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return Fail(ErrorCode::kUnavailable, "libcurl failed to initialise");
  }
  return lib;
}

}  // namespace

Result<CurlLibrary const*> LoadCurlLibrary() {
  static Result<CurlLibrary> const* loaded = nullptr;
  static std::once_flag once;
  std::call_once(once, [] { loaded = new Result<CurlLibrary>(Load()); });
  if (!*loaded) return tl::unexpected(loaded->error());
  return &**loaded;
}

}  // namespace latchkey
