#include "events/relay.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>

namespace herald::events {

std::string node_name() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = 0;
  std::uint32_t r = randombytes_random();
  char tail[16];
  std::snprintf(tail, sizeof tail, "%08x", r);
  return std::string(host.data()) + ":" + std::to_string(::getpid()) + ":" + tail;
}

Relay::Relay(storage::EventStore& store, RelayOptions options, const util::Clock& clock)
    : store_(store), o_(std::move(options)), clock_(clock) {
  if (o_.node.empty()) o_.node = node_name();
  // This process's state was built from the database as it is now: older events are done.
  local_seq_ = store_.last_seq();
}

Relay::~Relay() { stop(); }

void Relay::on_every_node(Listener l) { local_.push_back(std::move(l)); }

void Relay::once(std::string consumer, Listener l) {
  once_.push_back(Consumer{std::move(consumer), std::move(l)});
}

Event Relay::typed(const storage::ContentEvent& e) {
  return Event{e.seq, e.at, kind_from(e.kind), e.edition_id, e.article_id, e.purge_keys};
}

std::size_t Relay::apply_local() {
  std::lock_guard guard(local_mu_);
  std::size_t n = 0;
  for (;;) {
    auto batch = store_.since(local_seq_.load(), o_.batch);
    if (batch.empty()) break;
    for (auto& stored : batch) {
      Event ev = typed(stored);
      for (auto& l : local_) {
        try {
          l(ev);
        } catch (const std::exception& ex) {
          spdlog::error("content event {} ({}): a listener failed: {}", ev.seq, stored.kind,
                        ex.what());
        }
      }
      local_seq_ = ev.seq;
      ++n;
    }
  }
  return n;
}

bool hold_lease(storage::EventStore& store, const std::string& consumer, const std::string& node,
                storage::UnixTime now, int lease_s) {
  if (auto st = store.consumer(consumer)) {
    bool mine = st->owner == node;
    if (!mine && st->lease_until >= now) return false;  // another node has it
    if (mine && st->lease_until - now > lease_s / 2) return true;
  }
  return store.claim(consumer, node, now, lease_s).has_value();
}

std::size_t Relay::deliver_once() {
  std::lock_guard guard(once_mu_);
  std::size_t n = 0;
  auto now = clock_.now();
  std::int64_t newest = -1;  // read once, when needed
  for (auto& c : once_) {
    // A read first: a claim is a write (an fsync), needed only to take the consumer, to
    // renew a lease past its half, or when there are events to hand over.
    if (auto st = store_.consumer(c.name)) {
      bool mine = st->owner == o_.node;
      if (!mine && st->lease_until >= now) continue;  // another node has it
      if (newest < 0) newest = store_.last_seq();
      if (mine && st->seq >= newest && st->lease_until - now > o_.lease_s / 2) continue;
    }
    auto pos = store_.claim(c.name, o_.node, now, o_.lease_s);
    if (!pos) continue;  // another node has it
    std::int64_t seq = *pos;
    bool failed = false;
    while (!failed) {
      auto batch = store_.since(seq, o_.batch);
      if (batch.empty()) break;
      for (auto& stored : batch) {
        try {
          c.fn(typed(stored));
        } catch (const std::exception& ex) {
          spdlog::error("content event {} ({}) for {}: {}; trying again", stored.seq, stored.kind,
                        c.name, ex.what());
          failed = true;
          break;
        }
        seq = stored.seq;
        ++n;
      }
      if (!store_.advance(c.name, o_.node, seq)) {
        spdlog::warn("content events for {}: another node took over at {}", c.name, seq);
        break;
      }
    }
  }
  return n;
}

void Relay::wake() {
  {
    std::lock_guard g(run_mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void Relay::start() {
  if (thread_.joinable()) return;
  // A once consumer that has never run starts at the newest event when it is first claimed:
  // claimed here, before this node answers anything, so that no event recorded after the start
  // (by the CLI or another node) falls before its position.
  try {
    deliver_once();
  } catch (const std::exception& e) {
    spdlog::error("content events: {}", e.what());
  }
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Relay::stop() {
  {
    std::lock_guard g(run_mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Relay::run() {
  std::unique_lock lock(run_mu_);
  while (!stopping_) {
    cv_.wait_for(lock, o_.poll, [this] { return woken_ || stopping_; });
    if (stopping_) break;
    woken_ = false;
    lock.unlock();
    try {
      if (auto n = apply_local()) spdlog::debug("applied {} content events", n);
      deliver_once();
    } catch (const std::exception& e) {
      spdlog::error("content events: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace herald::events
