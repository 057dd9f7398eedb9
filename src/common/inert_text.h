// User-chosen text shown to other people: what may be stored in a name, and how any other text is
// made inert before it reaches a terminal. A hostile user's secret name must not be able to send
// escape sequences (OSC 52 writes the clipboard), forge table rows with a newline, or reorder what
// is displayed with a bidirectional override.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace latchkey {

// True when `text` holds a C0 control (U+0000-U+001F, tab and newline included), DEL, a C1
// control (U+0080-U+009F), a bidirectional embedding/override/isolate (U+202A-U+202E,
// U+2066-U+2069), or bytes that are not UTF-8. Names and label keys with these are refused.
bool HasUnsafeText(std::string_view text);

// `text` with every character HasUnsafeText objects to written visibly as an escape: bytes
// as `\xNN` (ESC shows as `\x1b`, a stray 0xff byte as `\xff`) and code points as `\u202e`; a
// backslash stays a backslash. Newlines are escaped too: callers that lay text out on several
// lines split it first.
std::string InertText(std::string_view text);

// At most `max_bytes` of `text`, cut at a UTF-8 character boundary, followed by
// "...[N more bytes]" when anything was cut. For logs that must stay bounded.
std::string Truncated(std::string_view text, size_t max_bytes);

}  // namespace latchkey
