// Client connectors rendered in the wire formats that tools refresh credentials through: the AWS
// credential_process and container-endpoint documents, the Kubernetes ExecCredential and the
// docker credential helper's `get` answer. Pure functions of an issued client connector, so the
// CLI commands, the exec endpoint and the tests share one definition of each format.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/error.h"
#include "common/time_util.h"
#include "core/model.h"

namespace latchkey::cli {

// RFC 3339 in UTC, the form every one of these protocols reads: "2026-05-26T12:34:56Z".
std::string Rfc3339(TimePoint t);

// {"Version":1,"AccessKeyId","SecretAccessKey"[,"SessionToken"][,"Expiration"]} for an `aws`
// client connector; anything else is refused with a message naming what the connector issues.
Result<nlohmann::json> AwsProcessCredentials(Connector const& client);

// {"AccessKeyId","SecretAccessKey","Token","Expiration"} as the ECS container endpoint serves
// them. botocore requires Token and Expiration: keys that never expire are handed out with an
// empty token and a nominal expiry `fallback_lifetime` from `now`, so SDKs come back for them.
Result<nlohmann::json> AwsContainerCredentials(Connector const& client, TimePoint now,
                                               std::chrono::seconds fallback_lifetime);

// client.authentication.k8s.io/v1 ExecCredential with a bearer token or a client certificate
// and key, and expirationTimestamp when the credentials expire. Basic-auth clients are refused:
// the exec protocol has no username/password form.
Result<nlohmann::json> KubernetesExecCredential(Connector const& client);

// {"ServerURL","Username","Secret"} for a `docker` client connector.
Result<nlohmann::json> DockerHelperCredentials(Connector const& client,
                                               std::string const& server_url);

}  // namespace latchkey::cli
