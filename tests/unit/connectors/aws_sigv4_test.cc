// AWS Signature Version 4, pinned to published vectors: the AWS SigV4 test suite (credentials
// AKIDEXAMPLE, service "service", 20150830T123600Z) and the worked examples of the S3 API
// reference (AKIAIOSFODNN7EXAMPLE, bucket examplebucket, 20130524T000000Z): "Signature
// Calculations for the Authorization Header: Transferring Payload in a Single Chunk" and
// "Authenticating Requests: Using Query Parameters". The randomised comparison with botocore
// lives in tests/integration/test_sigv4_botocore.py.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "connectors/aws/canonical_request.h"
#include "connectors/aws/signing_url.h"
#include "connectors/aws/sigv4.h"
#include "connectors/aws/uri_encoding.h"
#include "crypto/encoding.h"
#include "crypto/hmac.h"

namespace latchkey::aws {
namespace {

constexpr char kSuiteSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kS3Secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TimePoint At(long long unix_seconds) { return TimePoint(std::chrono::seconds(unix_seconds)); }
TimePoint SuiteTime() { return At(1440938160); }  // 2015-08-30T12:36:00Z
TimePoint S3DocTime() { return At(1369353600); }  // 2013-05-24T00:00:00Z

AwsCredentials SuiteCreds() { return {"AKIDEXAMPLE", kSuiteSecret, std::nullopt, std::nullopt}; }
AwsCredentials S3DocCreds() {
  return {"AKIAIOSFODNN7EXAMPLE", kS3Secret, std::nullopt, std::nullopt};
}

std::optional<std::string> HeaderOf(HttpRequest const& r, std::string const& name) {
  std::optional<std::string> found;
  for (auto const& [k, v] : r.headers) {
    if (k == name) {
      EXPECT_FALSE(found.has_value()) << "header " << name << " appears twice";
      found = v;
    }
  }
  return found;
}

std::string SignatureOf(HttpRequest const& r) {
  std::string auth = HeaderOf(r, "Authorization").value_or("");
  size_t at = auth.find("Signature=");
  return at == std::string::npos ? "" : auth.substr(at + 10);
}

// Signs a request of the AWS test suite (service "service" in us-east-1 at its fixed time).
HttpRequest SignSuite(std::string method, std::string url, HttpHeaders headers = {},
                      std::string body = "", AwsCredentials creds = SuiteCreds()) {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = std::move(headers);
  r.body = std::move(body);
  auto ok = SignRequest(r, creds, "us-east-1", "service", SuiteTime());
  EXPECT_TRUE(ok.has_value()) << ok.error().message;
  return r;
}

HttpRequest SignS3Doc(std::string method, std::string url, HttpHeaders headers = {},
                      std::string body = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = std::move(headers);
  r.body = std::move(body);
  auto ok = SignRequest(r, S3DocCreds(), "us-east-1", "s3", S3DocTime());
  EXPECT_TRUE(ok.has_value()) << ok.error().message;
  return r;
}

TEST(AwsSigV4Test, HmacSha256MatchesRfc4231) {
  // RFC 4231 test case 2.
  EXPECT_EQ(crypto::HexEncode(crypto::HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(AwsSigV4Test, AmzDateAcrossTheCalendar) {
  EXPECT_EQ(AmzDate(SuiteTime()), "20150830T123600Z");
  EXPECT_EQ(AmzDate(At(0)), "19700101T000000Z");
  EXPECT_EQ(AmzDate(At(-1)), "19691231T235959Z");
  EXPECT_EQ(AmzDate(At(951782400)), "20000229T000000Z");
  EXPECT_EQ(AmzDate(At(253402300799)), "99991231T235959Z");
  HttpRequest r;
  r.url = "https://example.amazonaws.com/";
  EXPECT_FALSE(SignRequest(r, SuiteCreds(), "us-east-1", "service", At(253402300800)));
}

TEST(AwsSigV4Test, GetVanillaEveryStep) {
  HttpRequest r;
  r.url = "https://example.amazonaws.com/";
  SigningTrace trace;
  SigningOptions opts;
  opts.trace = &trace;
  ASSERT_TRUE(SignRequest(r, SuiteCreds(), "us-east-1", "service", SuiteTime(), opts));
  EXPECT_EQ(trace.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n" +
                std::string(kEmptySha256));
  EXPECT_EQ(trace.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(HeaderOf(r, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(HeaderOf(r, "x-amz-date"), "20150830T123600Z");
  EXPECT_EQ(HeaderOf(r, "host"), "example.amazonaws.com");
  // Other services learn nothing from x-amz-content-sha256, so it is only sent to S3.
  EXPECT_FALSE(HeaderOf(r, "x-amz-content-sha256").has_value());
  EXPECT_EQ(r.url, "https://example.amazonaws.com/");
}

TEST(AwsSigV4Test, TestSuiteVectors) {
  std::string const u = "https://example.amazonaws.com";
  EXPECT_EQ(SignatureOf(SignSuite(
                "GET", u + "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")),
            "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f");  // get-unreserved
  EXPECT_EQ(SignatureOf(SignSuite("GET", u + "//example//")),
            "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84");  // get-slashes
  EXPECT_EQ(SignatureOf(SignSuite("GET", u + "/?Param2=value2&Param1=value1")),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
  EXPECT_EQ(SignatureOf(SignSuite("GET", u + "/?Param1=value2&Param1=value1")),
            "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694");
  // get-vanilla-utf8-query: the raw U+1234 in the suite's request line is sent (and signed) as
  // its UTF-8 escapes.
  HttpRequest utf8 = SignSuite("GET", u + "/?\xE1\x88\xB4=bar");
  EXPECT_EQ(SignatureOf(utf8), "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04");
  EXPECT_EQ(utf8.url, u + "/?%E1%88%B4=bar");
  EXPECT_EQ(SignatureOf(SignSuite("POST", u + "/")),
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");  // post-vanilla
  EXPECT_EQ(SignatureOf(SignSuite("POST", u + "/",
                                  {{"Content-Type", "application/x-www-form-urlencoded"}},
                                  "Param1=value1")),
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

TEST(AwsSigV4Test, TestSuiteHeaderVectors) {
  std::string const u = "https://example.amazonaws.com/";
  HttpRequest order = SignSuite("GET", u,
                                {{"My-Header1", "value4"},
                                 {"My-Header1", "value1"},
                                 {"My-Header1", "value3"},
                                 {"My-Header1", "value2"}});
  EXPECT_EQ(SignatureOf(order), "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01");
  HttpRequest duplicate = SignSuite(
      "GET", u, {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}});
  EXPECT_EQ(SignatureOf(duplicate),
            "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");
  HttpRequest trim =
      SignSuite("GET", u, {{"My-Header1", " value1"}, {"My-Header2", "\"a   b   c\""}});
  EXPECT_EQ(SignatureOf(trim), "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
  // Trimming is for the signature only: the header is sent as written.
  EXPECT_EQ(HeaderOf(trim, "My-Header2"), "\"a   b   c\"");
}

TEST(AwsSigV4Test, TestSuiteSessionToken) {
  AwsCredentials creds = SuiteCreds();
  creds.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
  HttpRequest r = SignSuite("GET", "https://example.amazonaws.com/", {}, "", creds);
  EXPECT_EQ(HeaderOf(r, "x-amz-security-token"), *creds.session_token);
  EXPECT_EQ(HeaderOf(r, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date;x-amz-security-token, "
            "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
}

TEST(AwsSigV4Test, TestSuiteNormalizePathCanonicalUris) {
  // The normalize-path group's canonical URIs (get-relative, get-relative-relative,
  // get-slash-dot-slash, get-slash-pointless-dot, get-slashes).
  EXPECT_EQ(CanonicalUri("/example/..", false), "/");
  EXPECT_EQ(CanonicalUri("/example1/example2/../..", false), "/");
  EXPECT_EQ(CanonicalUri("/./", false), "/");
  EXPECT_EQ(CanonicalUri("/./example", false), "/example");
  EXPECT_EQ(CanonicalUri("//example//", false), "/example/");
  EXPECT_EQ(SignatureOf(SignSuite("GET", "https://example.amazonaws.com/example/..")),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  // get-space and get-utf8 put a raw space and raw UTF-8 on the request line, which no HTTP
  // client sends; sent as %20 / %E1%88%B4, the path is encoded a second time, as the service
  // does on receipt.
  HttpRequest space = SignSuite("GET", "https://example.amazonaws.com/example space/");
  EXPECT_EQ(space.url, "https://example.amazonaws.com/example%20space/");
  EXPECT_EQ(CanonicalUri("/example%20space/", false), "/example%2520space/");
  EXPECT_EQ(CanonicalUri("/%E1%88%B4", false), "/%25E1%2588%25B4");
}

TEST(AwsSigV4Test, S3DocGetObject) {
  SigningTrace trace;
  HttpRequest r;
  r.url = "https://examplebucket.s3.amazonaws.com/test.txt";
  r.headers = {{"Range", "bytes=0-9"}};
  SigningOptions opts;
  opts.trace = &trace;
  ASSERT_TRUE(SignRequest(r, S3DocCreds(), "us-east-1", "s3", S3DocTime(), opts));
  EXPECT_EQ(trace.canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:" +
                std::string(kEmptySha256) +
                "\nx-amz-date:20130524T000000Z\n\n"
                "host;range;x-amz-content-sha256;x-amz-date\n" +
                kEmptySha256);
  EXPECT_EQ(trace.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(HeaderOf(r, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(HeaderOf(r, "x-amz-content-sha256"), kEmptySha256);
}

TEST(AwsSigV4Test, S3DocPutObject) {
  // The key "test$file.text" is sent encoded once; S3 signs the path as sent.
  HttpRequest r = SignS3Doc(
      "PUT", "https://examplebucket.s3.amazonaws.com/test%24file.text",
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
      "Welcome to Amazon S3.");
  EXPECT_EQ(HeaderOf(r, "x-amz-content-sha256"),
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(HeaderOf(r, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  // The same key written raw is encoded before sending, to the same signature.
  HttpRequest raw = SignS3Doc(
      "PUT", "https://examplebucket.s3.amazonaws.com/test$file.text",
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
      "Welcome to Amazon S3.");
  EXPECT_EQ(raw.url, "https://examplebucket.s3.amazonaws.com/test%24file.text");
  EXPECT_EQ(SignatureOf(raw), SignatureOf(r));
}

TEST(AwsSigV4Test, S3DocBucketQueries) {
  // GET Bucket Lifecycle: a bare parameter name signs as "lifecycle=" but is sent bare.
  HttpRequest lifecycle = SignS3Doc("GET", "https://examplebucket.s3.amazonaws.com/?lifecycle");
  EXPECT_EQ(SignatureOf(lifecycle),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  EXPECT_EQ(lifecycle.url, "https://examplebucket.s3.amazonaws.com/?lifecycle");
  // GET Bucket (List Objects): parameters sorted by name.
  HttpRequest list =
      SignS3Doc("GET", "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J");
  EXPECT_EQ(SignatureOf(list), "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(AwsSigV4Test, S3DocPresignedUrl) {
  SigningTrace trace;
  auto url = PresignUrl("GET", "https://examplebucket.s3.amazonaws.com/test.txt", S3DocCreds(),
                        "us-east-1", "s3", S3DocTime(), std::chrono::hours(24), {}, &trace);
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(*url,
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  EXPECT_EQ(trace.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04");
}

TEST(AwsSigV4Test, EksTokenUrlShape) {
  AwsCredentials creds = S3DocCreds();
  creds.session_token = "FwoG/ZXIvYXdz+EJr//token==";
  SigningTrace trace;
  auto url = PresignUrl(
      "GET", "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
      creds, "us-west-2", "sts", S3DocTime(), std::chrono::seconds(60),
      {{"x-k8s-aws-id", "my-cluster"}}, &trace);
  ASSERT_TRUE(url) << url.error().message;
  std::string const prefix =
      "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
      "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-west-2%2Fsts%2Faws4_request"
      "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id"
      "&X-Amz-Security-Token=FwoG%2FZXIvYXdz%2BEJr%2F%2Ftoken%3D%3D&X-Amz-Signature=";
  ASSERT_EQ(url->substr(0, prefix.size()), prefix);
  EXPECT_EQ(url->size(), prefix.size() + 64);
  // STS is not S3: the empty payload is hashed, and the cluster header is signed.
  EXPECT_NE(trace.canonical_request.find("host:sts.us-west-2.amazonaws.com\nx-k8s-aws-id:my-cluster"
                                         "\n\nhost;x-k8s-aws-id\n" +
                                         std::string(kEmptySha256)),
            std::string::npos);
}

TEST(AwsSigV4Test, PresignKeepsRepeatedAndEmptyParameters) {
  SigningTrace trace;
  auto url = PresignUrl("GET", "https://example.amazonaws.com/?b=2&a=&b=1&flag", SuiteCreds(),
                        "us-east-1", "service", SuiteTime(), std::chrono::seconds(30), {}, &trace);
  ASSERT_TRUE(url);
  // Sent in the given order, each with '=' as botocore writes them.
  EXPECT_EQ(url->rfind("https://example.amazonaws.com/?b=2&a=&b=1&flag=&X-Amz-Algorithm=", 0), 0u);
  // Signed in byte order, where "X-Amz-..." sorts before lower-case names.
  EXPECT_NE(trace.canonical_request.find("&X-Amz-SignedHeaders=host&a=&b=1&b=2&flag=\n"),
            std::string::npos);
}

TEST(AwsSigV4Test, UriEncoding) {
  EXPECT_EQ(UriEncode("a b+c=d/e~f_g.h-i*"), "a%20b%2Bc%3Dd%2Fe~f_g.h-i%2A");
  EXPECT_EQ(UriEncode("dir/k\xC3\xA9y", /*keep_slash=*/true), "dir/k%C3%A9y");
  EXPECT_EQ(NormalizeEncoding("a%2fb%7E%41 c+%zz%", false), "a%2Fb~A%20c%2B%25zz%25");
  EXPECT_EQ(NormalizeEncoding("/a%2Fb/c d", true), "/a%2Fb/c%20d");
  EXPECT_EQ(RemoveDotSegments("/a/./b/../c//d/"), "/a/c/d/");
  EXPECT_EQ(RemoveDotSegments("/a/b/.."), "/a");  // botocore's reading; see uri_encoding.h
  EXPECT_EQ(RemoveDotSegments("/../.."), "/");
  EXPECT_EQ(RemoveDotSegments("/a/..b/.c"), "/a/..b/.c");
}

TEST(AwsSigV4Test, CanonicalQuerySortsByEncodedNameThenValue) {
  EXPECT_EQ(CanonicalQuery(ParseQuery("b=2&a=10&a=9&c&a=&&d=x=y")), "a=&a=10&a=9&b=2&c=&d=x%3Dy");
  // Sorted on the encoded text: "%2F" (0x25) before "." (0x2E), upper case before lower.
  EXPECT_EQ(CanonicalQuery(ParseQuery("x=a.b&x=a%2fb&X=1")), "X=1&x=a%2Fb&x=a.b");
  EXPECT_EQ(CanonicalQuery(ParseQuery("q=a+b&r=a%20b")), "q=a%2Bb&r=a%20b");
  EXPECT_EQ(FormatQuery(ParseQuery("b&a=1&&"), false), "b&a=1");
}

TEST(AwsSigV4Test, CanonicalHeaders) {
  CanonicalHeaders h = CanonicalizeHeaders({{"X-B", "  two   words \t here "},
                                            {"x-a", ""},
                                            {"X-b", "second"},
                                            {"User-Agent", "curl"},
                                            {"Connection", "close"}});
  EXPECT_EQ(h.block, "x-a:\nx-b:two words here,second\n");
  EXPECT_EQ(h.signed_headers, "x-a;x-b");
}

TEST(AwsSigV4Test, HostHeaderFromUrl) {
  auto host = [](std::string const& url) {
    auto parsed = ParseSigningUrl(url);
    return parsed ? parsed->host : "error: " + parsed.error().message;
  };
  EXPECT_EQ(host("https://Bucket.S3.Amazonaws.com/k"), "bucket.s3.amazonaws.com");
  EXPECT_EQ(host("https://h:443/"), "h");
  EXPECT_EQ(host("http://h:80"), "h");
  EXPECT_EQ(host("http://h:443/"), "h:443");
  EXPECT_EQ(host("http://user:pw@127.0.0.1:9000/b?x"), "127.0.0.1:9000");
  EXPECT_EQ(host("http://[::1]:8080/"), "[::1]:8080");
  EXPECT_EQ(host("https://[FE80::1]/"), "[fe80::1]");
  EXPECT_EQ(host("ftp://h/").substr(0, 6), "error:");
  EXPECT_EQ(host("h/path").substr(0, 6), "error:");
  EXPECT_EQ(host("http://h:x/").substr(0, 6), "error:");
  EXPECT_EQ(host("http:///path").substr(0, 6), "error:");
}

TEST(AwsSigV4Test, PathRulesS3AndOtherServices) {
  // Other services: dot and empty segments go, both from the signature and from the URL sent.
  HttpRequest other = SignSuite("get", "https://example.amazonaws.com/a/./b/../c//d%7e?x=1#frag");
  EXPECT_EQ(other.method, "GET");
  EXPECT_EQ(other.url, "https://example.amazonaws.com/a/c/d~?x=1");
  // S3 keeps the key as written (only its encoding is normalised), and an empty path is "/".
  HttpRequest s3 = SignS3Doc("GET", "https://examplebucket.s3.amazonaws.com/a/./b/..//c d");
  EXPECT_EQ(s3.url, "https://examplebucket.s3.amazonaws.com/a/./b/..//c%20d");
  HttpRequest root = SignS3Doc("GET", "https://examplebucket.s3.amazonaws.com?lifecycle");
  EXPECT_EQ(SignatureOf(root), "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  // s3_rules can be set for an S3-compatible service with another signing name.
  HttpRequest r;
  r.url = "https://example.amazonaws.com/a/../b";
  SigningOptions opts;
  opts.s3_rules = true;
  ASSERT_TRUE(SignRequest(r, SuiteCreds(), "us-east-1", "service", SuiteTime(), opts));
  EXPECT_EQ(r.url, "https://example.amazonaws.com/a/../b");
  EXPECT_TRUE(HeaderOf(r, "x-amz-content-sha256").has_value());
}

TEST(AwsSigV4Test, UnsignedPayloadAndExtraHeaders) {
  HttpRequest r;
  r.method = "PUT";
  r.url = "https://examplebucket.s3.amazonaws.com/big";
  r.body = "streamed";
  r.headers = {{"X-K8s-Aws-Id", "old"}};
  SigningOptions opts;
  opts.unsigned_payload = true;
  opts.extra_signed_headers = {{"x-k8s-aws-id", "cluster"}};
  ASSERT_TRUE(SignRequest(r, S3DocCreds(), "us-east-1", "s3", S3DocTime(), opts));
  EXPECT_EQ(HeaderOf(r, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(HeaderOf(r, "x-k8s-aws-id"), "cluster");
  EXPECT_FALSE(HeaderOf(r, "X-K8s-Aws-Id").has_value());
  EXPECT_NE(HeaderOf(r, "Authorization")
                ->find("SignedHeaders=host;x-amz-content-sha256;"
                       "x-amz-date;x-k8s-aws-id,"),
            std::string::npos);
}

TEST(AwsSigV4Test, ResigningReplacesEarlierSignatureAndKeepsExplicitHost) {
  HttpRequest r;
  r.url = "http://127.0.0.1:9000/examplebucket/test.txt";
  r.headers = {{"Host", "examplebucket.localhost:9000"}};
  AwsCredentials creds = S3DocCreds();
  creds.session_token = "token-1";
  ASSERT_TRUE(SignRequest(r, creds, "us-east-1", "s3", At(1369353600 + 3600)));
  HttpRequest once = r;
  ASSERT_TRUE(SignRequest(r, creds, "us-east-1", "s3", At(1369353600 + 3600)));
  EXPECT_EQ(r.headers, once.headers);
  EXPECT_EQ(HeaderOf(r, "Host"), "examplebucket.localhost:9000");
  EXPECT_FALSE(HeaderOf(r, "host").has_value());
  EXPECT_EQ(HeaderOf(r, "x-amz-date"), "20130524T010000Z");
  creds.session_token.reset();
  ASSERT_TRUE(SignRequest(r, creds, "us-east-1", "s3", S3DocTime()));
  EXPECT_FALSE(HeaderOf(r, "x-amz-security-token").has_value());
  EXPECT_EQ(HeaderOf(r, "x-amz-date"), "20130524T000000Z");
}

TEST(AwsSigV4Test, ErrorsNeverQuoteSecretsAndLeaveTheRequestAlone) {
  AwsCredentials creds{"AKIDEXAMPLE", "TopSecretKeyValue", "TopSecretToken", std::nullopt};
  HttpRequest r;
  r.url = "https://user:TopSecretPw@example.amazonaws.com/?X-Amz-Security-Token=TopSecretToken";
  r.headers = {{"X-Custom", "TopSecretHeader\r\nInjected: 1"}};
  HttpRequest const before = r;
  std::vector<std::string> messages;
  auto expect_failure = [&](Result<void> const& result) {
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    messages.push_back(result.error().message);
  };
  expect_failure(SignRequest(r, creds, "us-east-1", "service", SuiteTime()));  // line break
  EXPECT_EQ(r.headers, before.headers);
  EXPECT_EQ(r.url, before.url);
  EXPECT_EQ(r.method, before.method);
  r.headers.clear();
  expect_failure(SignRequest(r, creds, "us east", "service", SuiteTime()));
  expect_failure(SignRequest(r, creds, "us-east-1", "", SuiteTime()));
  expect_failure(
      SignRequest(r, {"AKID", "", std::nullopt, std::nullopt}, "us-east-1", "s", SuiteTime()));
  expect_failure(SignRequest(r, {"AK/ID", "TopSecretKeyValue", std::nullopt, std::nullopt},
                             "us-east-1", "s", SuiteTime()));
  HttpRequest bad_url = r;
  bad_url.url = "ftp://user:TopSecretPw@host/";
  expect_failure(SignRequest(bad_url, creds, "us-east-1", "service", SuiteTime()));

  auto presign_failure = [&](Result<std::string> const& result) {
    ASSERT_FALSE(result.has_value());
    messages.push_back(result.error().message);
  };
  presign_failure(PresignUrl("GET", before.url, creds, "us-east-1", "s3", SuiteTime(),
                             std::chrono::seconds(60)));  // already presigned
  presign_failure(PresignUrl("GET", "https://h/", creds, "us-east-1", "s3", SuiteTime(),
                             std::chrono::seconds(604801)));
  presign_failure(PresignUrl("GET", "https://h/", creds, "us-east-1", "s3", SuiteTime(),
                             std::chrono::seconds(0)));
  presign_failure(PresignUrl("G T", "https://h/", creds, "us-east-1", "s3", SuiteTime(),
                             std::chrono::seconds(60)));
  for (auto const& m : messages) {
    EXPECT_EQ(m.find("TopSecret"), std::string::npos) << m;
    EXPECT_FALSE(m.empty());
  }
}

}  // namespace
}  // namespace latchkey::aws
