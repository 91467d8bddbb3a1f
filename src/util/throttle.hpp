// Sliding-window rate limits. A key ("login-ip:127.0.0.1") may see at most `limit` events
// within `window` seconds. `Limiter` is what services count with: in memory on one node
// (Throttle, below), or in the shared database across nodes (storage::Stores::limits()).
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

// Thread safety: every method may be called from any thread.
class Limiter {
 public:
  virtual ~Limiter() = default;
  // Seconds until another event under `key` would be allowed; 0 when it is allowed now.
  virtual std::int64_t wait(const std::string& key, int limit, std::int64_t window,
                            std::int64_t now) = 0;
  // Records one event under `key`.
  virtual void record(const std::string& key, std::int64_t window, std::int64_t now) = 0;
  // wait() and, when allowed, record(), as one step: the usual "try to do it" call.
  virtual std::int64_t hit(const std::string& key, int limit, std::int64_t window,
                           std::int64_t now) = 0;
  virtual void clear(const std::string& key) = 0;
};

class Throttle final : public Limiter {
 public:
  explicit Throttle(std::size_t max_keys = 200000) : max_per_shard_(max_keys / kShards + 1) {}
  std::int64_t wait(const std::string& key, int limit, std::int64_t window,
                    std::int64_t now) override;
  void record(const std::string& key, std::int64_t window, std::int64_t now) override;
  std::int64_t hit(const std::string& key, int limit, std::int64_t window,
                   std::int64_t now) override;
  void clear(const std::string& key) override;
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
