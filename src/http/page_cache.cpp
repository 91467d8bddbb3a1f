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

std::shared_ptr<const CachedPage> PageCache::get(const std::string& url) const {
  std::shared_lock lock(mu_);
  auto it = pages_.find(url);
  if (it == pages_.end()) return nullptr;
  if (it->second->expires <= std::chrono::steady_clock::now()) return nullptr;
  return it->second;
}

void PageCache::put(const std::string& url, std::shared_ptr<const CachedPage> page,
                    std::uint64_t generation) {
  std::unique_lock lock(mu_);
  if (generation != generation_.load()) return;  // content changed while rendering
  if (page->bytes() > max_bytes_ / 4) return;    // also: a cache of size 0 keeps nothing
  erase_locked(url);
  for (const auto& k : page->keys) by_key_[k].insert(url);
  bytes_ += page->bytes();
  pages_.emplace(url, std::move(page));
  order_.push_back(url);
  while (bytes_ > max_bytes_ && !order_.empty()) {
    std::string victim = std::move(order_.front());
    order_.pop_front();
    erase_locked(victim);
  }
  if (order_.size() > pages_.size() * 2 + 1024) {  // drop stale entries from the order queue
    std::deque<std::string> fresh;
    for (auto& u : order_)
      if (pages_.count(u)) fresh.push_back(std::move(u));
    order_.swap(fresh);
  }
}

void PageCache::erase_locked(const std::string& url) {
  auto it = pages_.find(url);
  if (it == pages_.end()) return;
  for (const auto& k : it->second->keys) {
    auto b = by_key_.find(k);
    if (b == by_key_.end()) continue;
    b->second.erase(url);
    if (b->second.empty()) by_key_.erase(b);
  }
  bytes_ -= it->second->bytes();
  pages_.erase(it);
}

std::size_t PageCache::purge(const std::vector<std::string>& keys) {
  std::unique_lock lock(mu_);
  generation_++;
  std::size_t n = 0;
  for (const auto& k : keys) {
    if (k == "*") {
      n += pages_.size();
      pages_.clear();
      by_key_.clear();
      order_.clear();
      bytes_ = 0;
      return n;
    }
    auto b = by_key_.find(k);
    if (b == by_key_.end()) continue;
    std::vector<std::string> urls(b->second.begin(), b->second.end());
    for (const auto& u : urls) {
      erase_locked(u);
      ++n;
    }
  }
  return n;
}

std::size_t PageCache::size() const {
  std::shared_lock lock(mu_);
  return pages_.size();
}

std::size_t PageCache::bytes() const {
  std::shared_lock lock(mu_);
  return bytes_;
}

}  // namespace herald::http
