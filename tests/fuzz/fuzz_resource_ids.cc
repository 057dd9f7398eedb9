// Resource IDs of every connector type as users type them (URIs, ARNs, names, registry
// addresses). The first byte picks the parser; the rest is `id` NUL `extra` (the region, storage
// account or resource group the parser takes). Every canonical form must parse again to itself.
#include "connectors/aws/aws_resource_ids.h"
#include "connectors/azure/azure_resource_ids.h"
#include "connectors/docker/registry_id.h"
#include "connectors/gcp/gcp_resource_ids.h"
#include "fuzz_util.h"

namespace {

using latchkey::fuzz::SplitFields;

void Idempotent(auto canonical, std::string const& id) {
  auto first = canonical(id);
  if (!first) return;
  auto second = canonical(*first);
  FUZZ_CHECK(second.has_value(), *first);
  FUZZ_CHECK(*second == *first, *first + " -> " + *second);
}

void Aws(int which, std::string const& id, std::string const& region) {
  namespace aws = latchkey::aws;
  if (which == 0) {
    Idempotent([](std::string const& s) { return aws::CanonicalS3BucketId(s); }, id);
    if (auto c = aws::CanonicalS3BucketId(id)) {
      auto again = aws::CanonicalS3BucketId(aws::BucketName(*c));
      FUZZ_CHECK(again && *again == *c, *c);
    }
  } else if (which == 1) {
    Idempotent([&](std::string const& s) { return aws::CanonicalEksClusterId(s, region); }, id);
  } else {
    Idempotent([&](std::string const& s) { return aws::CanonicalEcrRegistryId(s, region); }, id);
    if (auto c = aws::CanonicalEcrRegistryId(id, region)) (void)aws::EcrAccount(*c);
  }
}

void Gcp(int which, std::string const& id) {
  namespace gcp = latchkey::gcp;
  if (which == 0) {
    Idempotent([](std::string const& s) { return gcp::CanonicalGcsBucketId(s); }, id);
    if (auto c = gcp::CanonicalGcsBucketId(id)) {
      auto again = gcp::CanonicalGcsBucketId(gcp::GcsBucketName(*c));
      FUZZ_CHECK(again && *again == *c, *c);
    }
  } else if (which == 1) {
    auto cluster = gcp::ParseGkeClusterId(id);
    if (!cluster) return;
    std::string canonical = gcp::CanonicalGkeClusterId(*cluster);
    auto again = gcp::ParseGkeClusterId(canonical);
    FUZZ_CHECK(again.has_value(), canonical);
    FUZZ_CHECK(again->name == cluster->name && again->location == cluster->location, canonical);
  } else {
    auto registry = gcp::ParseRegistryId(id);
    if (!registry) return;
    std::string canonical = registry->Canonical();
    auto again = gcp::ParseRegistryId(canonical);
    FUZZ_CHECK(again.has_value(), canonical);
    FUZZ_CHECK(again->Canonical() == canonical, canonical + " -> " + again->Canonical());
    FUZZ_CHECK(again->project == registry->project && again->host == registry->host, canonical);
  }
}

void Azure(int which, std::string const& id, std::string const& extra) {
  namespace azure = latchkey::azure;
  std::optional<std::string> scope;
  if (!extra.empty()) scope = extra;
  if (which == 0) {
    Idempotent([&](std::string const& s) { return azure::CanonicalBlobContainerId(s, scope); }, id);
    if (auto c = azure::CanonicalBlobContainerId(id, scope)) (void)azure::ContainerName(*c);
  } else if (which == 1) {
    Idempotent([&](std::string const& s) { return azure::CanonicalAksClusterId(s, scope); }, id);
    if (auto c = azure::CanonicalAksClusterId(id, scope)) {
      auto ref = azure::ParseAksClusterId(*c);
      FUZZ_CHECK(!ref.name.empty(), *c);
    }
  } else if (which == 2) {
    Idempotent([](std::string const& s) { return azure::CanonicalAcrRegistryId(s); }, id);
    if (auto c = azure::CanonicalAcrRegistryId(id)) (void)azure::AcrRegistryName(*c);
  } else {
    Idempotent([](std::string const& s) { return azure::CanonicalSubscriptionId(s); }, id);
  }
}

void Docker(std::string const& id) {
  namespace docker = latchkey::docker;
  Idempotent([](std::string const& s) { return docker::CanonicalRegistryId(s); }, id);
  auto address = docker::ParseRegistryAddress(id);
  if (!address) return;
  auto again = docker::ParseRegistryAddress(address->canonical_id);
  FUZZ_CHECK(again.has_value(), address->canonical_id);
  FUZZ_CHECK(again->canonical_id == address->canonical_id, address->canonical_id);
  (void)docker::IsLoopbackRegistryHost(address->host);
  std::string key = docker::DockerConfigKey(address->canonical_id);
  auto from_key = docker::CanonicalRegistryId(key);
  FUZZ_CHECK(from_key && *from_key == address->canonical_id, key);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 4096) return 0;
  auto fields = SplitFields(data + 1, size - 1, 2);
  int which = data[0] % 11;
  if (which < 3) {
    Aws(which, fields[0], fields[1]);
  } else if (which < 6) {
    Gcp(which - 3, fields[0]);
  } else if (which < 10) {
    Azure(which - 6, fields[0], fields[1]);
  } else {
    Docker(fields[0]);
  }
  return 0;
}
