// The insides of the public client API's Client and ConnectorClient, shared with its unit tests
// (which give a Client a fake backend) and never installed.
#pragma once

#include <latchkey/client.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/context.h"
#include "http/http_client.h"
#include "service/backend.h"

namespace latchkey {

// Hidden: nested in exported classes, these would otherwise be exported with them.
#define LATCHKEY_INTERNAL __attribute__((visibility("hidden")))

struct LATCHKEY_INTERNAL Client::Impl {
  Impl(Environment env, std::chrono::seconds refresh_margin, std::unique_ptr<Backend> backend);

  // A fresh client connector from the backend (one backend call at a time).
  Connector Issue(std::string const& name_or_id, std::string const& resource_type,
                  OptString const& resource_id);
  // For calls made with issued credentials (S3 listing).
  Context MakeContext();

  Environment const env;
  std::chrono::seconds const refresh_margin;
  std::mutex mu;
  std::unique_ptr<Backend> backend;
  std::unique_ptr<HttpClient> http;
};

struct LATCHKEY_INTERNAL ConnectorClient::State {
  // The client connector, issued again when it is within the refresh margin of expiring.
  Connector Current();

  std::shared_ptr<Client::Impl> client;
  std::string name_or_id;
  std::string resource_type;
  OptString resource_id;
  std::mutex mu;
  std::optional<Connector> connector;
};

}  // namespace latchkey
