// The one reader of the content-event outbox. It hands each event, in order, to two kinds of
// listeners:
// - every-node listeners keep this process's own state right (page-cache purge, the site's
//   directory): each node applies every event;
// - once listeners act outside the process (the live newsfeed; later the search indexer, the
//   mailer, webhooks): each event is handled by one node of all those sharing the database,
//   the one holding the consumer's lease (storage::EventStore::claim).
// A writer calls apply_local() after its write so that its purge applies before it answers,
// and wake() so that once listeners run soon; a thread (start/stop) does both every 200 ms for
// changes made elsewhere (the CLI, other nodes).
// A listener that throws is logged. An every-node listener is not asked again; a once listener
// is asked again from the same event on the next round (at-least-once).
// Thread safety: every method may be called from any thread; listeners are added before start().
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/event.hpp"
#include "storage/event_store.hpp"
#include "util/clock.hpp"

namespace herald::events {

struct RelayOptions {
  std::string node;          // this process, unique among the nodes (see node_name())
  int lease_s = 10;          // how long a once consumer stays with a node that stops renewing
  int batch = 500;           // events read at a time
  std::chrono::milliseconds poll{200};
};

// A name for this process that no other node shares: host, process id and a random part.
std::string node_name();

// Whether `node` holds the lease on `consumer`, a job one node runs at a time (the scheduler),
// taking it when it is free or has run out, and renewing it once past its half. A read first:
// a node that asks every second writes about every lease_s / 2 seconds, not every second (each
// write is an fsync, and a page rewritten often slows every read of a SQLite database until the
// log is folded in; see Stores::settle).
bool hold_lease(storage::EventStore& store, const std::string& consumer, const std::string& node,
                storage::UnixTime now, int lease_s);

class Relay {
 public:
  using Listener = std::function<void(const Event&)>;
  Relay(storage::EventStore& store, RelayOptions options,
        const util::Clock& clock = util::system_clock());
  ~Relay();

  void on_every_node(Listener l);
  void once(std::string consumer, Listener l);

  // Hands events recorded since the last call to every-node listeners; how many.
  std::size_t apply_local();
  // One round for each once consumer this node holds or can take; how many events in all.
  std::size_t deliver_once();
  // Asks the thread to run a round now.
  void wake();
  void start();
  void stop();

  std::int64_t local_position() const { return local_seq_.load(); }

 private:
  struct Consumer {
    std::string name;
    Listener fn;
  };
  static Event typed(const storage::ContentEvent& e);
  void run();

  storage::EventStore& store_;
  RelayOptions o_;
  const util::Clock& clock_;
  std::vector<Listener> local_;
  std::vector<Consumer> once_;
  std::mutex local_mu_, once_mu_;
  std::atomic<std::int64_t> local_seq_{0};
  std::mutex run_mu_;
  std::condition_variable cv_;
  bool woken_ = false, stopping_ = false;
  std::thread thread_;
};

}  // namespace herald::events
