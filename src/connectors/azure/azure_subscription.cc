#include "connectors/azure/azure_subscription.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "connectors/azure/azure_credentials.h"
#include "connectors/azure/azure_spec.h"

namespace latchkey::azure {

Result<ArmTarget> ArmTargetFor(Context& ctx, Connector const& c) {
  auto token = TokenFor(ctx, c, Audience::kManagement);
  if (!token) return tl::unexpected(token.error());
  return ArmTarget{EndpointsOf(c).management, token->token};
}

Result<std::string> ResolveSubscription(Context& ctx, Connector const& c, ArmTarget const& arm) {
  if (auto id = NonEmpty(c.Value(field::kSubscriptionId))) return ToLower(*id);
  auto subscriptions = ListSubscriptions(ctx, arm);
  if (!subscriptions) return tl::unexpected(subscriptions.error());
  if (subscriptions->size() == 1) return ToLower(subscriptions->front().id);
  if (subscriptions->empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the connector's identity sees no Azure subscription");
  }
  std::vector<std::string> ids;
  for (auto const& s : *subscriptions) ids.push_back(s.id);
  return Fail(ErrorCode::kFailedPrecondition,
              fmt::format("the connector's identity sees {} subscriptions ({}); set "
                          "--subscription_id to pick one",
                          ids.size(), Join(ids, ", ")));
}

}  // namespace latchkey::azure
