#include "service/credential_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace latchkey {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// A deadlock guard, not a performance bound: a correct cache answers in microseconds.
constexpr seconds kStuck{30};

class FakeClock {
 public:
  TimePoint Now() const { return TimePoint(seconds(now_->load())); }
  void Advance(seconds d) { *now_ += d.count(); }
  std::function<TimePoint()> Fn() const {
    return [now = now_] { return TimePoint(seconds(now->load())); };
  }

 private:
  std::shared_ptr<std::atomic<int64_t>> now_ =
      std::make_shared<std::atomic<int64_t>>(1'800'000'000);
};

CredentialCacheKey Key(std::string connector = "c1", int64_t version = 1,
                       std::string resource = "repo") {
  return CredentialCacheKey{std::move(connector), version, "docker-registry", std::move(resource),
                            ""};
}

// Issues "token-N" (N counts calls) valid for `lifetime`, or without expiry.
class Issuer {
 public:
  Issuer(FakeClock const& clock, std::optional<seconds> lifetime)
      : clock_(clock), lifetime_(lifetime) {}
  CredentialCache::IssueFn Fn() {
    return [this]() -> Result<Connector> {
      Connector c;
      c.id = "c1";
      c.secrets["token"] = "token-" + std::to_string(++calls);
      if (lifetime_) c.expires_at = clock_.Now() + *lifetime_;
      return c;
    };
  }
  std::atomic<int> calls{0};

 private:
  FakeClock const& clock_;
  std::optional<seconds> lifetime_;
};

std::string Token(Result<Connector> const& r) { return r ? r->secrets.at("token") : "error"; }

class CredentialCacheTest : public ::testing::Test {
 protected:
  CredentialCache MakeCache(CredentialCacheOptions options = {}) {
    options.clock = clock.Fn();
    return CredentialCache(std::move(options));
  }
  FakeClock clock;
};

TEST_F(CredentialCacheTest, ConcurrentCallersOfOneKeyShareOneIssue) {
  constexpr int kThreads = 16;
  CredentialCache cache(CredentialCacheOptions{.clock = clock.Fn()});
  std::atomic<int> calls{0};
  std::latch release(1);
  auto issue = [&]() -> Result<Connector> {
    ++calls;
    release.wait();
    Connector c;
    c.secrets["token"] = "shared-" + std::to_string(calls.load());
    c.expires_at = clock.Now() + minutes(60);
    return c;
  };
  std::vector<std::string> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { got[i] = Token(cache.GetOrIssue(Key(), issue)); });
  }
  // Every caller has missed (and so is issuing or waiting) before the issue may finish.
  while (cache.Stats().misses < kThreads) std::this_thread::yield();
  release.count_down();
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
  for (std::string const& token : got) EXPECT_EQ(token, "shared-1");
  CredentialCacheStats stats = cache.Stats();
  EXPECT_EQ(stats.issued, 1u);
  EXPECT_EQ(stats.hits, 0u);
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issue)), "shared-1");
  EXPECT_EQ(cache.Stats().hits, 1u);
}

TEST_F(CredentialCacheTest, ASlowIssueDoesNotBlockAnotherKey) {
  CredentialCache cache = MakeCache();
  std::promise<void> a_started;
  std::promise<void> b_done;
  std::future<void> b_done_future = b_done.get_future();
  std::future_status a_saw = std::future_status::deferred;
  auto issue_a = [&]() -> Result<Connector> {
    a_started.set_value();
    a_saw = b_done_future.wait_for(kStuck);
    Connector c;
    c.secrets["token"] = "a";
    return c;
  };
  std::thread a([&] { cache.GetOrIssue(Key("a"), issue_a); });
  a_started.get_future().wait();
  auto b = cache.GetOrIssue(Key("b"), [] {
    Connector c;
    c.secrets["token"] = "b";
    return Result<Connector>(c);
  });
  b_done.set_value();
  a.join();
  EXPECT_EQ(Token(b), "b");
  EXPECT_EQ(a_saw, std::future_status::ready) << "key b waited for key a's issue";
}

TEST_F(CredentialCacheTest, ServesUntilTheRefreshMarginThenReissues) {
  CredentialCache cache = MakeCache();
  Issuer issuer(clock, minutes(60));
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-1");
  clock.Advance(minutes(55) - seconds(1));
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-1");
  clock.Advance(seconds(1));  // 5 minutes before expiry: no longer served
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-2");
  EXPECT_EQ(issuer.calls.load(), 2);
}

