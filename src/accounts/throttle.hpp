// Sliding-window rate limits kept in memory (one node; a shared store comes with multi-node).
// A key ("login-ip:127.0.0.1") may see at most `limit` events within `window` seconds.
// Thread-safe. Memory is bounded: keys whose window has passed are swept, and at most
// `max_keys` keys are kept (the oldest are dropped first when full).
#pragma once
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace herald::accounts {

class Throttle {
 public:
  explicit Throttle(std::size_t max_keys = 200000) : max_keys_(max_keys) {}
  // Seconds until another event under `key` would be allowed; 0 when it is allowed now.
  std::int64_t wait(const std::string& key, int limit, std::int64_t window, std::int64_t now);
  // Records one event under `key`.
  void record(const std::string& key, std::int64_t window, std::int64_t now);
  // wait() and, when allowed, record(): the usual "try to do it" call.
  std::int64_t hit(const std::string& key, int limit, std::int64_t window, std::int64_t now);
  void clear(const std::string& key);

 private:
  void sweep(std::int64_t now);
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<std::int64_t>> events_;  // times, oldest first
  std::unordered_map<std::string, std::int64_t> window_;
  std::size_t max_keys_;
  std::int64_t last_sweep_ = 0;
};

}  // namespace herald::accounts
