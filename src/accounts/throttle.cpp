#include "accounts/throttle.hpp"

#include <algorithm>

namespace herald::accounts {

std::int64_t Throttle::wait(const std::string& key, int limit, std::int64_t window,
                            std::int64_t now) {
  std::lock_guard lock(mu_);
  auto it = events_.find(key);
  if (it == events_.end()) return 0;
  auto& q = it->second;
  while (!q.empty() && q.front() <= now - window) q.pop_front();
  if (static_cast<int>(q.size()) < limit) return 0;
  // Allowed again once enough of the oldest events have left the window.
  return std::max<std::int64_t>(1, q[q.size() - static_cast<std::size_t>(limit)] + window - now);
}

void Throttle::record(const std::string& key, std::int64_t window, std::int64_t now) {
  std::lock_guard lock(mu_);
  if (now - last_sweep_ > 60 || events_.size() >= max_keys_) sweep(now);
  auto& q = events_[key];
  q.push_back(now);
  if (q.size() > 1000) q.pop_front();
  auto& w = window_[key];
  w = std::max(w, window);
}

std::int64_t Throttle::hit(const std::string& key, int limit, std::int64_t window,
                           std::int64_t now) {
  if (auto w = wait(key, limit, window, now)) return w;
  record(key, window, now);
  return 0;
}

void Throttle::clear(const std::string& key) {
  std::lock_guard lock(mu_);
  events_.erase(key);
  window_.erase(key);
}

void Throttle::sweep(std::int64_t now) {
  last_sweep_ = now;
  for (auto it = events_.begin(); it != events_.end();) {
    auto w = window_[it->first];
    if (it->second.empty() || it->second.back() <= now - w) {
      window_.erase(it->first);
      it = events_.erase(it);
    } else {
      ++it;
    }
  }
  // Still full: drop the keys whose newest event is oldest.
  while (events_.size() >= max_keys_) {
    auto oldest = std::min_element(events_.begin(), events_.end(), [](auto& a, auto& b) {
      return a.second.back() < b.second.back();
    });
    window_.erase(oldest->first);
    events_.erase(oldest);
  }
}

}  // namespace herald::accounts
