// Maps (method, path) to a handler. Patterns are literal segments and whole-segment parameters:
// "/api/v1/service_connectors/{id}/verify". Routes are added once at start-up and matched
// concurrently afterwards (Match is const and takes no lock).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "server/http/http_types.h"

namespace latchkey::server {

// Parameter name -> decoded segment ("id" -> "my connector").
using PathParams = std::map<std::string, std::string, std::less<>>;
using Handler = std::function<HttpResponse(HttpRequest const&, PathParams const&)>;

struct RouteInfo {
  std::string method;
  std::string pattern;
  std::string summary;  // one line, for the OpenAPI document and its consistency test
  // The handler calls providers (registries, clusters, clouds) and may wait on them for its
  // whole timeout: it runs on the server's outbound pool, never on the one serving store reads.
  bool outbound = false;
};

struct RouteMatch {
  enum class Outcome { kMatched, kNotFound, kMethodNotAllowed };
  Outcome outcome = Outcome::kNotFound;
  Handler const* handler = nullptr;  // kMatched only; owned by the router
  std::string route;                 // the pattern that matched the path (metric label)
  PathParams params;                 // kMatched only
  bool outbound = false;             // kMatched only: RouteInfo::outbound
  std::vector<std::string> allow;    // kMethodNotAllowed: methods the path does accept
};

class Router {
 public:
  // A malformed pattern ("no/leading/slash", "/a/{}", "/a/b{id}", a repeated parameter) or a
  // duplicate (method, pattern) is a programming error: it is recorded, the route is skipped,
  // and Check() — which HttpServer::Start calls — reports the first one, so a bad table stops
  // the server at start-up instead of answering 404 in production.
  void Add(std::string_view method, std::string_view pattern, Handler handler,
           std::string_view summary = {});
  // The same for a route whose handler calls providers (RouteInfo::outbound).
  void AddOutbound(std::string_view method, std::string_view pattern, Handler handler,
                   std::string_view summary);
  Result<void> Check() const;

  // Answers GET requests that no route's pattern fits (any other method still gets 404), under
  // the metric label `route_label`: the dashboard's files and its client-side routes.
  void SetFallback(Handler handler, std::string_view route_label);

  // `encoded_path` is the path as received (percent-encoded, no query): it is split on '/'
  // first and each segment decoded afterwards, so "%2F" inside an ID stays inside that ID.
  // When several patterns fit, a literal segment beats a parameter at the first difference
  // ("/users/me" over "/users/{id}").
  RouteMatch Match(std::string_view method, std::string_view encoded_path) const;

  // Every route in the order added.
  std::vector<RouteInfo> Routes() const;

  // Ready-made responses for the two non-matches (JSON error body; 405 carries Allow).
  static HttpResponse NotFoundResponse();
  static HttpResponse MethodNotAllowedResponse(std::string_view method,
                                               std::vector<std::string> const& allow);

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool is_param = false;
  };
  struct Route {
    RouteInfo info;
    std::vector<Segment> segments;
    Handler handler;
  };

  RouteMatch MatchRoutes(std::string_view method, std::string_view encoded_path) const;

  std::vector<Route> routes_;
  Handler fallback_;
  std::string fallback_label_;
  std::string first_error_;
};

}  // namespace latchkey::server
