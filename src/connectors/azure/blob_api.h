// The Blob service calls the broker makes itself: List Containers, Get Container Properties and
// Get User Delegation Key, authorized with Shared Key (account key) or an Entra ID bearer token.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "connectors/azure/blob_sas.h"
#include "core/context.h"

namespace latchkey::azure {

inline constexpr char kBlobApiVersion[] = "2021-12-02";

// One storage account's Blob endpoint and how the broker authenticates to it (exactly one of
// `account_key`, `bearer_token` or `sas` is set).
struct BlobTarget {
  std::string account;
  std::string endpoint;  // "https://acct.blob.core.windows.net" or "http://127.0.0.1:P/acct"
  std::optional<std::string> account_key;
  std::optional<std::string> bearer_token;
  std::optional<std::string> sas;
  std::optional<std::string> ca_pem;  // trust only this CA for the endpoint (else the system's)
};

// The endpoint of `account`: `blob_endpoint` when configured, else
// https://{account}.blob.{suffix}. Trailing slashes are dropped.
std::string BlobEndpointFor(std::string const& account,
                            std::optional<std::string> const& blob_endpoint,
                            std::string const& suffix);

// The service's <Error><Code/><Message/></Error> of a failed `what`, as one line without
// request IDs; the code follows the status.
Error BlobError(HttpResponse const& r, std::string const& what);

Result<std::vector<std::string>> ListContainers(Context& ctx, BlobTarget const& target);
// Succeeds when the container exists and the credentials may read it.
Result<void> CheckContainer(Context& ctx, BlobTarget const& target, std::string const& container);
// Lists (at most one) blob with a container SAS: what a client of a sas-token connector can do.
Result<void> ListBlobsWithSas(Context& ctx, BlobTarget const& target, std::string const& container);
Result<UserDelegationKey> GetUserDelegationKey(Context& ctx, BlobTarget const& target,
                                               TimePoint start, TimePoint expiry);

}  // namespace latchkey::azure
