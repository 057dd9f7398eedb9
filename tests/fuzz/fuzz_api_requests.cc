// The REST API's request bodies as the server decodes them (connector register/update, secrets,
// login, users, API keys) and the server's answers as the client decodes them (connectors,
// secrets, resource reports, stack components, stacks). The first byte picks the decoder. What
// a model decoder accepts must encode and decode again to the same JSON.
#include "core/model_json.h"
#include "fuzz_util.h"
#include "server/api/api_requests.h"
#include "stack/stack_json.h"

namespace api = latchkey::api;
using nlohmann::json;

namespace {

// decode -> encode -> decode -> encode: both encodings equal.
template <class Decode, class Encode>
void RoundTrip(json const& body, Decode decode, Encode encode) {
  auto first = decode(body);
  if (!first) return;
  json encoded = encode(*first);
  auto second = decode(encoded);
  FUZZ_CHECK(second.has_value(), encoded.dump() + "\n" + second.error().message);
  FUZZ_CHECK(encode(*second) == encoded, encoded.dump() + "\n" + encode(*second).dump());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 16384) return 0;
  auto body = api::ParseJsonBody(latchkey::fuzz::AsString(data + 1, size - 1));
  if (!body) return 0;
  switch (data[0] % 12) {
    case 0:
      (void)api::ParseRegisterRequest(*body);
      break;
    case 1:
      (void)api::ParseUpdateRequest(*body);
      break;
    case 2:
    case 3:
      (void)api::ParseSecretBody(*body, data[0] % 12 == 2);
      break;
    case 4:
      (void)api::ParseLoginBody(*body);
      break;
    case 5:
      (void)api::ParseNewUserBody(*body);
      break;
    case 6:
      if (auto key = api::ParseApiKeyBody(*body); key && key->ttl_seconds) {
        FUZZ_CHECK(*key->ttl_seconds > 0, body->dump());
      }
      break;
    case 7:
      RoundTrip(
          *body, [](json const& j) { return latchkey::ConnectorFromJson(j); },
          [](latchkey::Connector const& c) { return latchkey::ToJson(c, true); });
      break;
    case 8:
      RoundTrip(
          *body, [](json const& j) { return latchkey::SecretFromJson(j); },
          [](latchkey::Secret const& s) { return latchkey::ToJson(s, true); });
      break;
    case 9:
      RoundTrip(
          *body, [](json const& j) { return latchkey::ResourcesReportFromJson(j); },
          [](latchkey::ResourcesReport const& r) { return latchkey::ToJson(r); });
      break;
    case 10:
      RoundTrip(
          *body, [](json const& j) { return latchkey::ComponentFromJson(j); },
          [](latchkey::StackComponent const& c) { return latchkey::ToJson(c); });
      break;
    default:
      RoundTrip(
          *body, [](json const& j) { return latchkey::StackFromJson(j); },
          [](latchkey::Stack const& s) { return latchkey::ToJson(s); });
      break;
  }
  return 0;
}
