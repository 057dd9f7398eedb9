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

template <class V>
class RevisionCache {
 public:
  explicit RevisionCache(size_t max_entries) : max_entries_(max_entries) {}

  std::optional<V> Get(std::string const& key, int64_t revision) const {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.first != revision) return std::nullopt;
    return it->second.second;
  }

  // Files `value`, read at `revision` (read before the value, never after: see Store::Revision).
  void Put(std::string key, int64_t revision, V value) {
    std::lock_guard lock(mu_);
    if (entries_.size() >= max_entries_ && !entries_.count(key)) {
      // Entries of older revisions can never hit again; drop them first, everything if that
      // is not enough (the cache refills at the cost of one ordinary read per key).
      std::erase_if(entries_, [revision](auto const& e) { return e.second.first < revision; });
      if (entries_.size() >= max_entries_) entries_.clear();
    }
    entries_.insert_or_assign(std::move(key), std::pair(revision, std::move(value)));
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }

 private:
  size_t const max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::pair<int64_t, V>> entries_;
};

}  // namespace latchkey
