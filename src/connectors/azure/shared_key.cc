#include "connectors/azure/shared_key.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "common/strings.h"
#include "crypto/encoding.h"
#include "crypto/hmac.h"

namespace latchkey::azure {
namespace {

struct SplitUrl {
  std::string path;   // percent-encoded as in the URL, "/" when empty
  std::string query;  // without '?'
};

SplitUrl Split(std::string const& url) {
  auto scheme = url.find("://");
  auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  SplitUrl out;
  if (start == std::string::npos) {
    out.path = "/";
    auto q = url.find('?');
    if (q != std::string::npos) out.query = url.substr(q + 1);
    return out;
  }
  auto q = url.find('?', start);
  out.path = url.substr(start, q == std::string::npos ? std::string::npos : q - start);
  if (q != std::string::npos) out.query = url.substr(q + 1);
  return out;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string HeaderValue(HttpRequest const& r, std::string const& lower_name) {
  for (auto const& [k, v] : r.headers) {
    if (ToLower(k) == lower_name) return v;
  }
  return "";
}

}  // namespace

std::string Rfc1123Date(TimePoint t) {
  std::time_t tt = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string SharedKeyStringToSign(HttpRequest const& request, std::string const& account) {
  std::string length = request.body.empty() ? "" : std::to_string(request.body.size());
  std::string out = request.method + "\n";
  out += HeaderValue(request, "content-encoding") + "\n";
  out += HeaderValue(request, "content-language") + "\n";
  out += length + "\n";
  out += HeaderValue(request, "content-md5") + "\n";
  out += HeaderValue(request, "content-type") + "\n";
  out += "\n";  // Date: x-ms-date is always sent instead
  for (char const* h :
       {"if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"}) {
    out += HeaderValue(request, h) + "\n";
  }
  std::map<std::string, std::string> ms;
  for (auto const& [k, v] : request.headers) {
    std::string name = ToLower(k);
    if (StartsWith(name, "x-ms-")) ms[name] = Trim(v);
  }
  for (auto const& [k, v] : ms) out += k + ":" + v + "\n";
  SplitUrl url = Split(request.url);
  out += "/" + account + url.path;  // the encoded path, as the service sees it
  std::map<std::string, std::vector<std::string>> params;
  if (!url.query.empty()) {
    for (auto const& pair : latchkey::Split(url.query, '&')) {
      auto eq = pair.find('=');
      std::string key = ToLower(PercentDecode(pair.substr(0, eq)));
      std::string value = eq == std::string::npos ? "" : PercentDecode(pair.substr(eq + 1));
      params[key].push_back(value);
    }
  }
  for (auto& [k, values] : params) {
    std::sort(values.begin(), values.end());
    out += "\n" + k + ":" + Join(values, ",");
  }
  return out;
}

Result<void> SignSharedKey(HttpRequest& request, std::string const& account,
                           std::string const& account_key_base64, TimePoint now) {
  auto key = crypto::Base64Decode(account_key_base64);
  if (!key || key->empty()) {
    return Fail(ErrorCode::kInvalidArgument, "the storage account key is not valid base64");
  }
  if (HeaderValue(request, "x-ms-date").empty()) {
    request.headers.emplace_back("x-ms-date", Rfc1123Date(now));
  }
  std::string signature =
      crypto::Base64Encode(crypto::HmacSha256(*key, SharedKeyStringToSign(request, account)));
  request.headers.emplace_back("Authorization", "SharedKey " + account + ":" + signature);
  return {};
}

}  // namespace latchkey::azure
