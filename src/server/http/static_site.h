// The dashboard's files, served from memory: the bundle is embedded in the binary at build time
// (cmake/embed_web_assets.cmake), so `latchkey server` needs nothing else on disk.
//
// Hashed names (/assets/app-3f2a9c.js) are immutable and cached for a year; index.html is
// revalidated on every load (ETag, 304), so a new build reaches browsers at once. A GET for any
// other path outside /api/ answers index.html: the dashboard routes on the client, and a shared
// link such as /connectors/aws-s3 must load it. Under /api/ an unknown path stays a JSON 404.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "server/http/http_types.h"

namespace latchkey::server {

// One embedded file: its URL path ("/index.html", "/assets/app-3f2a9c.js") and bytes.
struct StaticFile {
  std::string_view path;
  std::string_view data;
};

class StaticSite {
 public:
  explicit StaticSite(std::span<StaticFile const> files);

  bool empty() const { return files_.empty(); }
  // For GET requests no route matched (see Router::SetFallback).
  HttpResponse Serve(HttpRequest const& request) const;

  // By file extension; application/octet-stream when unknown.
  static std::string_view ContentType(std::string_view path);

 private:
  struct Entry {
    std::string_view data;
    std::string content_type;
    std::string etag;  // quoted strong validator: a digest of the bytes
    bool immutable = false;
  };
  HttpResponse Answer(Entry const& entry, HttpRequest const& request) const;

  std::map<std::string, Entry, std::less<>> files_;
};

// The files compiled into this binary (empty when it was built without the dashboard).
std::span<StaticFile const> EmbeddedWebAssets();

}  // namespace latchkey::server
