// The EventBus carries live events between the parts of the server: the newsroom publishes a
// story, the live hub hands it to every WebSocket subscribed to the edition's newsfeed.
// Events are numbered per channel (1, 2, 3, ...) by the bus, and the bus keeps a short history
// per channel so that a client that reconnects can ask for what it missed.
//
// This file has the interface and the in-process implementation; a NATS one (several nodes)
// will sit behind the same interface, so nothing may rely on delivery being in-process or
// synchronous. Thread-safe.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace herald::live {

struct BusEvent {
  std::string channel;                       // "newsfeed:en", "chat:en", "story:123"
  std::uint64_t seq = 0;                     // per channel, from 1, no gaps
  std::shared_ptr<const std::string> data;   // a JSON object
  std::int64_t at = 0;                       // Unix time of publication
};

class EventBus {
 public:
  virtual ~EventBus() = default;
  // Publishes a JSON object on `channel`; returns the number the bus gave it. Listeners see
  // each channel's events in order, soon after (not necessarily before this returns).
  virtual std::uint64_t publish(const std::string& channel, std::string data) = 0;
  using Listener = std::function<void(const BusEvent&)>;
  // Every event of every channel. Returns a token for unsubscribe(). Listeners must be quick
  // and must not call back into the bus.
  virtual std::uint64_t subscribe(Listener listener) = 0;
  virtual void unsubscribe(std::uint64_t token) = 0;
  // The events of `channel` after `after_seq`, oldest first; nullopt when some of them are no
  // longer kept (the client has been away too long and must reload).
  virtual std::optional<std::vector<BusEvent>> since(const std::string& channel,
                                                     std::uint64_t after_seq) = 0;
  // The newest number on `channel` (0: nothing published yet).
  virtual std::uint64_t last_seq(const std::string& channel) = 0;
  // Rewrites the kept history of `channel`: each event for which `edit` returns a value gets
  // that value as its data (same number, so resumes stay gapless). Used to take deleted chat
  // lines out of what reconnecting clients are sent. Returns how many events changed.
  using Redaction = std::function<std::optional<std::string>(const BusEvent&)>;
  virtual std::size_t redact(const std::string& channel, const Redaction& edit) = 0;
};

struct BusOptions {
  std::size_t history_per_channel = 500;
  std::chrono::seconds history_age{3600};
  std::size_t max_channels = 100000;  // history of the least recently used channels is dropped
};

std::unique_ptr<EventBus> in_process_bus(BusOptions options = {});

}  // namespace herald::live
