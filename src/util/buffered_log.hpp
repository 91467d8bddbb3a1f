// A log for hot paths (the access log): each thread appends lines to its own buffer, and a
// background thread writes the buffers to a file descriptor every `interval`, or a thread does
// so itself when its buffer passes 64 KiB. A line costs an uncontended lock and an append; no
// system call and no wake-up per line. Lines reach the file at most `interval` late; everything
// written before destruction is flushed. Thread-safe. One instance per process at a time.
#pragma once
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace herald::util {

class BufferedLog {
 public:
  BufferedLog(int fd, std::chrono::milliseconds interval);
  ~BufferedLog();
  BufferedLog(const BufferedLog&) = delete;
  BufferedLog& operator=(const BufferedLog&) = delete;

  // The calling thread's buffer, locked while `fn(std::string&)` appends to it.
  template <class Fn>
  void append(Fn&& fn) {
    Buffer& b = local();
    std::lock_guard g(b.mu);
    fn(b.data);
    if (b.data.size() > 64 * 1024) write_out(b.data);
  }
  // "2026-11-28T15:04:05.123": cached per thread per second.
  static std::string_view timestamp();

 private:
  struct Buffer {
    std::mutex mu;
    std::string data;
  };
  Buffer& local();
  void write_out(std::string& data);
  void flush_all();

  int fd_;
  std::chrono::milliseconds interval_;
  std::mutex registry_mu_;
  std::vector<std::unique_ptr<Buffer>> buffers_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread flusher_;
};

}  // namespace herald::util
