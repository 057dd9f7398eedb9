// Expected signatures were computed with Python's hmac/hashlib from the documented
// string-to-sign forms, independently of the code under test.
#include <gtest/gtest.h>

#include "connectors/azure/blob_sas.h"
#include "connectors/azure/shared_key.h"

namespace latchkey::azure {
namespace {

constexpr char kSasTestKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

TimePoint At(std::string const& iso) { return *ParseTimestamp(iso); }

ContainerSas Sas() {
  return {"devstoreaccount1",         "lk-a", "rl", At("2026-01-01T00:00:00Z"),
          At("2026-01-01T01:00:00Z"), false};
}

TEST(AzureSharedKey, ListContainersOnAPathStyleEndpoint) {
  HttpRequest r;
  r.url = "http://127.0.0.1:10000/devstoreaccount1/?comp=list&maxresults=5000";
  r.headers = {{"x-ms-version", "2021-12-02"}};
  ASSERT_TRUE(SignSharedKey(r, "devstoreaccount1", kSasTestKey, At("2026-01-01T00:00:00Z")));
  EXPECT_EQ(SharedKeyStringToSign(r, "devstoreaccount1"),
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Thu, 01 Jan 2026 00:00:00 GMT\n"
            "x-ms-version:2021-12-02\n/devstoreaccount1/devstoreaccount1/\ncomp:list\n"
            "maxresults:5000");
  EXPECT_EQ(r.headers.back().second,
            "SharedKey devstoreaccount1:jWIgVtfxLYw1z70G0TVsQnCAed1M/9aGo60WhqnWKaY=");
}

TEST(AzureSharedKey, BodyLengthAndHostStyleResource) {
  HttpRequest r;
  r.method = "PUT";
  r.url = "https://acct.blob.core.windows.net/c/a%20b?restype=container&Comp=x";
  r.body = "12345";
  r.headers = {{"X-Ms-Date", "d"}, {"Content-Type", "text/plain"}};
  EXPECT_EQ(SharedKeyStringToSign(r, "acct"),
            "PUT\n\n\n5\n\ntext/plain\n\n\n\n\n\n\nx-ms-date:d\n/acct/c/a%20b\ncomp:x\n"
            "restype:container");
  EXPECT_FALSE(SignSharedKey(r, "acct", "not base64!", At("2026-01-01T00:00:00Z")));
}

TEST(AzureSas, ServiceSasIsTheSixteenLineForm) {
  EXPECT_EQ(ServiceSasStringToSign(Sas()),
            "rl\n2026-01-01T00:00:00Z\n2026-01-01T01:00:00Z\n/blob/devstoreaccount1/lk-a\n\n\n"
            "https,http\n2021-12-02\nc\n\n\n\n\n\n\n");
  auto q = MakeServiceSas(Sas(), kSasTestKey);
  ASSERT_TRUE(q);
  EXPECT_EQ(*q,
            "sv=2021-12-02&spr=https%2Chttp&st=2026-01-01T00%3A00%3A00Z&se=2026-01-01T01%3A00%"
            "3A00Z&sr=c&sp=rl&sig=h2Cl6N4aha%2FbXzOfXtlnC50g7oYwto%2FJs0IjYt%2BeZ%2B0%3D");
}

TEST(AzureSas, UserDelegationSasNamesTheKey) {
  UserDelegationKey key{"oid",        "tid", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "b",
                        "2021-12-02", kSasTestKey};
  ContainerSas sas = Sas();
  sas.https_only = true;
  EXPECT_EQ(UserDelegationSasStringToSign(sas, key),
            "rl\n2026-01-01T00:00:00Z\n2026-01-01T01:00:00Z\n/blob/devstoreaccount1/lk-a\n"
            "oid\ntid\n2026-01-01T00:00:00Z\n2026-01-02T00:00:00Z\nb\n2021-12-02\n\n\n\n\n"
            "https\n2021-12-02\nc\n\n\n\n\n\n\n");
  auto q = MakeUserDelegationSas(sas, key);
  ASSERT_TRUE(q);
  EXPECT_NE(q->find("&skoid=oid&sktid=tid&"), std::string::npos);
  EXPECT_NE(q->find("spr=https&"), std::string::npos);
  EXPECT_NE(q->find("&sig="), std::string::npos);
}

TEST(AzureSas, PermissionsAreValidatedAndOrdered) {
  EXPECT_EQ(*NormalizeSasPermissions("lr"), "rl");
  EXPECT_EQ(*NormalizeSasPermissions("ldwcar"), "racwdl");
  EXPECT_EQ(*NormalizeSasPermissions("rrl"), "rl");
  EXPECT_FALSE(NormalizeSasPermissions(""));
  auto bad = NormalizeSasPermissions("rx");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'x'"), std::string::npos);
}

}  // namespace
}  // namespace latchkey::azure
