#include "store/store_url.h"

#include <algorithm>
#include <vector>

#include "common/strings.h"

namespace latchkey {
namespace {

constexpr char kMask[] = "***";

struct Span {
  size_t begin = 0;
  size_t end = 0;  // exclusive
};

// Where the passwords sit in `url`: the user-info's and each `password=` value (query parameter
// or libpq keyword, possibly quoted).
std::vector<Span> PasswordSpans(std::string_view url) {
  std::vector<Span> spans;
  if (size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    size_t start = scheme + 3;
    size_t stop = url.find_first_of("/?#", start);
    if (stop == std::string_view::npos) stop = url.size();
    std::string_view authority = url.substr(start, stop - start);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      if (size_t colon = authority.substr(0, at).find(':'); colon != std::string_view::npos) {
        spans.push_back({start + colon + 1, start + at});
      }
    }
  }
  for (size_t pos = url.find("password"); pos != std::string_view::npos;
       pos = url.find("password", pos + 1)) {
    bool word_start = pos == 0 || url[pos - 1] == '?' || url[pos - 1] == '&' ||
                      url[pos - 1] == ' ' || url[pos - 1] == '\t';
    size_t i = pos + 8;
    while (i < url.size() && url[i] == ' ') ++i;
    if (!word_start || i >= url.size() || url[i] != '=') continue;
    ++i;
    while (i < url.size() && url[i] == ' ') ++i;
    size_t begin = i;
    if (i < url.size() && url[i] == '\'') {
      ++begin;
      for (++i; i < url.size() && url[i] != '\''; ++i) {
        if (url[i] == '\\') ++i;
      }
      spans.push_back({begin, std::min(i, url.size())});
    } else {
      while (i < url.size() && url[i] != '&' && url[i] != '#' && url[i] != ' ') ++i;
      spans.push_back({begin, i});
    }
  }
  std::sort(spans.begin(), spans.end(),
            [](Span const& a, Span const& b) { return a.begin < b.begin; });
  return spans;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

Result<StoreLocation> ParseStoreUrl(std::string const& url) {
  if (url.empty()) return Fail(ErrorCode::kInvalidArgument, "the store URL is empty");
  size_t scheme_end = url.find("://");
  bool has_scheme = scheme_end != std::string::npos && scheme_end > 0 &&
                    url.find('/') > scheme_end;  // "dir/x://y" is still a path
  if (!has_scheme) return StoreLocation{StoreLocation::Kind::kSqlite, url};
  std::string scheme = ToLower(url.substr(0, scheme_end));
  if (scheme == "postgresql" || scheme == "postgres") {
    return StoreLocation{StoreLocation::Kind::kPostgres, url};
  }
  if (scheme == "sqlite") {
    std::string path = url.substr(scheme_end + 3);
    if (path.empty() || path[0] != '/') {
      return Fail(ErrorCode::kInvalidArgument,
                  "a sqlite:// store URL needs an absolute path (sqlite:///dir/file.db), got '" +
                      RedactUrl(url) + "'");
    }
    return StoreLocation{StoreLocation::Kind::kSqlite, path};
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unsupported store URL scheme '" + scheme +
                  "' (use sqlite:///PATH, a file path, or postgresql://USER@HOST/DB)");
}

std::string RedactUrl(std::string_view url) {
  auto spans = PasswordSpans(url);
  std::string out;
  size_t pos = 0;
  for (auto const& s : spans) {  // in order: user-info first, then parameters
    if (s.begin < pos) continue;
    out.append(url.substr(pos, s.begin - pos));
    out += kMask;
    pos = s.end;
  }
  out.append(url.substr(pos));
  return out;
}

std::string ScrubPassword(std::string message, std::string_view url) {
  ReplaceAll(message, std::string(url), RedactUrl(url));
  for (auto const& s : PasswordSpans(url)) {
    std::string raw(url.substr(s.begin, s.end - s.begin));
    ReplaceAll(message, raw, kMask);
    ReplaceAll(message, PercentDecode(raw), kMask);
  }
  return message;
}

}  // namespace latchkey
