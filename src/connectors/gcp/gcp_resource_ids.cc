#include "connectors/gcp/gcp_resource_ids.h"

#include <regex>

#include "common/strings.h"

namespace latchkey::gcp {
namespace {

bool Matches(std::string const& text, char const* pattern) {
  return std::regex_match(text, std::regex(pattern));
}

// Google's rules: 3-63 characters per dot-separated component (222 in all), lower-case letters,
// digits, '-', '_' and '.', starting and ending with a letter or digit.
bool ValidBucketName(std::string const& name) {
  if (name.size() < 3 || name.size() > 222) return false;
  if (!Matches(name, "[a-z0-9][a-z0-9._-]*[a-z0-9]")) return false;
  if (name.find("..") != std::string::npos) return false;
  for (auto const& part : Split(name, '.')) {
    if (part.size() > 63) return false;
  }
  return true;
}

tl::unexpected<Error> BadRegistry(std::string const& id) {
  return Fail(ErrorCode::kInvalidArgument,
              "'" + id +
                  "' is not a GCR or Artifact Registry ID; accepted forms: "
                  "[REGION.]gcr.io/PROJECT, LOCATION-docker.pkg.dev/PROJECT/REPOSITORY, "
                  "projects/PROJECT/locations/LOCATION/repositories/REPOSITORY");
}

}  // namespace

Result<std::string> CanonicalGcsBucketId(std::string const& id) {
  std::string name = GcsBucketName(id);
  if (!ValidBucketName(name)) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + id + "' is not a GCS bucket; accepted forms: gs://BUCKET, BUCKET");
  }
  return "gs://" + name;
}

std::string GcsBucketName(std::string const& id) {
  std::string name = StartsWith(id, "gs://") ? id.substr(5) : id;
  while (!name.empty() && name.back() == '/') name.pop_back();
  return name;
}

Result<GkeClusterId> ParseGkeClusterId(std::string const& id) {
  auto parts = Split(id, '/');
  GkeClusterId out;
  // gcloud's kubeconfig names, gke_PROJECT_LOCATION_NAME (none of the three has an '_'): what
  // kubectl users see, and what a GKE client connector carries as its resource ID.
  auto named = Split(id, '_');
  if (named.size() == 4 && named[0] == "gke") parts = {named[2], named[3]};
  if (parts.size() == 2) {
    out.location = parts[0];
    out.name = parts[1];
  } else if (parts.size() == 1) {
    out.name = parts[0];
  }
  bool ok = parts.size() <= 2 && Matches(out.name, "[a-z0-9][a-z0-9-]{0,39}") &&
            (!out.location || Matches(*out.location, "[a-z0-9][a-z0-9-]*"));
  if (!ok) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + id +
                    "' is not a GKE cluster; accepted forms: NAME, LOCATION/NAME, "
                    "gke_PROJECT_LOCATION_NAME");
  }
  return out;
}

std::string CanonicalGkeClusterId(GkeClusterId const& id) {
  return id.location ? *id.location + "/" + id.name : id.name;
}

std::string RegistryId::Canonical() const {
  return repository ? host + "/" + project + "/" + *repository : host + "/" + project;
}

Result<RegistryId> ParseRegistryId(std::string const& id) {
  std::string s = id;
  for (char const* scheme : {"https://", "http://"}) {
    if (StartsWith(s, scheme)) s = s.substr(std::string(scheme).size());
  }
  while (!s.empty() && s.back() == '/') s.pop_back();
  auto parts = Split(s, '/');
  RegistryId r;
  std::smatch m;
  static std::regex const resource("projects/([^/]+)/locations/([^/]+)/repositories/([^/]+)");
  if (std::regex_match(s, m, resource)) {
    r.project = m[1];
    r.location = m[2];
    r.repository = m[3];
    r.host = *r.location + "-docker.pkg.dev";
    return r;
  }
  if (parts.size() < 2 || parts[1].empty()) return BadRegistry(id);
  r.host = parts[0];
  r.project = parts[1];
  if (!Matches(r.project, "[a-z][a-z0-9.:-]*[a-z0-9]")) return BadRegistry(id);
  if (Matches(r.host, "((us|eu|asia)\\.)?gcr\\.io")) return r;  // a trailing image path is ignored
  static std::regex const gar("([a-z0-9-]+)-docker\\.pkg\\.dev");
  if (std::regex_match(r.host, m, gar) && parts.size() >= 3 && !parts[2].empty()) {
    r.location = m[1];
    r.repository = parts[2];
    return r;
  }
  return BadRegistry(id);
}

}  // namespace latchkey::gcp
