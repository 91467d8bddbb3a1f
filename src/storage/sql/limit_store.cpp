#include "storage/sql/limit_store.hpp"

#include <algorithm>
#include <atomic>

namespace herald::storage::sql {

namespace {

// One row per counted event: rate_marks(key, at, until), written Relaxed (losing the last marks
// in a power cut only lets a few more tries in). A key's row in rate_keys is locked
// first (an upsert), so that two nodes counting the same key at once take turns.
class SqlLimits final : public util::Limiter {
 public:
  explicit SqlLimits(Db& db) : db_(db) {}

  std::int64_t wait(const std::string& key, int limit, std::int64_t window,
                    std::int64_t now) override {
    auto c = db_.reader();
    return wait_on(*c, key, limit, window, now);
  }

  void record(const std::string& key, std::int64_t window, std::int64_t now) override {
    auto w = db_.writer();
    auto& c = *w;
    Relaxed relaxed(c);
    Step tx(c, true);
    insert(c, key, window, now);
    tx.commit();
    sweep(c, now);
  }

  std::int64_t hit(const std::string& key, int limit, std::int64_t window,
                   std::int64_t now) override {
    auto w = db_.writer();
    auto& c = *w;
    Relaxed relaxed(c);
    Step tx(c, true);
    c.prepare("INSERT INTO rate_keys(key) VALUES (?1) ON CONFLICT(key) DO UPDATE SET key = excluded.key")
        .bind(1, key)
        .run();
    std::int64_t waiting = wait_on(c, key, limit, window, now);
    if (waiting == 0) insert(c, key, window, now);
    tx.commit();
    sweep(c, now);
    return waiting;
  }

  void clear(const std::string& key) override {
    auto w = db_.writer();
    auto& c = *w;
    Relaxed relaxed(c);
    c.prepare("DELETE FROM rate_marks WHERE key = ?1").bind(1, key).run();
  }

 private:
  static std::int64_t wait_on(Connection& c, const std::string& key, int limit,
                              std::int64_t window, std::int64_t now) {
    if (limit <= 0) return 0;
    // The oldest of the marks still in the window that keep the count at the limit.
    auto s = c.prepare(
        "SELECT at FROM rate_marks WHERE key = ?1 AND at > ?2 ORDER BY at DESC LIMIT 1 OFFSET ?3");
    s.bind(1, key).bind(2, now - window).bind(3, limit - 1);
    std::int64_t waiting = 0;
    if (s.step()) waiting = std::max<std::int64_t>(1, s.i64(0) + window - now);
    while (s.step()) {
    }
    return waiting;
  }

  static void insert(Connection& c, const std::string& key, std::int64_t window,
                     std::int64_t now) {
    c.prepare("INSERT INTO rate_marks(key, at, until) VALUES (?1, ?2, ?3)")
        .bind(1, key)
        .bind(2, now)
        .bind(3, now + window)
        .run();
  }

  // Marks whose window has passed, at most once a minute (and their keys).
  void sweep(Connection& c, std::int64_t now) {
    auto last = last_sweep_.load();
    if (now - last < 60 || !last_sweep_.compare_exchange_strong(last, now)) return;
    c.prepare("DELETE FROM rate_marks WHERE until < ?1").bind(1, now).run();
    c.prepare("DELETE FROM rate_keys WHERE NOT EXISTS (SELECT 1 FROM rate_marks m WHERE m.key = rate_keys.key)")
        .run();
  }

  Db& db_;
  std::atomic<std::int64_t> last_sweep_{0};
};

}  // namespace

std::unique_ptr<util::Limiter> make_limit_store(Db& db) { return std::make_unique<SqlLimits>(db); }

}  // namespace herald::storage::sql
