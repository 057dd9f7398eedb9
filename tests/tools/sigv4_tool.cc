// Test-only driver for the SigV4 signer, used by tests/integration/test_sigv4_botocore.py to
// compare Latchkey's signatures with botocore's. Reads one JSON request per line on stdin and
// prints one JSON line per request on stdout, in order:
//
//   in:  {"mode": "sign" | "presign", "method": "GET", "url": "https://...",
//         "headers": [["Name", "value"], ...], "body_b64": "...",
//         "access_key": "...", "secret_key": "...", "session_token": "..." | null,
//         "region": "us-east-1", "service": "s3", "time": <unix seconds>,
//         "s3_rules": true | false | null, "unsigned_payload": false, "expires": 3600}
//   out: {"ok": true, "method": "...", "url": "...", "headers": [[name, value], ...],
//         "canonical_request": "...", "string_to_sign": "..."}
//        {"ok": false, "error": "..."}
//
// "headers" are the request's headers for "sign" and the extra signed headers for "presign".
#include <chrono>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "connectors/aws/sigv4.h"
#include "crypto/encoding.h"

namespace {

using latchkey::HttpHeaders;
using latchkey::HttpRequest;
using latchkey::TimePoint;
using latchkey::aws::AwsCredentials;
using latchkey::aws::SigningTrace;
using nlohmann::json;

json ErrorLine(std::string const& message) { return json{{"ok", false}, {"error", message}}; }

HttpHeaders HeadersOf(json const& in) {
  HttpHeaders headers;
  for (auto const& pair : in.value("headers", json::array())) {
    headers.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
  }
  return headers;
}

json Handle(json const& in) {
  AwsCredentials creds;
  creds.access_key_id = in.at("access_key").get<std::string>();
  creds.secret_access_key = in.at("secret_key").get<std::string>();
  if (in.contains("session_token") && !in["session_token"].is_null()) {
    creds.session_token = in["session_token"].get<std::string>();
  }
  std::string region = in.at("region").get<std::string>();
  std::string service = in.at("service").get<std::string>();
  TimePoint now{std::chrono::seconds(in.at("time").get<long long>())};
  SigningTrace trace;

  std::string mode = in.at("mode").get<std::string>();
  if (mode == "presign") {
    auto url = latchkey::aws::PresignUrl(
        in.at("method").get<std::string>(), in.at("url").get<std::string>(), creds, region, service,
        now, std::chrono::seconds(in.at("expires").get<long long>()), HeadersOf(in), &trace);
    if (!url) return ErrorLine(url.error().message);
    return json{{"ok", true},
                {"url", *url},
                {"canonical_request", trace.canonical_request},
                {"string_to_sign", trace.string_to_sign}};
  }
  if (mode != "sign") return ErrorLine("unknown mode '" + mode + "'");

  HttpRequest request;
  request.method = in.at("method").get<std::string>();
  request.url = in.at("url").get<std::string>();
  request.headers = HeadersOf(in);
  auto body = latchkey::crypto::Base64Decode(in.value("body_b64", ""));
  if (!body) return ErrorLine("body_b64 is not base64");
  request.body = *body;
  latchkey::aws::SigningOptions opts;
  if (in.contains("s3_rules") && !in["s3_rules"].is_null()) {
    opts.s3_rules = in["s3_rules"].get<bool>();
  }
  opts.unsigned_payload = in.value("unsigned_payload", false);
  opts.trace = &trace;
  auto signed_ok = latchkey::aws::SignRequest(request, creds, region, service, now, opts);
  if (!signed_ok) return ErrorLine(signed_ok.error().message);
  json headers = json::array();
  for (auto const& [name, value] : request.headers) headers.push_back({name, value});
  return json{{"ok", true},
              {"method", request.method},
              {"url", request.url},
              {"headers", headers},
              {"canonical_request", trace.canonical_request},
              {"string_to_sign", trace.string_to_sign}};
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json out;
    json in = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (in.is_discarded()) {
      out = ErrorLine("input line is not JSON");
    } else {
      try {
        out = Handle(in);
      } catch (std::exception const& e) {  // a missing or mistyped field
        out = ErrorLine(std::string("bad request: ") + e.what());
      }
    }
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  }
  std::cout.flush();
  return 0;
}
