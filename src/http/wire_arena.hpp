// Cached responses copied once into memory files (memfd), so that the server can send them
// with sendfile instead of copying them into the socket on every hit. A span is written once
// and never again: a file's pages may still sit in a socket's send queue long after the page
// cache dropped the span, and the kernel sends whatever those pages hold when it sends them.
// Spans go one after another into files of chunk_bytes (at most a 16th of max_bytes); a file
// is closed when the last span in it is gone (its pages are freed when the last socket has
// sent them). The files together hold at most max_bytes: past that, keep() says no, and those
// pages are sent from memory as before.
// Thread safety: all methods are safe to call concurrently.
#pragma once
#include <atomic>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string_view>

#include "net/message.hpp"

namespace herald::http {

class WireArena {
 public:
  explicit WireArena(std::size_t max_bytes, std::size_t chunk_bytes = 8u << 20);
  ~WireArena();
  WireArena(const WireArena&) = delete;
  WireArena& operator=(const WireArena&) = delete;

  // The parts, one after the other, as one span; an empty span (false) when the arena is full,
  // the parts are empty, or this system has no memory files.
  net::WireSpan keep(std::initializer_list<std::string_view> parts);
  // Bytes held by the files still open (spans alive, and the current file's free room).
  std::size_t bytes() const { return tally_->bytes.load(); }
  std::size_t files() const { return tally_->files.load(); }

 private:
  struct File;
  // What the open files hold; shared with them, since a file may outlive the arena.
  struct Tally {
    std::atomic<std::size_t> bytes{0}, files{0};
  };
  std::shared_ptr<File> open_file(std::size_t size);
  std::size_t max_bytes_, chunk_bytes_;
  std::shared_ptr<Tally> tally_ = std::make_shared<Tally>();
  std::mutex mu_;
  std::shared_ptr<File> current_;
  bool unavailable_ = false;
};

}  // namespace herald::http
