// What the fuzz targets share: splitting one input into fields, a property check that fails
// like a crash (so libFuzzer keeps the input and the replay test fails), a scripted HTTP peer
// that answers with the input, and a scratch directory for targets that must touch files.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_client.h"

namespace latchkey::fuzz {

// The input as `count` fields separated by NUL bytes; missing fields are empty and the last
// field takes the rest (NULs included).
inline std::vector<std::string> SplitFields(uint8_t const* data, size_t size, size_t count) {
  std::string_view rest(reinterpret_cast<char const*>(data), size);
  std::vector<std::string> fields;
  while (fields.size() + 1 < count) {
    size_t nul = rest.find('\0');
    if (nul == std::string_view::npos) break;
    fields.emplace_back(rest.substr(0, nul));
    rest.remove_prefix(nul + 1);
  }
  fields.emplace_back(rest);
  fields.resize(count);
  return fields;
}

inline std::string AsString(uint8_t const* data, size_t size) {
  return std::string(reinterpret_cast<char const*>(data), size);
}

[[noreturn]] inline void PropertyFailed(char const* check, char const* file, int line,
                                        std::string_view detail) {
  std::fprintf(stderr, "%s:%d: property failed: %s\n  %.*s\n", file, line, check,
               static_cast<int>(detail.size() > 2000 ? 2000 : detail.size()), detail.data());
  std::abort();
}

// A property of the parser's output that must hold for every input.
#define FUZZ_CHECK(cond, detail)                                                      \
  do {                                                                                \
    if (!(cond)) ::latchkey::fuzz::PropertyFailed(#cond, __FILE__, __LINE__, detail); \
  } while (0)

// Answers every request with the same response: the peer's answer is the fuzzed input.
class ScriptedHttp : public HttpClient {
 public:
  HttpResponse response;
  int calls = 0;
  Result<HttpResponse> Send(HttpRequest const&) override {
    ++calls;
    return response;
  }
};

// One private directory per process under $TMPDIR, removed at exit. The path is never freed:
// the exit handler runs after static strings are destroyed.
inline std::string const& ScratchDir() {
  static std::string const* const dir = [] {
    char const* tmp = std::getenv("TMPDIR");
    auto* path = new std::string(std::string(tmp && *tmp ? tmp : "/tmp") + "/latchkey-fuzz-XXXXXX");
    if (!::mkdtemp(path->data())) std::abort();
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(ScratchDir(), ignored);
    });
    return path;
  }();
  return *dir;
}

inline void WriteScratchFile(std::string const& path, std::string const& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Control characters other than the ones named in `allowed`.
inline bool HasControl(std::string_view text, std::string_view allowed = "") {
  for (unsigned char c : text) {
    if ((c < 0x20 || c == 0x7f) && allowed.find(static_cast<char>(c)) == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace latchkey::fuzz
