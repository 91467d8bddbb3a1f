// The EventBus carries live events between the parts of the server: the newsroom publishes a
// story, the live hub hands it to every WebSocket subscribed to the edition's newsfeed.
// Each event gets a position on its channel: increasing, one authority per channel (the
// in-process bus numbers 1, 2, 3, ...; a JetStream bus uses its stream sequence, which may
// skip). Positions are comparable within one epoch, the identity of the bus's history; a
// reader holds an opaque cursor (epoch and position) and resumes from it. The bus keeps a
// short history per channel for those resumes.
//
// This file has the interface and the in-process implementation; a NATS one (several nodes)
// sits behind the same interface, so nothing may rely on delivery being in-process or
// synchronous. Thread-safe.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::live {

struct BusEvent {
  std::string channel;                       // "newsfeed:en", "chat:en", "story:123"
  std::uint64_t seq = 0;                     // the position on its channel (increasing)
  std::shared_ptr<const std::string> data;   // a JSON object
  std::int64_t at = 0;                       // Unix time of publication
};

class EventBus {
 public:
  virtual ~EventBus() = default;
  // Publishes a JSON object on `channel`; returns the number the bus gave it (0: the bus could
  // not take it; logged). Listeners see each channel's events in order, soon after (not
  // necessarily before this returns). A non-empty `id` makes a repeat of the same publication
  // (another node, a retry) a no-op within minutes.
  virtual std::uint64_t publish(const std::string& channel, std::string data,
                                const std::string& id) = 0;
  std::uint64_t publish(const std::string& channel, std::string data) {
    return publish(channel, std::move(data), std::string());
  }
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

  // The identity of this bus's numbering. It changes when the history is lost (an in-process
  // bus that restarted); a cursor of another epoch cannot be resumed.
  virtual std::string epoch() const = 0;
  // Whether some reader on this node follows `channel`: a bus that fetches per channel (NATS)
  // takes only those. Called by the hub's thread when a channel gains its first follower (on)
  // or loses its last (off).
  virtual void interest(const std::string& channel, bool on) {
    (void)channel;
    (void)on;
  }
  // Whether events published now reach the other nodes (an in-process bus always does).
  virtual bool connected() const { return true; }
  // since() for callers that must not wait (the hub's thread): `done` gets the answer, on
  // this thread or another. The in-process bus answers at once.
  using Missed = std::function<void(std::optional<std::vector<BusEvent>>)>;
  virtual void since_async(const std::string& channel, std::uint64_t after, Missed done) {
    done(since(channel, after));
  }
};

// A reader's position on a channel as the protocol carries it: "<epoch>.<position>". Opaque to
// clients; nullopt when `text` is not one.
struct Cursor {
  std::string epoch;
  std::uint64_t seq = 0;
};
std::string cursor_text(const std::string& epoch, std::uint64_t seq);
std::optional<Cursor> parse_cursor(std::string_view text);

struct BusOptions {
  std::size_t history_per_channel = 500;
  std::chrono::seconds history_age{3600};
  std::size_t max_channels = 100000;  // history of the least recently used channels is dropped
};

std::unique_ptr<EventBus> in_process_bus(BusOptions options = {});

}  // namespace herald::live