TEST_F(CredentialCacheTest, CredentialsWithoutExpiryLiveForMaxTtl) {
  CredentialCache cache = MakeCache({.max_ttl = minutes(2)});
  Issuer issuer(clock, std::nullopt);
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-1");
  clock.Advance(minutes(2) - seconds(1));
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-1");
  clock.Advance(seconds(1));
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-2");
}

TEST_F(CredentialCacheTest, MarginIsCappedAtHalfTheLifetime) {
  // A 15-minute EKS token with a 10-minute margin is still served for 7.5 minutes.
  CredentialCache cache = MakeCache({.refresh_margin = minutes(10)});
  Issuer issuer(clock, minutes(15));
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-1");
  clock.Advance(seconds(449));
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-1");
  clock.Advance(seconds(1));
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-2");

  // With the default 5-minute margin a 6-minute credential is served for 3 minutes.
  CredentialCache defaults = MakeCache();
  Issuer short_lived(clock, minutes(6));
  EXPECT_EQ(Token(defaults.GetOrIssue(Key(), short_lived.Fn())), "token-1");
  clock.Advance(seconds(179));
  EXPECT_EQ(Token(defaults.GetOrIssue(Key(), short_lived.Fn())), "token-1");
  clock.Advance(seconds(1));
  EXPECT_EQ(Token(defaults.GetOrIssue(Key(), short_lived.Fn())), "token-2");
}

TEST_F(CredentialCacheTest, ExpiredCredentialsAreNotCached) {
  CredentialCache cache = MakeCache();
  Issuer issuer(clock, seconds(0));
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-1");
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-2");
  EXPECT_EQ(cache.Stats().entries, 0u);
}

TEST_F(CredentialCacheTest, EveryWaiterGetsTheErrorAndItIsNotCached) {
  constexpr int kThreads = 8;
  CredentialCache cache = MakeCache();
  std::atomic<int> calls{0};
  std::latch release(1);
  auto failing = [&]() -> Result<Connector> {
    ++calls;
    release.wait();
    return Fail(ErrorCode::kUnavailable, "provider down");
  };
  std::vector<std::optional<Error>> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = cache.GetOrIssue(Key(), failing);
      if (!r) got[i] = r.error();
    });
  }
  while (cache.Stats().misses < kThreads) std::this_thread::yield();
  release.count_down();
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
  for (auto const& e : got) {
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, ErrorCode::kUnavailable);
    EXPECT_EQ(e->message, "provider down");
  }
  EXPECT_EQ(cache.Stats().errors, 1u);
  EXPECT_EQ(cache.Stats().entries, 0u);

  Issuer issuer(clock, minutes(60));
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-1");
}

TEST_F(CredentialCacheTest, AThrowingIssuerBecomesAnErrorForEveryone) {
  CredentialCache cache = MakeCache();
  auto r = cache.GetOrIssue(
      Key(), []() -> Result<Connector> { throw std::runtime_error("secret-in-message"); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
  EXPECT_EQ(r.error().message.find("secret-in-message"), std::string::npos);
  EXPECT_FALSE(cache.GetOrIssue(Key(), CredentialCache::IssueFn()));
}

TEST_F(CredentialCacheTest, InvalidateDropsOnlyThatConnector) {
  CredentialCache cache = MakeCache();
  Issuer one(clock, minutes(60)), two(clock, minutes(60));
  cache.GetOrIssue(Key("c1", 1, "x"), one.Fn());
  cache.GetOrIssue(Key("c1", 1, "y"), one.Fn());
  cache.GetOrIssue(Key("c2", 1, "x"), two.Fn());
  cache.InvalidateConnector("c1");
  EXPECT_EQ(cache.Stats().entries, 1u);
  EXPECT_EQ(Token(cache.GetOrIssue(Key("c1", 1, "x"), one.Fn())), "token-3");
  EXPECT_EQ(Token(cache.GetOrIssue(Key("c2", 1, "x"), two.Fn())), "token-1");
  EXPECT_EQ(two.calls.load(), 1);
}

TEST_F(CredentialCacheTest, AnIssueInFlightDuringInvalidationIsNotCached) {
  CredentialCache cache = MakeCache();
  Issuer issuer(clock, minutes(60));
  auto invalidating = [&]() -> Result<Connector> {
    cache.InvalidateConnector("c1");  // an update lands while the provider is being called
    return issuer.Fn()();
  };
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), invalidating)), "token-1");
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-2");
}

