#include "http/curl_library.h"

#include "common/shared_library.h"

namespace latchkey {
namespace {

Result<CurlLibrary> Load() {
  // The soname of Debian's libcurl4-openssl.
  auto handle = SharedLibrary::Open("libcurl.so.4", "libcurl4");
  if (!handle) return tl::unexpected(handle.error());
  CurlLibrary lib{};
  CURLcode (*global_init)(long) = nullptr;
  bool ok = handle->Resolve("curl_global_init", global_init) &&
            handle->Resolve("curl_easy_init", lib.easy_init) &&
            handle->Resolve("curl_easy_cleanup", lib.easy_cleanup) &&
            handle->Resolve("curl_easy_setopt", lib.easy_setopt) &&
            handle->Resolve("curl_easy_perform", lib.easy_perform) &&
            handle->Resolve("curl_easy_getinfo", lib.easy_getinfo) &&
            handle->Resolve("curl_easy_strerror", lib.easy_strerror) &&
            handle->Resolve("curl_slist_append", lib.slist_append) &&
            handle->Resolve("curl_slist_free_all", lib.slist_free_all);
  if (!ok) return Fail(ErrorCode::kUnavailable, "the installed libcurl lacks required functions");
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return Fail(ErrorCode::kUnavailable, "libcurl failed to initialise");
  }
  return lib;
}

}  // namespace

Result<CurlLibrary const*> LoadCurlLibrary() { return LoadOnce(&Load); }

}  // namespace latchkey
