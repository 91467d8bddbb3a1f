// The anonymous page cache: rendered responses kept in memory, each tagged with the content
// keys it shows ("article:12", "section:3", "home:1", ...), purged by key when that content
// changes, and bounded in bytes (oldest entries leave first) and in age.
// Thread safety: all methods are safe to call concurrently. A large cache is cut into shards
// by address, each with its own lock, budget and eviction order (I/O threads storing and
// reading pages seldom wait for one another); a small one (under 8 MiB) is one shard.
#pragma once
#include <atomic>
#include <cstddef>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/wire_arena.hpp"
#include "net/message.hpp"

namespace herald::http {

struct CachedPage {
  // A response as it goes out: head (net::ready_head) and body, made once.
  struct Ready {
    std::shared_ptr<const std::string> head;
    std::shared_ptr<const std::string> body;
    net::WireSpan wire;  // head, blank line and body in a memory file (when there was room)
  };
  int status = 200;
  std::string content_type;
  std::string cache_control;
  std::string etag;           // quoted strong validator
  std::string last_modified;  // RFC 1123, may be empty
  std::int64_t last_modified_unix = 0;
  std::shared_ptr<const std::string> body;
  bool compressible = false;  // text worth compressing
  std::vector<std::string> keys;
  std::chrono::steady_clock::time_point expires;
  // The headers of an answer from the cache, but Content-Length and Content-Encoding (304s
  // send these); `head` is them serialised with the plain body's length.
  net::Headers headers;
  std::shared_ptr<const std::string> head;
  // Where the page's wire spans go (PageCache::seal); null: it is always sent from memory.
  std::shared_ptr<WireArena> arena;
  // Budgeted as if the gzip copy were present (a third of the body), twice when the page may
  // also be kept in the arena.
  std::size_t bytes() const {
    std::size_t b = body ? body->size() + body->size() / 3 : 0;
    return (arena ? 2 * b : b) + 256;
  }
  // The whole response (head, blank line, body) in a memory file, to be sent with sendfile on
  // a keep-alive HTTP/1.1 GET: made on the page's first hit (a page read once never costs the
  // copy); null when the page has no arena or the arena had no room. The gzip copy has its own.
  std::shared_ptr<const net::WireSpan> wire() const;
  // The gzip copy, made on the first request that accepts it; null when not compressible.
  std::shared_ptr<const std::string> gzip_body() const;
  // The gzip copy with its own serialised head; null when not compressible.
  std::shared_ptr<const Ready> gzip_ready() const;

 private:
  mutable std::atomic<std::shared_ptr<const Ready>> gzip_;
  mutable std::atomic<std::shared_ptr<const net::WireSpan>> wire_;
  mutable std::atomic<bool> wire_busy_{false};
};

class PageCache {
 public:
  explicit PageCache(std::size_t max_bytes);

  std::shared_ptr<const CachedPage> get(const std::string& url) const;
  // Stores `page` unless a purge happened after `generation` was read (the page may be stale).
  void put(const std::string& url, std::shared_ptr<const CachedPage> page,
           std::uint64_t generation);
  // Read before rendering a page that will be put().
  std::uint64_t generation() const { return generation_.load(); }
  // Removes every page tagged with any of `keys`; "*" removes everything. Returns how many.
  std::size_t purge(const std::vector<std::string>& keys);
  std::size_t size() const;
  std::size_t bytes() const;
  // References in the keys' lists, dead ones included (tests: they stay bounded).
  std::size_t key_references() const;
  // Lets `page` keep its wire spans in the cache's arena (which holds at most the cache's own
  // budget), unless it is too large; call before put().
  void seal(CachedPage& page) const;
  const WireArena& arena() const { return *arena_; }

 private:
  // A shard keeps each page in a slot; its url index, its keys' lists and its eviction order
  // name the slot with the serial it had when the page was stored, so that a page that leaves
  // (evicted, replaced) costs no work in the keys' lists: a reference whose serial no longer
  // matches is dead, skipped by a purge and dropped when the lists are compacted.
  struct Slot {
    std::string url;
    std::shared_ptr<const CachedPage> page;  // null: free
    std::uint64_t serial = 0;
  };
  struct Ref {
    std::uint32_t slot;
    std::uint64_t serial;
  };
  struct Shard {
    mutable std::shared_mutex mu;
    std::deque<Slot> slots;  // a deque: a slot's url stays where it is, for `pages`' views
    std::vector<std::uint32_t> free_slots;
    std::unordered_map<std::string_view, std::uint32_t> pages;  // url (the slot's) -> slot
    std::unordered_map<std::string, std::vector<Ref>> by_key;
    std::deque<Ref> order;  // storing order, for eviction
    std::size_t refs = 0;       // references in by_key's lists
    std::size_t live_refs = 0;  // ... of pages still here
    std::uint64_t next_serial = 1;
    std::size_t bytes = 0;
    std::size_t max_bytes = 0;
    bool live(Ref r) const { return slots[r.slot].page && slots[r.slot].serial == r.serial; }
    // Removes the page in `slot`; it goes to `gone` (released once the lock is let go).
    void erase(std::uint32_t slot, std::vector<std::shared_ptr<const CachedPage>>& gone);
    void clear(std::vector<std::shared_ptr<const CachedPage>>& gone);
    void compact();  // drops dead references once they outnumber the live ones
  };
  Shard& shard_of(const std::string& url) const;
  template <class Count>
  std::size_t over_shards(Count count) const;  // sum of count(shard), each under its lock
  std::size_t max_bytes_;
  std::unique_ptr<Shard[]> shards_;
  std::size_t shard_count_ = 1;
  std::atomic<std::uint64_t> generation_{0};
  std::shared_ptr<WireArena> arena_;
};

}  // namespace herald::http
