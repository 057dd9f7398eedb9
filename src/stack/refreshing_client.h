// The client connector an artifact store moves bytes with, issued again through the backend when
// it nears expiry (or when asked after a refusal), so a transfer may outlast one token or SAS.
#pragma once

#include <optional>
#include <string>

#include "service/backend.h"

namespace latchkey {

class RefreshingClient {
 public:
  RefreshingClient(Backend& backend, std::string connector, std::string resource_type,
                   std::optional<std::string> resource_id)
      : backend_(backend),
        connector_(std::move(connector)),
        resource_type_(std::move(resource_type)),
        resource_id_(std::move(resource_id)) {}

  // The current client, re-issued first when `refresh` or within five minutes of its expiry.
  Result<Connector const*> Get(bool refresh = false);

 private:
  Backend& backend_;
  std::string connector_;
  std::string resource_type_;
  std::optional<std::string> resource_id_;
  std::optional<Connector> client_;
};

}  // namespace latchkey
