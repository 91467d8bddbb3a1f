#include "http/page_cache.hpp"

#include <mutex>

#include "http/compress.hpp"

namespace herald::http {

namespace {
// A ready response as the server sends it (head, the blank line, body) in the arena.
net::WireSpan keep_response(WireArena& arena, const std::string& head, const std::string& body) {
  return arena.keep({head, "\r\n", body});
}
}  // namespace

std::shared_ptr<const CachedPage::Ready> CachedPage::gzip_ready() const {
  if (!compressible || !body) return nullptr;
  auto z = gzip_.load();
  if (!z) {  // two threads may both compress the first time; either result is right
    auto made = gzip(*body);
    if (made.empty() || made.size() >= body->size()) return nullptr;
    auto r = std::make_shared<Ready>();
    r->body = std::make_shared<const std::string>(std::move(made));
    net::Headers h = headers;
    h.emplace_back("Content-Encoding", "gzip");
    auto text = net::ready_head(status, h, r->body->size());
    if (!text.empty()) r->head = std::make_shared<const std::string>(std::move(text));
    if (r->head && arena) r->wire = keep_response(*arena, *r->head, *r->body);
    z = std::move(r);
    gzip_.store(z);
  }
  return z;
}

std::shared_ptr<const std::string> CachedPage::gzip_body() const {
  auto z = gzip_ready();
  return z ? z->body : nullptr;
}

std::shared_ptr<const net::WireSpan> CachedPage::wire() const {
  if (!arena || !head || !body) return nullptr;
  if (auto w = wire_.load()) return w;
  if (wire_busy_.exchange(true)) return nullptr;  // (being made by another thread)
  auto span = keep_response(*arena, *head, *body);
  if (!span) {  // the arena is full: a later hit tries again
    wire_busy_.store(false);
    return nullptr;
  }
  auto w = std::make_shared<const net::WireSpan>(std::move(span));
  wire_.store(w);
  return w;
}

void PageCache::seal(CachedPage& page) const {
  if (!page.head || !page.body) return;
  page.arena = arena_;
  if (page.bytes() > max_bytes_ / 4) page.arena.reset();
}

namespace {
// Shards of at least 4 MiB, at most 16: a small cache keeps one budget and one order.
std::size_t shards_for(std::size_t max_bytes) {
  std::size_t n = max_bytes / (4u << 20);
  return n < 2 ? 1 : n > 16 ? 16 : n;
}
}  // namespace

PageCache::PageCache(std::size_t max_bytes)
    : max_bytes_(max_bytes),
      shards_(new Shard[shards_for(max_bytes)]),
      shard_count_(shards_for(max_bytes)),
      arena_(std::make_shared<WireArena>(max_bytes)) {
  for (std::size_t i = 0; i < shard_count_; ++i) shards_[i].max_bytes = max_bytes / shard_count_;
}

PageCache::Shard& PageCache::shard_of(const std::string& url) const {
  if (shard_count_ == 1) return shards_[0];
  return shards_[std::hash<std::string>{}(url) % shard_count_];
}

std::shared_ptr<const CachedPage> PageCache::get(const std::string& url) const {
  auto& sh = shard_of(url);
  std::shared_ptr<const CachedPage> page;
  {
    std::shared_lock lock(sh.mu);
    auto it = sh.pages.find(std::string_view(url));
    if (it == sh.pages.end()) return nullptr;
    page = sh.slots[it->second].page;
  }
  if (page->expires <= std::chrono::steady_clock::now()) return nullptr;
  return page;
}

void PageCache::put(const std::string& url, std::shared_ptr<const CachedPage> page,
                    std::uint64_t generation) {
  if (page->bytes() > max_bytes_ / 4) return;  // also: a cache of size 0 keeps nothing
  auto& sh = shard_of(url);
  std::vector<std::shared_ptr<const CachedPage>> gone;  // freed after the lock
  std::unique_lock lock(sh.mu);
  // A purge raises the generation before it takes the shards' locks: a page rendered before
  // it is refused here, or stored before the purge reaches this shard and removed by it.
  if (generation != generation_.load()) return;
  if (auto it = sh.pages.find(std::string_view(url)); it != sh.pages.end()) sh.erase(it->second, gone);
  std::uint32_t i;
  if (!sh.free_slots.empty()) {
    i = sh.free_slots.back();
    sh.free_slots.pop_back();
  } else {
    i = static_cast<std::uint32_t>(sh.slots.size());
    sh.slots.emplace_back();
  }
  Slot& slot = sh.slots[i];
  slot.url.assign(url);  // a reused slot keeps its buffer
  slot.serial = sh.next_serial++;
  Ref ref{i, slot.serial};
  for (const auto& k : page->keys) sh.by_key[k].push_back(ref);
  sh.refs += page->keys.size();
  sh.live_refs += page->keys.size();
  sh.bytes += page->bytes();
  slot.page = std::move(page);
  sh.pages.emplace(std::string_view(slot.url), i);
  sh.order.push_back(ref);
  while (sh.bytes > sh.max_bytes && !sh.order.empty()) {
    Ref victim = sh.order.front();
    sh.order.pop_front();
    if (sh.live(victim)) sh.erase(victim.slot, gone);
  }
  sh.compact();
  lock.unlock();
}

void PageCache::Shard::erase(std::uint32_t i, std::vector<std::shared_ptr<const CachedPage>>& gone) {
  Slot& slot = slots[i];
  if (!slot.page) return;
  pages.erase(std::string_view(slot.url));
  bytes -= slot.page->bytes();
  live_refs -= slot.page->keys.size();
  gone.push_back(std::move(slot.page));
  slot.page = nullptr;
  slot.serial = 0;
  free_slots.push_back(i);
}

void PageCache::Shard::clear(std::vector<std::shared_ptr<const CachedPage>>& gone) {
  for (auto& slot : slots)
    if (slot.page) gone.push_back(std::move(slot.page));
  slots.clear();
  free_slots.clear();
  pages.clear();
  by_key.clear();
  order.clear();
  refs = live_refs = 0;
  bytes = 0;
}

void PageCache::Shard::compact() {
  if (order.size() > pages.size() * 2 + 1024) {
    std::deque<Ref> fresh;
    for (Ref r : order)
      if (live(r)) fresh.push_back(r);
    order.swap(fresh);
  }
  if (refs > live_refs * 2 + 4096) {
    for (auto it = by_key.begin(); it != by_key.end();) {
      auto& list = it->second;
      std::erase_if(list, [this](Ref r) { return !live(r); });
      if (list.empty())
        it = by_key.erase(it);
      else
        ++it;
    }
    refs = live_refs;
  }
}

std::size_t PageCache::purge(const std::vector<std::string>& keys) {
  generation_++;
  std::size_t n = 0;
  bool all = false;
  for (const auto& k : keys) all = all || k == "*";
  for (std::size_t i = 0; i < shard_count_; ++i) {
    auto& sh = shards_[i];
    std::vector<std::shared_ptr<const CachedPage>> gone;
    std::unique_lock lock(sh.mu);
    if (all) {
      n += sh.pages.size();
      sh.clear(gone);
      continue;
    }
    for (const auto& k : keys) {
      auto b = sh.by_key.find(k);
      if (b == sh.by_key.end()) continue;
      for (Ref r : b->second) {
        if (!sh.live(r)) continue;
        sh.erase(r.slot, gone);
        ++n;
      }
      sh.refs -= b->second.size();
      sh.by_key.erase(b);
    }
    lock.unlock();
  }
  return n;
}

template <class Count>
std::size_t PageCache::over_shards(Count count) const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    std::shared_lock lock(shards_[i].mu);
    n += count(shards_[i]);
  }
  return n;
}

std::size_t PageCache::key_references() const {
  return over_shards([](const Shard& s) { return s.refs; });
}

std::size_t PageCache::size() const {
  return over_shards([](const Shard& s) { return s.pages.size(); });
}

std::size_t PageCache::bytes() const {
  return over_shards([](const Shard& s) { return s.bytes; });
}

}  // namespace herald::http
