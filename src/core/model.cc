#include "core/model.h"

#include "common/strings.h"

namespace latchkey {

std::optional<std::string> Connector::Value(std::string const& field) const {
  if (auto it = secrets.find(field); it != secrets.end()) return it->second;
  if (configuration.contains(field)) {
    auto const& v = configuration[field];
    if (v.is_null()) return std::nullopt;
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
  }
  return std::nullopt;
}

bool Connector::BoolValue(std::string const& field) const {
  auto v = Value(field);
  return v && IsTruthy(*v);
}

bool HasExpired(Connector const& c, TimePoint now) {
  if (!c.expires_at) return false;
  auto skew = std::chrono::seconds(c.expires_skew_tolerance.value_or(kDefaultSkewToleranceSeconds));
  return *c.expires_at - skew < now;
}

std::string ExpiresInText(Connector const& c, TimePoint now) {
  if (!c.expires_at) return "N/A";
  if (HasExpired(c, now)) return "Expired!";
  return FormatDuration(*c.expires_at - now);
}

void ResourcesReport::SetGlobalError(std::string const& message) {
  error = message;
  for (auto& r : resources) {
    r.error = message;
    r.resource_ids.reset();
  }
}

void ResourcesReport::SetTypeError(std::string const& resource_type, std::string const& message) {
  for (auto& r : resources) {
    if (r.resource_type == resource_type) {
      r.error = message;
      r.resource_ids.reset();
    }
  }
  if (resources.size() == 1) error = message;
}

void ResourcesReport::SetResourceIds(std::string const& resource_type,
                                     std::vector<std::string> ids) {
  for (auto& r : resources) {
    if (r.resource_type == resource_type) {
      r.error.reset();
      r.resource_ids = ids;
    }
  }
}

size_t ApproxBytes(Connector const& c) {
  constexpr size_t kNodeOverhead = 64;  // a map node or vector slot and its bookkeeping
  size_t n = sizeof(c) + c.id.size() + c.name.size() + c.description.size() +
             c.configuration.dump().size();
  for (auto const& [k, v] : c.labels) n += k.size() + v.size() + kNodeOverhead;
  for (auto const& [k, v] : c.secrets) n += k.size() + v.size() + kNodeOverhead;
  for (auto const& t : c.resource_types) n += t.size() + kNodeOverhead / 2;
  return n;
}

}  // namespace latchkey
