// The one clock Herald reads the time of day from. Services, stores and the scheduler take a
// `const Clock&` (the system clock by default), so tests of scheduling, embargoes, throttles and
// sessions can move time themselves with a ManualClock.
// Thread safety: both clocks may be read from any thread.
#pragma once
#include <atomic>
#include <cstdint>

namespace herald::util {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch.
  virtual std::int64_t now() const = 0;
};

// The machine's wall clock (one instance for the process).
const Clock& system_clock();

// A clock that stands still until told to move (tests).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start = 1767225600) : t_(start) {}  // 2026-01-01
  std::int64_t now() const override { return t_.load(); }
  void set(std::int64_t t) { t_ = t; }
  void advance(std::int64_t seconds) { t_ += seconds; }

 private:
  std::atomic<std::int64_t> t_;
};

}  // namespace herald::util
