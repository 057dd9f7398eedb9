// The loopback credentials endpoint behind `latchkey exec`: the AWS container credentials
// protocol (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN), as ECS and
// aws-vault's --server serve it. It listens on 127.0.0.1 only, on an ephemeral port, and answers
// only requests that carry the random token given to the child process: none is 401, a wrong
// one 403. Credentials are issued on demand and reused until shortly before they expire.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/error.h"
#include "common/time_util.h"
#include "core/model.h"

namespace latchkey::cli {

struct CredentialsEndpointOptions {
  // Issues fresh client credentials (an `aws` client connector). Called on a server thread,
  // never twice at once.
  std::function<Result<Connector>()> issue;
  std::function<TimePoint()> now = [] { return Now(); };
  // Issued credentials are not served in the last `refresh_margin` of their lifetime (at most
  // half of it), so SDKs never receive credentials about to lapse.
  std::chrono::seconds refresh_margin{300};
  // Credentials without an expiry (long-lived keys) are re-issued this often, and SDKs are told
  // they expire then: botocore requires an Expiration.
  std::chrono::seconds non_expiring_lifetime{900};
  // A client connector issued before the endpoint started (so failures surface before the
  // command runs); served first.
  std::optional<Connector> initial;
  // Where a failed issuance is reported (one line, no secrets); stderr when null.
  std::function<void(std::string const&)> report_error;
};

class CredentialsEndpoint {
 public:
  explicit CredentialsEndpoint(CredentialsEndpointOptions options);
  ~CredentialsEndpoint();  // stops the server
  CredentialsEndpoint(CredentialsEndpoint const&) = delete;
  CredentialsEndpoint& operator=(CredentialsEndpoint const&) = delete;

  Result<void> Start();
  void Stop();

  // "http://127.0.0.1:PORT/credentials", valid after Start().
  std::string url() const;
  // The value clients must send verbatim in the Authorization header.
  std::string const& token() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace latchkey::cli
