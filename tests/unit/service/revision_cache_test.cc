#include "service/revision_cache.h"

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

}  // namespace
}  // namespace latchkey
