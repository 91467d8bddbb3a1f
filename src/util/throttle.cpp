#include "util/throttle.hpp"

#include <algorithm>
#include <functional>

namespace herald::util {

namespace {
const std::string kOverflow = "\x01overflow";
}

Throttle::Shard& Throttle::shard_of(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

void Throttle::sweep(Shard& s, std::int64_t now) {
  s.last_sweep = now;
  for (auto it = s.keys.begin(); it != s.keys.end();) {
    auto& e = it->second;
    if (e.times.empty() || e.times.back() <= now - e.window)
      it = s.keys.erase(it);
    else
      ++it;
  }
}

Throttle::Entry* Throttle::find(Shard& s, const std::string& key, bool create, std::int64_t now) {
  if (now - s.last_sweep > 60) sweep(s, now);
  if (auto it = s.keys.find(key); it != s.keys.end()) return &it->second;
  if (!create) {
    // A key not held while the shard is full is counted in the overflow entry.
    if (s.keys.size() >= max_per_shard_)
      if (auto it = s.keys.find(kOverflow); it != s.keys.end()) return &it->second;
    return nullptr;
  }
  if (s.keys.size() >= max_per_shard_) return &s.keys[kOverflow];
  return &s.keys[key];
}

std::int64_t Throttle::wait(const std::string& key, int limit, std::int64_t window,
                            std::int64_t now) {
  auto& s = shard_of(key);
  std::lock_guard lock(s.mu);
  auto* e = find(s, key, false, now);
  if (!e) return 0;
  auto& q = e->times;
  while (!q.empty() && q.front() <= now - window) q.pop_front();
  if (static_cast<int>(q.size()) < limit) return 0;
  // Allowed again once enough of the oldest events have left the window.
  return std::max<std::int64_t>(1, q[q.size() - static_cast<std::size_t>(limit)] + window - now);
}

void Throttle::record(const std::string& key, std::int64_t window, std::int64_t now) {
  auto& s = shard_of(key);
  std::lock_guard lock(s.mu);
  auto* e = find(s, key, true, now);
  e->times.push_back(now);
  if (e->times.size() > 1000) e->times.pop_front();
  e->window = std::max(e->window, window);
}

std::int64_t Throttle::hit(const std::string& key, int limit, std::int64_t window,
                           std::int64_t now) {
  if (auto w = wait(key, limit, window, now)) return w;
  record(key, window, now);
  return 0;
}

void Throttle::clear(const std::string& key) {
  auto& s = shard_of(key);
  std::lock_guard lock(s.mu);
  s.keys.erase(key);
}

std::size_t Throttle::size() {
  std::size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.keys.size();
  }
  return n;
}

}  // namespace herald::util
