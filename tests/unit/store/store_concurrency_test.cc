// Conformance under load: many threads on one store, and two stores (two processes or server
// replicas) on one database. No lost update, no error but the expected conflicts, nothing left
// half-written.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "crypto/random.h"
#include "store_fixture.h"

namespace latchkey::testing {
namespace {

constexpr int kThreads = 8;
constexpr int kOpsPerThread = 50;

TEST_P(StoreTest, ManyThreadsCreateAndUpdateWithoutLosingAnything) {
  ASSERT_TRUE(store_->CreateConnector(MakeConnector("hot"), std::nullopt));
  // Half the threads go through a second store on the same database.
  auto second = OpenAnother();
  ASSERT_TRUE(second) << second.error().message;
  std::atomic<int> hot_wins{0}, hot_conflicts{0};
  std::mutex mu;
  std::vector<std::string> unexpected;
  auto record = [&](std::string what, Error const& e) {
    std::lock_guard lock(mu);
    unexpected.push_back(what + ": " + e.message);
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store* store = t % 2 ? second->get() : store_.get();
    threads.emplace_back([&, t, store] {
      std::string last;
      for (int i = 0; i < kOpsPerThread; ++i) {
        if (i % 2 == 0) {
          // Create one of this thread's connectors, with its own secret.
          Connector c = MakeConnector("t" + std::to_string(t) + "-" + std::to_string(i));
          auto secret = MakeInternalSecret(crypto::NewUuid());
          c.secret_id = secret.id;
          if (auto r = store->CreateConnector(c, secret); !r) record("create", r.error());
          last = c.name;
          continue;
        }
        // Update it (nobody else touches it: must succeed), replacing its secret.
        auto mine = store->FindConnector(last);
        if (!mine) {
          record("find " + last, mine.error());
          continue;
        }
        auto secret = MakeInternalSecret(crypto::NewUuid());
        mine->secret_id = secret.id;
        mine->description = "updated";
        if (auto r = store->UpdateConnector(*mine, secret); !r) record("update", r.error());
        // And try the connector every thread fights over: win or kConflict, nothing else.
        auto hot = store->FindConnector("hot");
        if (!hot) {
          record("find hot", hot.error());
          continue;
        }
        // Read-modify-write: a lost update would drop another thread's mark.
        hot->description += " t" + std::to_string(t) + "." + std::to_string(i);
        auto r = store->UpdateConnector(*hot, std::nullopt);
        if (r) {
          ++hot_wins;
        } else if (r.error().code == ErrorCode::kConflict) {
          ++hot_conflicts;
        } else {
          record("update hot", r.error());
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " unexpected errors, first: "
                                  << (unexpected.empty() ? "" : unexpected[0]);
  constexpr int kHotAttempts = kThreads * kOpsPerThread / 2;
  EXPECT_EQ(hot_wins + hot_conflicts, kHotAttempts);
  EXPECT_GT(hot_wins, 0);
  auto hot = store_->FindConnector("hot");
  ASSERT_TRUE(hot);
  EXPECT_EQ(hot->version, 1 + hot_wins) << "every successful update is counted exactly once";
  auto marks = std::count(hot->description.begin(), hot->description.end(), ' ');
  EXPECT_EQ(marks, hot_wins) << "every successful update's mark survives: " << hot->description;

  auto all = store_->ListConnectors({});
  ASSERT_TRUE(all) << all.error().message;
  constexpr int kCreated = kThreads * kOpsPerThread / 2;
  ASSERT_EQ(all->size(), static_cast<size_t>(kCreated + 1));
  for (auto const& c : *all) {
    if (c.name == "hot") continue;
    EXPECT_EQ(c.version, 2) << c.name;
    EXPECT_EQ(c.description, "updated") << c.name;
    EXPECT_EQ(c.secrets.size(), 2u) << c.name;
  }
  // Exactly one secret (two values) per connector: replaced secrets were all deleted.
  auto values = store_->ResealAll(
      [](std::string const&, EncryptedValue const& v) -> Result<EncryptedValue> { return v; });
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(*values, static_cast<size_t>(2 * kCreated));
}

TEST_P(StoreTest, ConcurrentUniqueNamesAdmitExactlyOne) {
  std::atomic<int> created{0}, exists{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto r = store_->CreateUser(MakeUser("user-" + std::to_string(i)));
        if (r) {
          ++created;
        } else if (r.error().code == ErrorCode::kAlreadyExists &&
                   r.error().message ==
                       "a user named 'user-" + std::to_string(i) + "' already exists") {
          ++exists;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(created, 10);
  EXPECT_EQ(exists, kThreads * 10 - 10);
  EXPECT_EQ(other, 0);
}

}  // namespace
}  // namespace latchkey::testing
