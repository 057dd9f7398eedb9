// Small string helpers shared by every layer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace latchkey {

std::vector<std::string> Split(std::string_view text, char sep);
std::string Join(std::vector<std::string> const& parts, std::string_view sep);
std::string Trim(std::string_view text);
// The text up to its first newline, trimmed (a one-line summary of an error body).
std::string FirstLine(std::string_view text);
std::string ToLower(std::string_view text);
std::string ToUpper(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);
// Replaces every occurrence of `from` (non-empty) in `text`. The search resumes after each
// replacement, so a `to` that contains `from` cannot loop.
void ReplaceAll(std::string& text, std::string_view from, std::string_view to);

// An absent or empty value both mean "not set" (environment variables, optional fields).
std::optional<std::string> NonEmpty(std::optional<std::string> value);

// Truthy spellings accepted for boolean fields and environment switches.
bool IsTruthy(std::string_view text);

// Reads a whole file; empty optional-like failure is reported by the caller.
bool ReadFile(std::string const& path, std::string& out);

}  // namespace latchkey