TEST_F(CredentialCacheTest, ANewVersionEvictsTheOldAndTheOldIsNeverServed) {
  CredentialCache cache = MakeCache();
  Issuer issuer(clock, minutes(60));
  EXPECT_EQ(Token(cache.GetOrIssue(Key("c1", 1), issuer.Fn())), "token-1");
  EXPECT_EQ(Token(cache.GetOrIssue(Key("c1", 2), issuer.Fn())), "token-2");
  EXPECT_EQ(cache.Stats().entries, 1u);
  // A caller that read the connector before its update is answered but not cached.
  EXPECT_EQ(Token(cache.GetOrIssue(Key("c1", 1), issuer.Fn())), "token-3");
  EXPECT_EQ(Token(cache.GetOrIssue(Key("c1", 1), issuer.Fn())), "token-4");
  EXPECT_EQ(Token(cache.GetOrIssue(Key("c1", 2), issuer.Fn())), "token-2");
  EXPECT_EQ(cache.Stats().entries, 1u);
}

TEST_F(CredentialCacheTest, EvictsTheLeastRecentlyUsed) {
  CredentialCache cache = MakeCache({.max_entries = 2});
  Issuer a(clock, minutes(60)), b(clock, minutes(60)), c(clock, minutes(60));
  cache.GetOrIssue(Key("a"), a.Fn());
  cache.GetOrIssue(Key("b"), b.Fn());
  cache.GetOrIssue(Key("a"), a.Fn());  // a is now more recent than b
  cache.GetOrIssue(Key("c"), c.Fn());
  CredentialCacheStats stats = cache.Stats();
  EXPECT_EQ(stats.entries, 2u);
  EXPECT_EQ(stats.evictions, 1u);
  EXPECT_EQ(Token(cache.GetOrIssue(Key("a"), a.Fn())), "token-1");
  EXPECT_EQ(Token(cache.GetOrIssue(Key("c"), c.Fn())), "token-1");
  EXPECT_EQ(Token(cache.GetOrIssue(Key("b"), b.Fn())), "token-2");
}

