// The EventBus of several nodes: NATS JetStream (nats-server 2.9, libnats 3.4). Every channel
// is one subject of one stream (HERALD_LIVE, on disk, an hour of history); an event's position
// is its stream sequence, so each channel has one authority and a reader resumes on any node.
// The stream's creation time is the epoch: a stream that was lost and made again is a new
// epoch (readers reload). Publishing with an id is deduplicated by the server (Nats-Msg-Id,
// two minutes). Every node follows the whole stream with an ordered consumer from the newest
// event; libnats reconnects by itself after NATS restarts and the consumer goes on from where
// it was. Redactions (deleted chat lines) apply to this node's resumes; other nodes' readers
// get the deletion events themselves.
#pragma once
#include <memory>
#include <string>

#include "live/bus.hpp"

namespace herald::live {

struct NatsBusOptions {
  std::string stream = "HERALD_LIVE";
  std::chrono::seconds history_age{3600};
  std::size_t resume_limit = 500;  // more missed events than this: reload
};

// Connects to `urls` (nats://HOST:PORT, comma-separated for several) and makes or finds the
// stream. Throws std::runtime_error saying what failed.
std::unique_ptr<EventBus> nats_bus(const std::string& urls, NatsBusOptions options = {});

// A channel as one subject token and back ("chat:en.world" <-> "herald.live.chat~3Aen~2Eworld").
std::string subject_of(const std::string& channel);
std::string channel_of(const std::string& subject);

}  // namespace herald::live
