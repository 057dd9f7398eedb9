#include "common/revision_cache.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

TEST(RevisionCacheTest, HitsOnlyAtTheRevisionAValueWasFiledUnder) {
  RevisionCache<std::string> cache(8);
  EXPECT_FALSE(cache.Get("a", 1));
  cache.Put("a", 1, "one");
  EXPECT_EQ(cache.Get("a", 1), "one");
  EXPECT_FALSE(cache.Get("a", 2)) << "the store moved on";
  EXPECT_FALSE(cache.Get("a", 0));
  cache.Put("a", 2, "two");
  EXPECT_EQ(cache.Get("a", 2), "two");
  EXPECT_FALSE(cache.Get("a", 1));
}

TEST(RevisionCacheTest, StaysWithinItsBoundDroppingStaleEntriesFirst) {
  RevisionCache<int> cache(3);
  cache.Put("old-1", 1, 1);
  cache.Put("old-2", 1, 2);
  cache.Put("new", 2, 3);
  cache.Put("newer", 2, 4);  // full: the two entries of revision 1 go
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Get("new", 2), 3);
  EXPECT_EQ(cache.Get("newer", 2), 4);
  cache.Put("third", 2, 5);
  cache.Put("fourth", 2, 6);  // full of current entries: start over
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Get("fourth", 2), 6);
  cache.Put("fourth", 2, 7);  // replacing an entry never evicts
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Get("fourth", 2), 7);
}

size_t StringWeight(std::string const& s) { return s.size(); }

TEST(RevisionCacheTest, StaysWithinItsByteBound) {
  RevisionCache<std::string> cache(1000, 4096, &StringWeight);
  EXPECT_EQ(cache.max_bytes(), 4096u);
  cache.Put("big", 1, std::string(2000, 'x'));
  EXPECT_FALSE(cache.Get("big", 1)) << "more than a quarter of the bound is never kept";
  for (int i = 0; i < 100; ++i) {
    cache.Put("k" + std::to_string(i), 1, std::string(500, 'y'));
    EXPECT_LE(cache.bytes(), 4096u);
  }
  EXPECT_GT(cache.size(), 0u);
  EXPECT_LT(cache.size(), 8u);
  EXPECT_EQ(cache.Get("k99", 1), std::string(500, 'y'));
  size_t before = cache.bytes();
  cache.Put("k99", 1, std::string(500, 'z'));  // replacing does not count twice
  EXPECT_EQ(cache.bytes(), before);
}

}  // namespace
}  // namespace latchkey
