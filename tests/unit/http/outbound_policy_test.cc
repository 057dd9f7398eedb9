#include "http/outbound_policy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

namespace latchkey {
namespace {

TEST(IpNetworkTest, ParsesAddressesAndPrefixes) {
  auto v4 = IpNetwork::Parse("10.1.0.0/16");
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->v6);
  EXPECT_EQ(v4->prefix, 16);
  EXPECT_EQ(v4->ToString(), "10.1.0.0/16");
  EXPECT_EQ(IpNetwork::Parse("127.0.0.1")->prefix, 32);
  EXPECT_EQ(IpNetwork::Parse("::1")->prefix, 128);
  auto mapped = IpNetwork::Parse("::ffff:10.0.0.0/104");
  ASSERT_TRUE(mapped);
  EXPECT_FALSE(mapped->v6);
  EXPECT_EQ(mapped->ToString(), "10.0.0.0/8");
  for (char const* bad : {"", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "host.example",
                          "10.0.0.0/8/8", "1.2.3"}) {
    auto r = IpNetwork::Parse(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_NE(r.error().message.find("is not a network"), std::string::npos);
    }
  }
}

TEST(OutboundPolicyTest, DefaultDeniesLinkLocalAndMetadataOnly) {
  OutboundPolicy policy;
  for (char const* denied :
       {"169.254.169.254", "169.254.170.2", "fe80::1", "fd00:ec2::254", "::ffff:169.254.169.254"}) {
    EXPECT_FALSE(policy.PermitsText(denied)) << denied;
  }
  for (char const* allowed :
       {"127.0.0.1", "10.0.0.5", "192.168.1.1", "::1", "8.8.8.8", "fd00:ec2::253", "169.255.0.1"}) {
    EXPECT_TRUE(policy.PermitsText(allowed)) << allowed;
  }
}

TEST(OutboundPolicyTest, OperatorDeniesAndTheMostSpecificRuleWins) {
  auto policy = OutboundPolicy::FromLists({"127.0.0.1/32"}, {"127.0.0.0/8", "::1"});
  ASSERT_TRUE(policy);
  EXPECT_TRUE(policy->PermitsText("127.0.0.1"));     // the /32 allow beats the /8 deny
  EXPECT_FALSE(policy->PermitsText("127.0.0.2"));    // the /8 deny
  EXPECT_FALSE(policy->PermitsText("::1"));          // denied
  EXPECT_FALSE(policy->PermitsText("10.0.0.1"));     // an allow list: nothing else
  EXPECT_FALSE(policy->PermitsText("169.254.1.1"));  // still denied by default
  auto lifted = OutboundPolicy::FromLists({"0.0.0.0/0", "169.254.169.254"}, {});
  ASSERT_TRUE(lifted);
  EXPECT_TRUE(lifted->PermitsText("169.254.169.254"));  // lifted by a more specific allow
  EXPECT_FALSE(lifted->PermitsText("169.254.170.2"));   // the /16 deny beats the /0 allow
  EXPECT_TRUE(lifted->PermitsText("8.8.8.8"));
  EXPECT_FALSE(lifted->PermitsText("2001:db8::1"));  // no IPv6 allow rule
  auto tie = OutboundPolicy::FromLists({"10.0.0.0/8"}, {"10.0.0.0/8"});
  EXPECT_FALSE(tie->PermitsText("10.1.1.1"));  // a deny wins a tie
  EXPECT_FALSE(OutboundPolicy::FromLists({"nope"}, {}));
  EXPECT_NE(OutboundPolicy::FromLists({}, {"10.0.0.0/99"}).error().message.find("--outbound-deny"),
            std::string::npos);
}

TEST(OutboundPolicyTest, ChecksSocketAddresses) {
  OutboundPolicy policy;
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  inet_pton(AF_INET, "169.254.169.254", &v4.sin_addr);
  EXPECT_FALSE(policy.Permits(reinterpret_cast<sockaddr const*>(&v4)));
  inet_pton(AF_INET, "127.0.0.1", &v4.sin_addr);
  EXPECT_TRUE(policy.Permits(reinterpret_cast<sockaddr const*>(&v4)));
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:169.254.169.254", &v6.sin6_addr);
  EXPECT_FALSE(policy.Permits(reinterpret_cast<sockaddr const*>(&v6)));
  sockaddr unix_socket{};
  unix_socket.sa_family = AF_UNIX;
  EXPECT_FALSE(policy.Permits(&unix_socket));
  EXPECT_FALSE(policy.Permits(nullptr));
}

}  // namespace
}  // namespace latchkey
