// A bounded, thread-safe map of values filed under the store revision they were read at
// (Store::Revision). A lookup hits only while the store is still at that revision, so a cached
// value is exactly as fresh as a new read, on this replica and after a write on any other: the
// caller pays one revision read instead of the reads and the work the value stands for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace latchkey {

// What an entry costs in memory, roughly: callers with large values (whole HTTP answers) pass
// their own weigher so the byte bound means something.
template <class V>
size_t DefaultWeight(V const&) {
  return sizeof(V);
}

template <class V>
class RevisionCache {
 public:
  using Weigher = size_t (*)(V const&);
  // Bounded by both: at most `max_entries` entries and `max_bytes` of keys and weighed values.
  explicit RevisionCache(size_t max_entries, size_t max_bytes = size_t{8} << 20,
                         Weigher weigh = &DefaultWeight<V>)
      : max_entries_(max_entries), max_bytes_(max_bytes), weigh_(weigh) {}

  std::optional<V> Get(std::string const& key, int64_t revision) const {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.revision != revision) return std::nullopt;
    return it->second.value;
  }

  // Files `value`, read at `revision` (read before the value, never after: see Store::Revision).
  // A value bigger than a quarter of the byte bound is not kept.
  void Put(std::string key, int64_t revision, V value) {
    size_t cost = Cost(key, value);
    if (cost > max_bytes_ / 4) return;
    std::lock_guard lock(mu_);
    if (auto it = entries_.find(key); it != entries_.end()) {
      bytes_ -= it->second.cost;
      entries_.erase(it);
    }
    if (entries_.size() >= max_entries_ || bytes_ + cost > max_bytes_) {
      // Entries of older revisions can never hit again; drop them first, everything if that
      // is not enough (the cache refills at the cost of one ordinary read per key).
      std::erase_if(entries_, [revision](auto const& e) { return e.second.revision < revision; });
      bytes_ = 0;
      for (auto const& e : entries_) bytes_ += e.second.cost;
      if (entries_.size() >= max_entries_ || bytes_ + cost > max_bytes_) {
        entries_.clear();
        bytes_ = 0;
      }
    }
    bytes_ += cost;
    entries_.emplace(std::move(key), Entry{revision, cost, std::move(value)});
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }
  size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }
  size_t max_entries() const { return max_entries_; }
  size_t max_bytes() const { return max_bytes_; }

 private:
  struct Entry {
    int64_t revision;
    size_t cost;
    V value;
  };
  size_t Cost(std::string const& key, V const& value) const {
    // Key, value and the hash node around them.
    return key.size() + weigh_(value) + sizeof(Entry) + 4 * sizeof(void*);
  }

  size_t const max_entries_;
  size_t const max_bytes_;
  Weigher const weigh_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  size_t bytes_ = 0;
};

}  // namespace latchkey
