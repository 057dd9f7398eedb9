// The audit log writer's escaping and bounds: an event whose names, action, IDs, result and
// fingerprint fields come from the input is appended, and the line written must be one line of
// valid JSON with no control character a terminal would act on (C0, DEL, C1), each field
// bounded, and a short valid field kept exactly. Input: fields separated by NUL.
#include <fcntl.h>

#include <nlohmann/json.hpp>

#include "common/inert_text.h"
#include "fuzz_util.h"
#include "service/audit_log.h"

namespace {

// C0 controls but the final newline, DEL, and C1 controls in UTF-8 (U+0080..U+009F).
bool HasTerminalControl(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    unsigned char c = line[i];
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < line.size() && static_cast<unsigned char>(line[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(line[i + 1]) <= 0x9f) {
      return true;
    }
  }
  return false;
}

std::string ReadAll(std::string const& path) {
  std::string text;
  std::ifstream in(path, std::ios::binary);
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size > 16384) return 0;
  static std::string const path = latchkey::fuzz::ScratchDir() + "/audit.log";
  static auto log = latchkey::AuditLog::Open(
      path, "fuzz-fingerprint-key-0123456789",
      [] { return latchkey::TimePoint(std::chrono::seconds(1767225600)); }, {0, 1});
  if (!log) std::abort();
  // The escaping the CLI shows user-chosen text with: nothing a terminal acts on survives.
  std::string inert = latchkey::InertText(latchkey::fuzz::AsString(data, size));
  FUZZ_CHECK(!HasTerminalControl(inert) && !latchkey::HasUnsafeText(inert), inert);
  auto fields = latchkey::fuzz::SplitFields(data, size, 8);
  latchkey::AuditEvent event;
  event.actor_id = fields[0];
  event.actor_name = fields[1];
  event.action = fields[2];
  event.target_name = fields[3];
  if (!fields[4].empty()) event.resource_id = fields[4];
  event.result = fields[5];
  if (!fields[6].empty()) event.fingerprint_values[fields[6]] = fields[7];

  ::close(::open(path.c_str(), O_WRONLY | O_TRUNC));  // one line per run
  if (!(*log)->Append(event)) return 0;
  std::string line = ReadAll(path);
  FUZZ_CHECK(!line.empty() && line.back() == '\n', line);
  line.pop_back();
  FUZZ_CHECK(!HasTerminalControl(line), line);
  auto parsed = nlohmann::json::parse(line, nullptr, false);
  FUZZ_CHECK(!parsed.is_discarded() && parsed.is_object(), line);
  std::string name = parsed["actor"]["name"].get<std::string>();
  FUZZ_CHECK(name.size() <= 3 * latchkey::kMaxAuditFieldBytes + 32, line);
  if (event.actor_name.size() <= latchkey::kMaxAuditFieldBytes &&
      !latchkey::HasUnsafeText(event.actor_name)) {
    FUZZ_CHECK(name == event.actor_name, line);
  }
  if (event.resource_id) {
    FUZZ_CHECK(parsed["resource_id"].get<std::string>().size() <=
                   3 * latchkey::kMaxAuditResourceIdBytes + 32,
               line);
  }
  return 0;
}
