#include "auth/password_hash.h"

#include <argon2.h>

#include <cctype>
#include <charconv>
#include <optional>
#include <vector>

#include "common/strings.h"
#include "crypto/random.h"

namespace latchkey::auth {

// 19 MiB, 2 passes, 1 lane: OWASP's minimum, deliberately not more. With Debian's libargon2 this
// already costs 30-100 ms of one core (measured on the build machine) and 19 MiB per login in
// flight; the server has two cores, and every extra MiB or pass is paid on every login and is
// what a flood of bad logins multiplies. A second lane would only split the same work across
// threads. NeedsRehash lets a later release raise these without a migration: hashes are upgraded
// at the next successful login.
PasswordHashParams const kCurrentPasswordHashParams = kMinimumPasswordHashParams;

namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
// Bounds on what an encoding may ask for, so a planted or corrupted hash cannot make a login
// allocate gigabytes or spin for minutes.
constexpr uint32_t kMaxMemoryKib = 1024 * 1024;
constexpr uint32_t kMaxIterations = 64;
constexpr uint32_t kMaxParallelism = 16;
constexpr size_t kMaxEncodedLength = 512;

struct ParsedHash {
  PasswordHashParams params;
  size_t salt_chars = 0;
  size_t hash_chars = 0;
};

std::optional<uint32_t> ParseNumber(std::string_view text, std::string_view name) {
  if (!StartsWith(text, name) || text.size() <= name.size()) return std::nullopt;
  text.remove_prefix(name.size());
  if (text.size() > 1 && text[0] == '0') return std::nullopt;  // PHC forbids leading zeros
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool IsBase64NoPadding(std::string_view text) {
  for (char c : text) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) return false;
  }
  return !text.empty();
}

// Structure and bounds only; argon2 itself checks the rest (salt/hash lengths, decoding).
std::optional<ParsedHash> ParseArgon2id(std::string const& encoded) {
  if (encoded.size() > kMaxEncodedLength) return std::nullopt;
  std::vector<std::string> parts = Split(encoded, '$');
  if (parts.size() != 6 || !parts[0].empty() || parts[1] != "argon2id" || parts[2] != "v=19") {
    return std::nullopt;
  }
  std::vector<std::string> costs = Split(parts[3], ',');
  if (costs.size() != 3) return std::nullopt;
  auto m = ParseNumber(costs[0], "m=");
  auto t = ParseNumber(costs[1], "t=");
  auto p = ParseNumber(costs[2], "p=");
  if (!m || !t || !p || *m > kMaxMemoryKib || *t == 0 || *t > kMaxIterations || *p == 0 ||
      *p > kMaxParallelism || !IsBase64NoPadding(parts[4]) || !IsBase64NoPadding(parts[5])) {
    return std::nullopt;
  }
  return ParsedHash{{*m, *t, *p}, parts[4].size(), parts[5].size()};
}

bool AtLeast(PasswordHashParams const& have, PasswordHashParams const& want) {
  return have.memory_kib >= want.memory_kib && have.iterations >= want.iterations &&
         have.parallelism >= want.parallelism;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  return HashPassword(password, kCurrentPasswordHashParams);
}

Result<std::string> HashPassword(std::string_view password, PasswordHashParams params) {
  if (password.empty()) return Fail(ErrorCode::kInvalidArgument, "the password is empty");
  if (password.size() > kMaxPasswordBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                "the password is longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  if (!AtLeast(params, kMinimumPasswordHashParams) || params.memory_kib > kMaxMemoryKib ||
      params.iterations > kMaxIterations || params.parallelism > kMaxParallelism) {
    return Fail(ErrorCode::kInvalidArgument, "Argon2id parameters out of bounds");
  }
  std::string salt = crypto::RandomBytes(kSaltBytes);
  std::string encoded(argon2_encodedlen(params.iterations, params.memory_kib, params.parallelism,
                                        kSaltBytes, kHashBytes, Argon2_id),
                      '\0');
  int rc = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism,
                                 password.data(), password.size(), salt.data(), salt.size(),
                                 kHashBytes, encoded.data(), encoded.size());
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) {
    return Fail(ErrorCode::kResourceExhausted, "out of memory hashing a password");
  }
  if (rc != ARGON2_OK) {
    return Fail(ErrorCode::kInternal,
                std::string("hashing a password failed: ") + argon2_error_message(rc));
  }
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool VerifyPassword(std::string_view password, std::string const& encoded) {
  if (password.empty() || password.size() > kMaxPasswordBytes) return false;
  if (!ParseArgon2id(encoded)) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool NeedsRehash(std::string const& encoded) {
  std::optional<ParsedHash> parsed = ParseArgon2id(encoded);
  // Base64 without padding: 16 bytes are 22 characters, 32 bytes 43.
  return !parsed || !AtLeast(parsed->params, kCurrentPasswordHashParams) ||
         parsed->salt_chars < 22 || parsed->hash_chars < 43;
}

}  // namespace latchkey::auth
