#include "server/http/static_site.h"

#include <array>
#include <utility>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "server/http/router.h"

namespace latchkey::server {
namespace {

constexpr std::string_view kIndex = "/index.html";
constexpr std::string_view kHashedPrefix = "/assets/";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// If-None-Match holds one or more validators ("a", "b") or "*".
bool Matches(std::optional<std::string> const& if_none_match, std::string const& etag) {
  if (!if_none_match) return false;
  std::string_view header = *if_none_match;
  if (header == "*") return true;
  return header.find(etag) != std::string_view::npos;
}

}  // namespace

StaticSite::StaticSite(std::span<StaticFile const> files) {
  for (auto const& file : files) {
    Entry entry;
    entry.data = file.data;
    entry.content_type = std::string(ContentType(file.path));
    entry.etag = "\"" + crypto::HexEncode(crypto::Sha256(file.data)).substr(0, 32) + "\"";
    entry.immutable = StartsWith(file.path, kHashedPrefix);
    files_.emplace(std::string(file.path), std::move(entry));
  }
}

std::string_view StaticSite::ContentType(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  size_t dot = path.rfind('.');
  size_t slash = path.rfind('/');
  if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)) {
    std::string_view ext = path.substr(dot);
    for (auto const& [known, type] : kTypes) {
      if (ext == known) return type;
    }
  }
  return "application/octet-stream";
}

HttpResponse StaticSite::Serve(HttpRequest const& request) const {
  std::string_view path = request.path;
  if (path == "/api" || StartsWith(path, "/api/") || files_.empty()) {
    return Router::NotFoundResponse();
  }
  if (auto it = files_.find(path); it != files_.end()) return Answer(it->second, request);
  // A missing hashed file is a stale page asking for an old build: 404, not the HTML shell
  // (which a <script> tag would try to run as JavaScript).
  if (StartsWith(path, kHashedPrefix)) return ErrorResponse(404, "not_found", "no such file");
  auto index = files_.find(kIndex);
  if (index == files_.end()) return Router::NotFoundResponse();
  return Answer(index->second, request);
}

HttpResponse StaticSite::Answer(Entry const& entry, HttpRequest const& request) const {
  HttpResponse response;
  response.SetHeader("ETag", entry.etag);
  response.SetHeader("Cache-Control",
                     entry.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (Matches(request.Header("If-None-Match"), entry.etag)) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  response.SetHeader("Content-Type", entry.content_type);
  response.body.assign(entry.data);
  return response;
}

}  // namespace latchkey::server
