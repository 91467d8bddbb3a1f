// The live hub: every open WebSocket of this node, the channels each has subscribed to, and
// the fan-out of bus events to them. The protocol is in docs/live-protocol.md.
//
// All subscription state lives on the hub's own thread: subscribing (with its replay from the
// bus's history) and delivering live events happen there in order, so a client sees each
// channel's events once each and without gaps. Sending to a connection never blocks the hub
// (net::WsConnection queues, and drops readers who are too slow).
#pragma once
#include <boost/json/fwd.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "live/bus.hpp"
#include "net/server.hpp"

namespace herald::live {

// The messages a client may send on the live channel (docs/live-protocol.md).
inline constexpr const char* kClientMessages[] = {"subscribe", "unsubscribe", "send", "ping"};

// Who is on the other end of a connection (from the session cookie; 0: a reader not logged in).
struct Member {
  std::int64_t user_id = 0;
  std::string name;
  bool staff = false;
  bool moderator = false;
  // The session (token digest) or API token the connection was opened with: a connection's
  // identity is re-read from it before each message it sends (see Channels::current).
  std::string credential;
  bool via_api_token = false;
};

// What a client's message to a channel (a chat line) came to.
struct SendResult {
  bool ok = false;
  std::string code;      // error code when !ok: "login", "muted", "banned", "slow_down", ...
  std::string message;   // for the person
  std::int64_t retry_after = 0;
  std::int64_t id = 0;   // the stored message
};

// The application's rules about channels (which may be read, what may be sent).
class Channels {
 public:
  virtual ~Channels() = default;
  // Empty when `m` may subscribe to `channel`; otherwise why not (shown to the client).
  virtual std::string check_subscribe(const Member& m, const std::string& channel) = 0;
  // A message the client sends to `channel` ({"type":"send", "text": ...}). Runs on one of
  // the hub's writer threads (it may write to the database), one message of a connection at
  // a time; publishes on the bus itself when accepted.
  virtual SendResult send(const Member& m, const std::string& channel,
                          const boost::json::object& message) = 0;
  // Who `m` is now: the same person with their current role, or nullopt when the session or
  // token they connected with has ended (logout, disabled account, changed role). Runs on a
  // writer thread before each send; a connection whose identity ended is closed.
  virtual std::optional<Member> current(const Member& m) = 0;
  // A durable channel's events after the reader's last one (`after_id`: the id of the newest
  // line it has), for a resume the bus can no longer serve: the data of each, oldest first, in
  // the shape the channel's live events have. nullopt: the channel keeps no such record, or
  // more than `limit` were missed (the reader must reload). Runs on a writer thread.
  virtual std::optional<std::vector<std::string>> recover(const std::string& channel,
                                                          std::int64_t after_id,
                                                          std::size_t limit) {
    (void)channel;
    (void)after_id;
    (void)limit;
    return std::nullopt;
  }
};

struct HubOptions {
  std::size_t max_channels_per_connection = 20;
  int messages_per_10s = 60;  // a client sending more is told so, then closed (1008)
  // A channel's events go out at once, unless the channel sent something less than this long
  // ago: then they are gathered and sent together ({"type":"events"}) when the window ends.
  // Busy chat rooms cost one frame per reader per window instead of one per message.
  std::chrono::milliseconds batch_window{100};
  // Channels gathered for longer, by prefix: a story's discussion sends its readers at most one
  // frame a second, however busy it is.
  std::vector<std::pair<std::string, std::chrono::milliseconds>> batch_windows{
      {"comments:", std::chrono::milliseconds(1000)}};
  // Channels whose gathered frame keeps only its newest events, by prefix: a story posted to
  // faster than readers can read gets them a frame of the newest 20 and how many more came
  // ({"type":"events", ..., "skipped": N}), which the page fetches when the reader asks.
  std::vector<std::pair<std::string, std::size_t>> batch_limits{{"comments:", 20}};
  // Chat lines are stored off the I/O threads, by this many writer threads; a connection may
  // have this many lines waiting (more are refused with "busy").
  unsigned writer_threads = 2;
  std::size_t pending_sends_per_connection = 8;
  // Presence across nodes: with a node name (a shared bus), the hub tells the other nodes how
  // many readers each of its chat rooms has, every `presence_every` and soon after a change,
  // on the bus's "presence" channel; a room's count is the sum over the nodes heard from
  // within `presence_lease`. A node that dies leaves the counts when its lease runs out.
  std::string node;
  std::chrono::seconds presence_every{5};
  std::chrono::seconds presence_lease{15};
};

class Hub {
 public:
  // `bus` and `channels` must outlive the hub.
  Hub(EventBus& bus, Channels& channels, HubOptions options = {});
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // A handler for a newly accepted WebSocket of `member`.
  std::shared_ptr<net::WsHandler> connect(Member member);
  // Stops the hub's threads and lets go of every connection. Call it once the server has
  // stopped and before it is destroyed (the destructor calls it too).
  void shutdown();
  std::size_t connections() const;
  // Connections subscribed to `channel` on this node.
  std::size_t subscribers(const std::string& channel) const;
  // Readers of chat room `channel` on every node (the presence count readers are shown).
  std::size_t present(const std::string& channel) const;

  struct Impl;  // (internal; connections keep it alive until they close)

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace herald::live
