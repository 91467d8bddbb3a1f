#include "util/buffered_log.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

namespace herald::util {

namespace {
struct Local {
  const BufferedLog* owner = nullptr;
  void* buffer = nullptr;
};
thread_local Local t_local;
}  // namespace

BufferedLog::BufferedLog(int fd, std::chrono::milliseconds interval)
    : fd_(fd), interval_(interval) {
  flusher_ = std::thread([this] {
    std::unique_lock lock(stop_mu_);
    while (!stop_) {
      stop_cv_.wait_for(lock, interval_);
      lock.unlock();
      flush_all();
      lock.lock();
    }
  });
}

BufferedLog::~BufferedLog() {
  {
    std::lock_guard g(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  flusher_.join();
  flush_all();
  t_local = {};
}

BufferedLog::Buffer& BufferedLog::local() {
  if (t_local.owner != this) {
    auto b = std::make_unique<Buffer>();
    std::lock_guard g(registry_mu_);
    buffers_.push_back(std::move(b));
    t_local = {this, buffers_.back().get()};
  }
  return *static_cast<Buffer*>(t_local.buffer);
}

void BufferedLog::write_out(std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd_, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // nowhere to write: drop rather than block the server
    off += static_cast<std::size_t>(n);
  }
  data.clear();
}

void BufferedLog::flush_all() {
  std::vector<Buffer*> all;
  {
    std::lock_guard g(registry_mu_);
    for (auto& b : buffers_) all.push_back(b.get());
  }
  std::string out;
  for (auto* b : all) {
    std::lock_guard g(b->mu);
    out += b->data;
    b->data.clear();
  }
  if (!out.empty()) write_out(out);
}

std::string_view BufferedLog::timestamp() {
  thread_local char buf[32];
  thread_local std::time_t last = 0;
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  if (secs != last) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    last = secs;
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::snprintf(buf + 19, sizeof buf - 19, ".%03dZ", static_cast<int>(ms));
  return {buf, 24};
}

}  // namespace herald::util
