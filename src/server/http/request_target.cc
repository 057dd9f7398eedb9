#include "server/http/request_target.h"

namespace latchkey::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<RequestTarget> ParseRequestTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  RequestTarget result;
  size_t question = target.find('?');
  result.raw_path = std::string(target.substr(0, question));
  auto path = PercentDecode(result.raw_path, /*plus_is_space=*/false);
  if (!path) return std::nullopt;
  result.path = std::move(*path);
  if (question == std::string_view::npos) return result;

  std::string_view query = target.substr(question + 1);
  // A fragment never reaches a server from a conforming client; drop one if it does.
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2"
    size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), /*plus_is_space=*/true);
    auto value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    result.query.emplace_back(std::move(*key), std::move(*value));
  }
  return result;
}

}  // namespace latchkey::server