TEST_F(CredentialCacheTest, BytesAreBoundedAndCountedInUsage) {
  // Each entry is one 3,000-byte token plus ~1 KB of structure: a 10 KB bound holds two.
  auto big = [&](std::string token) -> CredentialCache::IssueFn {
    return [token = std::move(token), this]() -> Result<Connector> {
      Connector c;
      c.secrets["token"] = token + std::string(3000, 'x');
      c.expires_at = clock.Now() + minutes(60);
      return c;
    };
  };
  CredentialCache cache = MakeCache({.max_bytes = 10'000});
  cache.GetOrIssue(Key("a"), big("a"));
  cache.GetOrIssue(Key("b"), big("b"));
  CacheUsage two = cache.Usage();
  EXPECT_EQ(two.entries, 2u);
  EXPECT_GT(two.bytes, 6000u);
  EXPECT_LE(two.bytes, 10'000u);
  EXPECT_EQ(two.max_bytes, 10'000u);
  cache.GetOrIssue(Key("c"), big("c"));  // evicts a, the least recently used
  CacheUsage three = cache.Usage();
  EXPECT_EQ(three.entries, 2u);
  EXPECT_LE(three.bytes, 10'000u);
  EXPECT_EQ(cache.Stats().evictions, 1u);
  // Credentials larger than the whole bound are answered but not kept.
  auto huge = [this]() -> Result<Connector> {
    Connector c;
    c.secrets["token"] = std::string(20'000, 'h');
    c.expires_at = clock.Now() + minutes(60);
    return c;
  };
  EXPECT_EQ(cache.GetOrIssue(Key("huge"), huge)->secrets.at("token").size(), 20'000u);
  EXPECT_EQ(cache.Usage().entries, 2u);
  EXPECT_LE(cache.Usage().bytes, 10'000u);
  // Invalidation gives the bytes back.
  cache.InvalidateConnector("b");
  cache.InvalidateConnector("c");
  EXPECT_EQ(cache.Usage().entries, 0u);
  EXPECT_EQ(cache.Usage().bytes, 0u);
}

TEST_F(CredentialCacheTest, RefreshExpiringRenewsOnlyEntriesUsedSinceTheirIssue) {
  CredentialCache cache = MakeCache();  // margin 5 min, refresh 1 min ahead of it
  Issuer hot(clock, minutes(60)), cold(clock, minutes(60));
  cache.GetOrIssue(Key("hot"), hot.Fn());
  cache.GetOrIssue(Key("cold"), cold.Fn());
  clock.Advance(minutes(30));
  cache.GetOrIssue(Key("hot"), hot.Fn());
  EXPECT_EQ(cache.RefreshExpiring(), 0u);  // nothing near its margin yet

  clock.Advance(minutes(24));  // 54 min: inside the refresh window, still served
  EXPECT_EQ(cache.RefreshExpiring(), 1u);
  EXPECT_EQ(hot.calls.load(), 2);
  EXPECT_EQ(cold.calls.load(), 1);
  EXPECT_EQ(Token(cache.GetOrIssue(Key("hot"), hot.Fn())), "token-2");
  EXPECT_EQ(cache.Stats().refreshed, 1u);

  // Past its margin the unused entry is dropped; the refreshed one is far from its own.
  clock.Advance(minutes(2));
  EXPECT_EQ(cache.RefreshExpiring(), 0u);
  EXPECT_EQ(cache.Stats().entries, 1u);
  EXPECT_EQ(Token(cache.GetOrIssue(Key("hot"), hot.Fn())), "token-2");
}

TEST_F(CredentialCacheTest, RefreshExpiringRenewsUsedEntriesInsideTheMargin) {
  CredentialCache cache = MakeCache({.refresh_ahead = seconds(0)});
  Issuer issuer(clock, minutes(60));
  cache.GetOrIssue(Key(), issuer.Fn());
  clock.Advance(minutes(1));
  cache.GetOrIssue(Key(), issuer.Fn());
  clock.Advance(minutes(56));  // 3 minutes before expiry
  EXPECT_EQ(cache.RefreshExpiring(), 1u);
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issuer.Fn())), "token-2");
  EXPECT_EQ(cache.Stats().hits, 2u);
}

TEST_F(CredentialCacheTest, CallersGetTheOldCredentialsWhileARefreshRuns) {
  CredentialCache cache = MakeCache();
  Issuer issuer(clock, minutes(60));
  std::promise<void> refresh_started;
  std::promise<void> caller_done;
  std::future<void> caller_done_future = caller_done.get_future();
  std::future_status refresh_saw = std::future_status::deferred;
  // The first call issues at once; the second, RefreshExpiring's, waits for the caller below.
  std::atomic<int> calls{0};
  auto issue = [&]() -> Result<Connector> {
    if (calls++ > 0) {
      refresh_started.set_value();
      refresh_saw = caller_done_future.wait_for(kStuck);
    }
    return issuer.Fn()();
  };
  cache.GetOrIssue(Key(), issue);
  cache.GetOrIssue(Key(), issue);
  clock.Advance(minutes(54));

  std::thread refresher([&] { EXPECT_EQ(cache.RefreshExpiring(), 1u); });
  refresh_started.get_future().wait();
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issue)), "token-1");
  caller_done.set_value();
  refresher.join();
  EXPECT_EQ(refresh_saw, std::future_status::ready) << "the caller waited for the refresh";
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), issue)), "token-2");
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(CredentialCacheTest, AFailedRefreshKeepsCredentialsThatStillAnswer) {
  CredentialCache cache = MakeCache();
  Issuer issuer(clock, minutes(60));
  bool fail = false;
  auto flaky = [&]() -> Result<Connector> {
    if (fail) return Fail(ErrorCode::kUnavailable, "provider down");
    return issuer.Fn()();
  };
  cache.GetOrIssue(Key(), flaky);
  cache.GetOrIssue(Key(), flaky);
  clock.Advance(minutes(54));
  fail = true;
  EXPECT_EQ(cache.RefreshExpiring(), 0u);
  EXPECT_EQ(cache.Stats().errors, 1u);
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), flaky)), "token-1");
  fail = false;
  EXPECT_EQ(cache.RefreshExpiring(), 1u);  // still used since its issue: tried again
  EXPECT_EQ(Token(cache.GetOrIssue(Key(), flaky)), "token-2");
}

}  // namespace
}  // namespace latchkey
