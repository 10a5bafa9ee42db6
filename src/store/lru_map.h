// LruMap: a map that remembers the order its entries were last touched, so
// the least recently used can be found and evicted in O(1). Not
// thread-safe: StoredHistory holds one per shard under the shard's mutex.
#pragma once

#include <cstddef>
#include <list>
#include <unordered_map>
#include <utility>

namespace spamgate {

template <typename Key, typename Value>
class LruMap {
 public:
  // The value for `key` marked as just used, or nullptr.
  Value* touch(const Key& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  // The value for `key` without changing the order, or nullptr.
  Value* peek(const Key& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->second;
  }

  // Inserts `key` (which must be absent) as the most recently used.
  Value& insert(const Key& key, Value value) {
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    return order_.front().second;
  }

  // The value of the least recently used entry, or nullptr when empty.
  const Value* oldest() const { return order_.empty() ? nullptr : &order_.back().second; }

  // Removes the least recently used entry; the map must not be empty.
  void pop_oldest() {
    index_.erase(order_.back().first);
    order_.pop_back();
  }

  size_t size() const { return index_.size(); }

  // Calls fn(key, value) for every entry, most recently used first.
  template <typename Fn>
  void for_each(Fn&& fn) {
    for (auto& [key, value] : order_) fn(static_cast<const Key&>(key), value);
  }

 private:
  std::list<std::pair<Key, Value>> order_;
  std::unordered_map<Key, typename std::list<std::pair<Key, Value>>::iterator> index_;
};

}  // namespace spamgate
