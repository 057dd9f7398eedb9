#include "stack/refreshing_client.h"

namespace latchkey {

Result<Connector const*> RefreshingClient::Get(bool refresh) {
  constexpr auto kMargin = std::chrono::minutes(5);
  bool stale =
      !client_ || refresh || (client_->expires_at && *client_->expires_at - Now() < kMargin);
  if (stale) {
    auto client = backend_.GetConnectorClient(connector_, resource_type_, resource_id_);
    if (!client) return tl::unexpected(client.error());
    client_ = std::move(*client);
  }
  return &*client_;
}

}  // namespace latchkey
