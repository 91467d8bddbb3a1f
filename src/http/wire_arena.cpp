#include "http/wire_arena.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace herald::http {

struct WireArena::File {
  int fd = -1;
  std::size_t size = 0;  // reserved for this file in the arena's budget
  std::size_t used = 0;
  std::shared_ptr<Tally> tally;
  ~File() {
    if (fd >= 0) ::close(fd);
    tally->bytes -= size;
    tally->files -= 1;
  }
};

WireArena::WireArena(std::size_t max_bytes, std::size_t chunk_bytes)
    : max_bytes_(max_bytes),
      // (a small budget gets smaller files: at least 16 of them fit)
      chunk_bytes_(std::max<std::size_t>(1, std::min(chunk_bytes, max_bytes / 16))) {}

WireArena::~WireArena() = default;

std::shared_ptr<WireArena::File> WireArena::open_file(std::size_t size) {
  if (tally_->bytes.load() + size > max_bytes_) return nullptr;
  int fd = ::memfd_create("herald-pages", MFD_CLOEXEC);
  if (fd < 0) {
    unavailable_ = true;
    return nullptr;
  }
  auto f = std::make_shared<File>();
  f->fd = fd;
  f->size = size;
  f->tally = tally_;
  tally_->bytes += size;
  tally_->files += 1;
  return f;
}

net::WireSpan WireArena::keep(std::initializer_list<std::string_view> parts) {
  std::size_t n = 0;
  for (auto p : parts) n += p.size();
  if (n == 0) return {};
  std::lock_guard lock(mu_);
  if (unavailable_) return {};
  if (!current_ || current_->used + n > current_->size) {
    current_.reset();  // its spans keep it open as long as they need it
    auto f = open_file(std::max(n, chunk_bytes_));
    if (!f) return {};
    current_ = std::move(f);
  }
  auto& f = *current_;
  std::size_t at = f.used;
  for (auto p : parts) {
    std::size_t done = 0;
    while (done < p.size()) {
      ssize_t w = ::pwrite(f.fd, p.data() + done, p.size() - done,
                           static_cast<off_t>(at + done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {  // out of memory for the file: this span is not kept (nothing points at it)
        current_.reset();
        return {};
      }
      done += static_cast<std::size_t>(w);
    }
    at += p.size();
  }
  net::WireSpan span;
  span.fd = f.fd;
  span.offset = f.used;
  span.size = n;
  span.owner = current_;
  f.used += n;
  return span;
}

}  // namespace herald::http
