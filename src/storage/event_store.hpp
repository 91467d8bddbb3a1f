// The content-event outbox. Every write that readers may notice (a story published, updated or
// removed, the catalog changed) records its ContentEvent in the same transaction as the change,
// so an event exists exactly when its change does. events::Relay reads it and hands typed events
// to listeners.
//
// Consumers that must act once for the whole site, however many nodes share the database (the
// live newsfeed; later the search index, mail, webhooks), keep their position here under a
// lease: one node holds a consumer at a time; when it stops renewing (it died), another takes
// over from the last position it recorded. Delivery is at least once: a node that dies between
// acting and advancing leaves the last events to its successor, so consumers must tolerate a
// repeat (the bus deduplicates by event number).
// Thread safety: every method may be called from any thread at the same time.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace herald::storage {

class EventStore {
 public:
  virtual ~EventStore() = default;
  // Events after `seq`, oldest first, at most `limit`.
  virtual std::vector<ContentEvent> since(std::int64_t seq, int limit) = 0;
  virtual std::int64_t last_seq() = 0;
  // Takes or renews `consumer` for `node` until `now + lease_s`: its position, or nullopt when
  // another node holds an unexpired lease. A consumer claimed for the first time starts at the
  // newest event (it does not replay history).
  virtual std::optional<std::int64_t> claim(const std::string& consumer, const std::string& node,
                                            UnixTime now, int lease_s) = 0;
  // Records that `consumer` has handled every event up to `seq`; false (nothing recorded) when
  // `node` no longer holds it.
  virtual bool advance(const std::string& consumer, const std::string& node, std::int64_t seq) = 0;
  // Where a consumer is and who holds it until when, read without writing (nullopt: never
  // claimed). Lets a node skip the write of a claim when there is nothing to do.
  struct ConsumerState {
    std::int64_t seq = 0;
    std::string owner;
    UnixTime lease_until = 0;
  };
  virtual std::optional<ConsumerState> consumer(const std::string& name) = 0;
};

}  // namespace herald::storage
