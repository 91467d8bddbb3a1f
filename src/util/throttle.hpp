// Sliding-window rate limits kept in memory (one node; a shared store comes with multi-node).
// A key ("login-ip:127.0.0.1") may see at most `limit` events within `window` seconds.
// Thread-safe: keys are spread over 16 shards, each with its own lock. Memory is bounded:
// keys whose window has passed are swept (a shard at a time, at most once a minute), and at
// most `max_keys` keys are kept. When the table is full, a new key is counted in its shard's
// overflow entry rather than pushing out anyone's counter: flooding the table with keys cannot
// reset the count of the account or address under attack.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace herald::util {

class Throttle {
 public:
  explicit Throttle(std::size_t max_keys = 200000) : max_per_shard_(max_keys / kShards + 1) {}
  // Seconds until another event under `key` would be allowed; 0 when it is allowed now.
  std::int64_t wait(const std::string& key, int limit, std::int64_t window, std::int64_t now);
  // Records one event under `key`.
  void record(const std::string& key, std::int64_t window, std::int64_t now);
  // wait() and, when allowed, record(): the usual "try to do it" call.
  std::int64_t hit(const std::string& key, int limit, std::int64_t window, std::int64_t now);
  void clear(const std::string& key);
  std::size_t size();  // keys held (for tests)

 private:
  static constexpr std::size_t kShards = 16;
  struct Entry {
    std::deque<std::int64_t> times;  // oldest first
    std::int64_t window = 0;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry> keys;
    std::int64_t last_sweep = 0;
  };
  Shard& shard_of(const std::string& key);
  // The entry counting `key` (its own, or the overflow entry when the shard is full).
  Entry* find(Shard& s, const std::string& key, bool create, std::int64_t now);
  void sweep(Shard& s, std::int64_t now);
  std::array<Shard, kShards> shards_;
  std::size_t max_per_shard_;
};

}  // namespace herald::util
