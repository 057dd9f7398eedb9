// The SQLite driver's concurrency: reads on their own connections never wait for the writer,
// and a group commit in which one write fails commits the others as if each ran alone.
#include "store/sqlite/sqlite_database.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "temp_files.h"

namespace latchkey::testing {
namespace {

using sql::Connection;

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = sqlite::SqliteDatabase::Open(dir_.File("store.db"));
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Transact([](Connection& c) -> Result<void> {
      auto r = c.ExecuteScript("CREATE TABLE marks(name TEXT PRIMARY KEY)");
      if (!r) return r;
      return {};
    }));
  }

  Result<void> Insert(std::string const& name) {
    return db_->Transact([&](Connection& c) -> Result<void> {
      auto r = c.Execute("INSERT INTO marks(name) VALUES(?)", {name});
      if (!r) return tl::unexpected(r.error());
      return {};
    });
  }

  int64_t Count() {
    int64_t n = -1;
    auto r = db_->ReadOne([&](Connection& c) -> Result<void> {
      auto rows = c.Execute("SELECT count(*) FROM marks");
      if (!rows) return tl::unexpected(rows.error());
      n = rows->rows[0].Int(0);
      return {};
    });
    EXPECT_TRUE(r) << r.error().message;
    return n;
  }

  // A write that holds the writer (inside its transaction) until Release(), or until a
  // generous deadline so that a regression fails the test instead of hanging it.
  struct HeldWrite {
    std::mutex mu;
    std::condition_variable cv;
    bool inside = false, released = false, gave_up = false;
    void Release() {
      std::lock_guard lock(mu);
      released = true;
      cv.notify_all();
    }
  };
  std::thread HoldWriter(HeldWrite& held) {
    std::thread writer([this, &held] {
      (void)db_->Transact([&](Connection& c) -> Result<void> {
        auto r = c.Execute("INSERT INTO marks(name) VALUES('held')");
        if (!r) return tl::unexpected(r.error());
        std::unique_lock lock(held.mu);
        held.inside = true;
        held.cv.notify_all();
        held.gave_up =
            !held.cv.wait_for(lock, std::chrono::seconds(20), [&] { return held.released; });
        return {};
      });
    });
    std::unique_lock lock(held.mu);
    held.cv.wait(lock, [&] { return held.inside; });
    return writer;
  }

  TempDir dir_;
  std::unique_ptr<sqlite::SqliteDatabase> db_;
};

TEST_F(SqliteDatabaseTest, ReadsAreAnsweredWhileAWriteIsOpen) {
  HeldWrite held;
  std::thread writer = HoldWriter(held);
  // The open write is not visible yet, and the read does not wait for it.
  EXPECT_EQ(Count(), 0);
  held.Release();
  writer.join();
  EXPECT_FALSE(held.gave_up) << "the read waited for the writer";
  EXPECT_EQ(Count(), 1);
}

TEST_F(SqliteDatabaseTest, AFailedWriteInAGroupCommitFailsAlone) {
  ASSERT_TRUE(Insert("taken"));
  HeldWrite held;
  std::thread writer = HoldWriter(held);
  // These queue behind the held write and are committed together when it ends.
  std::vector<std::future<Result<void>>> queued;
  for (std::string name : {"a", "taken", "b", "a", "c"}) {
    queued.push_back(std::async(std::launch::async, [this, name] { return Insert(name); }));
  }
  // Give the writers time to queue (if they have not, they commit in smaller groups and the
  // outcome below is the same).
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  held.Release();
  writer.join();
  std::map<std::string, int> ok, exists;
  std::vector<std::string> names{"a", "taken", "b", "a", "c"};
  for (size_t i = 0; i < queued.size(); ++i) {
    auto r = queued[i].get();
    if (r) {
      ++ok[names[i]];
    } else {
      EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists) << r.error().message;
      ++exists[names[i]];
    }
  }
  EXPECT_EQ(ok, (std::map<std::string, int>{{"a", 1}, {"b", 1}, {"c", 1}}));
  EXPECT_EQ(exists, (std::map<std::string, int>{{"a", 1}, {"taken", 1}}));
  EXPECT_EQ(Count(), 5);  // taken, held, a, b, c
}

}  // namespace
}  // namespace latchkey::testing
