#include "server/http/router.h"

#include <algorithm>
#include <set>

#include "common/strings.h"
#include "server/http/request_target.h"

namespace latchkey::server {
namespace {

// "/a/b" -> {"a", "b"}; "/" -> {""}; "/a/" -> {"a", ""}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

bool IsIdentifier(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

void Router::Add(std::string_view method, std::string_view pattern, Handler handler,
                 std::string_view summary) {
  auto fail = [&](std::string const& why) {
    if (first_error_.empty()) {
      first_error_ = "route " + std::string(method) + " " + std::string(pattern) + ": " + why;
    }
  };
  if (method.empty()) return fail("empty method");
  if (pattern.empty() || pattern.front() != '/') return fail("the pattern must start with '/'");
  if (!handler) return fail("no handler");

  Route route;
  route.info = {Upper(method), std::string(pattern), std::string(summary)};
  std::set<std::string_view> names;
  for (std::string_view part : SplitPath(pattern)) {
    bool opens = part.find('{') != std::string_view::npos;
    bool closes = part.find('}') != std::string_view::npos;
    if (!opens && !closes) {
      route.segments.push_back({std::string(part), false});
      continue;
    }
    if (part.size() < 2 || part.front() != '{' || part.back() != '}') {
      return fail("a parameter must be a whole segment: '" + std::string(part) + "'");
    }
    std::string_view name = part.substr(1, part.size() - 2);
    if (!IsIdentifier(name)) return fail("bad parameter name '" + std::string(name) + "'");
    if (!names.insert(name).second) return fail("repeated parameter '" + std::string(name) + "'");
    route.segments.push_back({std::string(name), true});
  }
  // "/a/{id}" and "/a/{name}" would match the same requests: the second could never be reached.
  auto same_shape = [](std::vector<Segment> const& a, std::vector<Segment> const& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](auto const& x, auto const& y) {
      return x.is_param == y.is_param && (x.is_param || x.text == y.text);
    });
  };
  for (Route const& existing : routes_) {
    if (existing.info.method == route.info.method &&
        same_shape(existing.segments, route.segments)) {
      return fail("the same requests already go to " + existing.info.pattern);
    }
  }
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

void Router::AddOutbound(std::string_view method, std::string_view pattern, Handler handler,
                         std::string_view summary) {
  size_t before = routes_.size();
  Add(method, pattern, std::move(handler), summary);
  if (routes_.size() > before) routes_.back().info.outbound = true;
}

Result<void> Router::Check() const {
  if (!first_error_.empty()) return Fail(ErrorCode::kInvalidArgument, first_error_);
  return {};
}

void Router::SetFallback(Handler handler, std::string_view route_label) {
  fallback_ = std::move(handler);
  fallback_label_ = std::string(route_label);
}

RouteMatch Router::Match(std::string_view method, std::string_view encoded_path) const {
  RouteMatch match = MatchRoutes(method, encoded_path);
  if (match.outcome == RouteMatch::Outcome::kNotFound && fallback_ && method == "GET") {
    match.outcome = RouteMatch::Outcome::kMatched;
    match.handler = &fallback_;
    match.route = fallback_label_;
  }
  return match;
}

RouteMatch Router::MatchRoutes(std::string_view method, std::string_view encoded_path) const {
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(encoded_path)) {
    auto decoded = PercentDecode(raw, /*plus_is_space=*/false);
    if (!decoded) return {};  // not a path any route could have produced
    segments.push_back(std::move(*decoded));
  }

  // Specificity of a fitting route: literal=true per segment, compared lexicographically.
  auto fits = [&](Route const& route, std::vector<bool>& shape) {
    if (route.segments.size() != segments.size()) return false;
    shape.clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      Segment const& s = route.segments[i];
      if (s.is_param ? segments[i].empty() : s.text != segments[i]) return false;
      shape.push_back(!s.is_param);
    }
    return true;
  };

  Route const* best_for_method = nullptr;
  Route const* best_any = nullptr;
  std::vector<bool> best_method_shape, best_any_shape, shape;
  std::vector<std::string> allow;
  for (Route const& route : routes_) {
    if (!fits(route, shape)) continue;
    if (std::find(allow.begin(), allow.end(), route.info.method) == allow.end()) {
      allow.push_back(route.info.method);
    }
    if (best_any == nullptr || shape > best_any_shape) {
      best_any = &route;
      best_any_shape = shape;
    }
    if (route.info.method == method && (best_for_method == nullptr || shape > best_method_shape)) {
      best_for_method = &route;
      best_method_shape = shape;
    }
  }

  RouteMatch match;
  if (best_for_method != nullptr) {
    match.outcome = RouteMatch::Outcome::kMatched;
    match.handler = &best_for_method->handler;
    match.route = best_for_method->info.pattern;
    match.outbound = best_for_method->info.outbound;
    for (size_t i = 0; i < segments.size(); ++i) {
      if (best_for_method->segments[i].is_param) {
        match.params.emplace(best_for_method->segments[i].text, std::move(segments[i]));
      }
    }
  } else if (best_any != nullptr) {
    match.outcome = RouteMatch::Outcome::kMethodNotAllowed;
    match.route = best_any->info.pattern;
    std::sort(allow.begin(), allow.end());
    match.allow = std::move(allow);
  }
  return match;
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> infos;
  infos.reserve(routes_.size());
  for (Route const& route : routes_) infos.push_back(route.info);
  return infos;
}

HttpResponse Router::NotFoundResponse() {
  // The path is not echoed: it is client input and may carry a name the caller wants private.
  return ErrorResponse(HttpStatusFor(ErrorCode::kNotFound), ErrorCodeName(ErrorCode::kNotFound),
                       "no API endpoint at this path");
}

HttpResponse Router::MethodNotAllowedResponse(std::string_view method,
                                              std::vector<std::string> const& allow) {
  std::string allowed = Join(allow, ", ");
  HttpResponse response =
      ErrorResponse(405, "method_not_allowed",
                    "method " + std::string(method) + " is not allowed here; allowed: " + allowed);
  response.SetHeader("Allow", allowed);
  return response;
}

}  // namespace latchkey::server
