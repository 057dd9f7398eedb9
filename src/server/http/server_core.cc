#include "server/http/server_core.h"

#include <cxxabi.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <typeinfo>
#include <vector>

namespace latchkey::server::internal {
namespace {

std::string TypeName(std::type_info const& type) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string name = status == 0 && demangled != nullptr ? demangled : type.name();
  std::free(demangled);
  return name;
}

}  // namespace

std::string_view MethodLabel(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",   "HEAD",   "POST",   "PUT",
                                                             "PATCH", "DELETE", "OPTIONS"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "OTHER";
}

ServerCore::ServerCore(HttpServerOptions const& options, Router const& router)
    : options_(options), router_(router) {
  if (options_.metrics != nullptr) {
    requests_ = &options_.metrics->AddCounter("latchkey_http_requests_total",
                                              "HTTP requests answered, by route template.",
                                              {"method", "route", "status"});
    durations_ = &options_.metrics->AddHistogram(
        "latchkey_http_request_duration_seconds",
        "Time from a request fully read to its response ready to send.", {"route"});
  }
}

Handled ServerCore::Handle(HttpRequest const& request, RouteMatch const& match) const {
  if (match.outcome == RouteMatch::Outcome::kNotFound) {
    return {Router::NotFoundResponse(), std::string(kUnmatchedRoute)};
  }
  if (match.outcome == RouteMatch::Outcome::kMethodNotAllowed) {
    return {Router::MethodNotAllowedResponse(request.method, match.allow), match.route};
  }
  // Only the exception's type is logged: what() may quote request data (a JSON parse error
  // shows the body it choked on, and the body may hold a secret).
  std::string failure;
  try {
    HttpResponse response = (*match.handler)(request, match.params);
    if (response.status >= 200 && response.status <= 599) return {std::move(response), match.route};
    failure = "returned status " + std::to_string(response.status);
  } catch (std::exception const& e) {
    failure = "threw " + TypeName(typeid(e));
  } catch (...) {
    failure = "threw a non-standard exception";
  }
  LogError("handler for " + request.method + " " + match.route + " " + failure);
  return {ErrorResponse(Error{ErrorCode::kInternal, "internal server error"}), match.route};
}

void ServerCore::Record(std::string_view method, std::string_view route, int status,
                        std::chrono::steady_clock::duration elapsed) {
  if (requests_ != nullptr) {
    requests_->WithLabels({std::string(method), std::string(route), std::to_string(status)}).Inc();
    durations_->WithLabels({std::string(route)})
        .Observe(std::chrono::duration<double>(elapsed).count());
  }
  if (options_.access_log) {
    options_.access_log(AccessLogEntry{
        method, route, status, std::chrono::duration_cast<std::chrono::microseconds>(elapsed)});
  }
}

void ServerCore::LogError(std::string_view line) const {
  if (options_.error_log) {
    options_.error_log(line);
  } else {
    std::fprintf(stderr, "latchkey server: %.*s\n", static_cast<int>(line.size()), line.data());
  }
}

bool ServerCore::Register(std::shared_ptr<Connection> const& connection, uint64_t& id) {
  std::lock_guard lock(mu_);
  if (stopping_) return false;
  id = next_id_++;
  connections_.emplace(id, connection);
  return true;
}

void ServerCore::Unregister(uint64_t id) {
  std::lock_guard lock(mu_);
  connections_.erase(id);
  if (connections_.empty()) idle_cv_.notify_all();
}

bool ServerCore::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

void ServerCore::BeginShutdown() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto const& [id, weak] : connections_) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
  }
  // Outside the lock: dropping the last reference here runs a destructor that unregisters.
  for (auto const& connection : live) connection->BeginShutdown();
}

void ServerCore::ForceCloseAll() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mu_);
    for (auto const& [id, weak] : connections_) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
  }
  for (auto const& connection : live) connection->ForceClose();
}

bool ServerCore::WaitUntilIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_until(lock, deadline, [&] { return connections_.empty(); });
}

}  // namespace latchkey::server::internal
