#include "live/hub.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace herald::live {

namespace json = boost::json;

namespace {
std::shared_ptr<const std::string> frame(json::object o) {
  return std::make_shared<const std::string>(json::serialize(o));
}

// {"seq":N,"cursor":"e.N","data":...}: one event of a channel.
std::string event_json(const BusEvent& ev, const std::string& epoch) {
  return "{\"seq\":" + std::to_string(ev.seq) + ",\"cursor\":\"" + cursor_text(epoch, ev.seq) +
         "\",\"data\":" + *ev.data + "}";
}
// One event: {"type":"event","channel":...,"seq":N,"cursor":...,"data":...}.
std::shared_ptr<const std::string> event_frame(const std::string& channel, const BusEvent& ev,
                                               const std::string& epoch) {
  return std::make_shared<const std::string>(
      "{\"type\":\"event\",\"channel\":" + json::serialize(json::value(channel)) +
      ",\"seq\":" + std::to_string(ev.seq) + ",\"cursor\":\"" + cursor_text(epoch, ev.seq) +
      "\",\"data\":" + *ev.data + "}");
}
// One event as above; several: {"type":"events","channel":...,"events":[{seq,cursor,data},...]}.
std::shared_ptr<const std::string> events_frame(const std::string& channel,
                                                const std::vector<BusEvent>& evs, std::size_t from,
                                                const std::string& epoch, std::size_t limit = 0) {
  std::size_t skipped = 0;
  if (limit && evs.size() - from > limit) {
    skipped = evs.size() - from - limit;
    from += skipped;
  }
  if (evs.size() - from == 1 && !skipped) return event_frame(channel, evs[from], epoch);
  std::string f = "{\"type\":\"events\",\"channel\":" + json::serialize(json::value(channel));
  if (skipped) f += ",\"skipped\":" + std::to_string(skipped);
  f += ",\"events\":[";
  for (std::size_t i = from; i < evs.size(); ++i) {
    if (i > from) f += ',';
    f += event_json(evs[i], epoch);
  }
  f += "]}";
  return std::make_shared<const std::string>(std::move(f));
}

bool valid_channel(std::string_view c) {
  if (c.empty() || c.size() > 100) return false;
  for (char ch : c)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == ':' || ch == '.' ||
          ch == '-' || ch == '_'))
      return false;
  return true;
}
}  // namespace

struct Client;

struct Hub::Impl : std::enable_shared_from_this<Hub::Impl> {
  EventBus& bus;
  Channels& channels;
  HubOptions options;
  std::uint64_t token = 0;

  // The hub thread and its queue of tasks.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> tasks;
  bool stopping = false;
  std::thread thread;

  // Hub-thread state.
  // The hub owns its subscribers: a connection that went away without a word (however it
  // ended) is never touched through a dangling pointer.
  std::unordered_map<std::string, std::unordered_set<std::shared_ptr<Client>>> subs;
  std::set<std::string> presence_dirty;
  // Presence on the other nodes: node -> its rooms' counts, until its lease runs out.
  struct Remote {
    std::unordered_map<std::string, std::size_t> rooms;
    std::chrono::steady_clock::time_point until;
  };
  std::unordered_map<std::string, Remote> remote;
  bool local_changed = false;  // this node's counts changed since it last told the others
  std::chrono::steady_clock::time_point last_told{};
  struct Pending {
    std::vector<BusEvent> events;
    std::chrono::steady_clock::time_point last_flush{};
    bool scheduled = false;
  };
  std::unordered_map<std::string, Pending> pending;
  std::multimap<std::chrono::steady_clock::time_point, std::string> flush_at;
  void flush(const std::string& channel);

  // Readable from any thread.
  std::atomic<std::size_t> open{0};
  std::atomic<bool> shut{false};
  mutable std::mutex count_mu;
  std::unordered_map<std::string, std::size_t> counts;

  // Writer threads: chat lines are stored here, never on an I/O thread.
  std::mutex wmu;
  std::condition_variable wcv;
  std::deque<std::function<void()>> writes;
  bool wstop = false;
  std::vector<std::thread> writers;

  Impl(EventBus& b, Channels& c, HubOptions o) : bus(b), channels(c), options(o) {}

  void post_write(std::function<void()> fn) {
    {
      std::lock_guard lock(wmu);
      if (wstop) return;
      writes.push_back(std::move(fn));
    }
    wcv.notify_one();
  }

  void run_writer() {
    std::unique_lock lock(wmu);
    for (;;) {
      wcv.wait(lock, [&] { return wstop || !writes.empty(); });
      if (wstop) return;
      auto fn = std::move(writes.front());
      writes.pop_front();
      lock.unlock();
      try {
        fn();
      } catch (const std::exception& e) {
        spdlog::error("live: writer task failed: {}", e.what());
      }
      lock.lock();
    }
  }

  void post(std::function<void()> fn) {
    {
      std::lock_guard lock(mu);
      if (stopping) return;
      tasks.push_back(std::move(fn));
    }
    cv.notify_one();
  }

  void run() {
    auto next_tick = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    std::unique_lock lock(mu);
    for (;;) {
      auto wake = next_tick;
      if (!flush_at.empty() && flush_at.begin()->first < wake) wake = flush_at.begin()->first;
      cv.wait_until(lock, wake, [&] { return stopping || !tasks.empty(); });
      if (stopping) return;
      while (!flush_at.empty() && flush_at.begin()->first <= std::chrono::steady_clock::now()) {
        std::string ch = flush_at.begin()->second;
        flush_at.erase(flush_at.begin());
        lock.unlock();
        flush(ch);
        lock.lock();
      }
      while (!tasks.empty()) {
        auto fn = std::move(tasks.front());
        tasks.pop_front();
        lock.unlock();
        try {
          fn();
        } catch (const std::exception& e) {
          spdlog::error("live: hub task failed: {}", e.what());
        }
        lock.lock();
      }
      if (std::chrono::steady_clock::now() >= next_tick) {
        lock.unlock();
        share_presence();
        send_presence();
        lock.lock();
        next_tick = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      }
    }
  }

  void deliver(const BusEvent& ev);
  void subscribe(const std::shared_ptr<Client>& c, const std::string& channel,
                 std::optional<std::uint64_t> since, bool foreign,
                 std::optional<std::int64_t> last_id);
  void caught_up(const std::shared_ptr<Client>& c, const std::string& channel,
                 std::uint64_t since, std::optional<std::vector<BusEvent>> missed);
  void recover(const std::shared_ptr<Client>& c, const std::string& channel);
  void recovered(const std::shared_ptr<Client>& c, const std::string& channel,
                 std::optional<std::vector<std::string>> lines);
  void reload(const std::shared_ptr<Client>& c, const std::string& channel,
              std::vector<BusEvent> live);
  void follow(const std::shared_ptr<Client>& c, const std::string& channel);
  void unsubscribe(const std::shared_ptr<Client>& c, const std::string& channel);
  void drop(const std::shared_ptr<Client>& c);
  void send_presence();
  void share_presence();
  void heard_presence(const std::string& data);
  std::size_t total(const std::string& channel) const;
  void set_count(const std::string& channel, std::size_t n) {
    std::lock_guard lock(count_mu);
    if (n)
      counts[channel] = n;
    else
      counts.erase(channel);
    if (channel.rfind("chat:", 0) == 0) local_changed = true;
  }
  // Readable from any thread: the last presence count sent for each room.
  std::unordered_map<std::string, std::size_t> shown;  // (count_mu)
};

struct Client final : net::WsHandler, std::enable_shared_from_this<Client> {
  std::shared_ptr<Hub::Impl> hub;
  // Hub thread only: channel -> last position sent.
  std::unordered_map<std::string, std::uint64_t> subscribed;
  // Hub thread only: channels being resumed (the bus is looking up what was missed), with
  // the live events that arrived meanwhile, sent after the missed ones.
  std::unordered_map<std::string, std::vector<BusEvent>> catching;
  // Hub thread only: durable channels whose reader named its newest line (`last_id`), from
  // which the database can recover what the bus no longer holds.
  std::unordered_map<std::string, std::int64_t> recover_after;
  // I/O thread only.
  std::deque<std::int64_t> recent;         // times of recent client messages (flood guard)
  // What the reader asked for, waiting for a writer thread, in the order sent; one drain task
  // at a time. Subscribing reads the store (who may follow a room), so it waits there too,
  // never on an I/O thread, and stays in order with unsubscribing.
  struct Line {
    enum class Kind { Send, Subscribe, Unsubscribe } kind = Kind::Send;
    std::string channel;
    json::object message;
    std::optional<std::uint64_t> since;  // Subscribe
    bool foreign = false;                // Subscribe: a cursor of another epoch
    std::optional<std::int64_t> last_id;  // Subscribe: the newest chat line the reader has
  };
  std::mutex send_mu;
  std::unordered_set<std::string> wanted;  // (send_mu) channels asked for (limit)
  std::deque<Line> outbox;
  bool draining = false;
  bool ended = false;  // the identity ended: nothing more is sent for this connection

  Client(std::shared_ptr<Hub::Impl> h, Member m) : hub(std::move(h)), member_(std::move(m)) {}

  Member member() const {
    std::lock_guard lock(member_mu_);
    return member_;
  }

  // The connection, from any thread: set in on_open, let go in on_close (on the connection's
  // own I/O thread, so that no socket outlives the server that made it); empty after that.
  std::shared_ptr<net::WsConnection> link() const {
    std::lock_guard lock(conn_mu_);
    return conn_;
  }

  void say(json::object o) {
    if (auto c = link()) c->send(frame(std::move(o)));
  }
  void error(const std::string& code, const std::string& message, json::object extra = {}) {
    extra["type"] = "error";
    extra["code"] = code;
    extra["message"] = message;
    say(std::move(extra));
  }

  void on_open(std::shared_ptr<net::WsConnection> c) override {
    {
      std::lock_guard lock(conn_mu_);
      conn_ = std::move(c);
    }
    hub->open++;
    auto m = member();
    json::object hello{{"type", "hello"}, {"user", nullptr}};
    if (m.user_id) hello["user"] = json::object{{"id", m.user_id}, {"name", m.name}};
    say(std::move(hello));
  }

  void on_message(std::string_view text) override {
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
                   .count();
    recent.push_back(now);
    while (!recent.empty() && recent.front() < now - 10000) recent.pop_front();
    if (static_cast<int>(recent.size()) > hub->options.messages_per_10s) {
      error("too_many", "Too many messages; the connection is closed.");
      if (auto c = link()) c->close(1008, "too many messages");
      return;
    }
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) {
      error("bad_json", "Send one JSON object per message (see docs/live-protocol.md).");
      return;
    }
    auto& o = v.get_object();
    auto str = [&](const char* k) -> std::string {
      auto* x = o.if_contains(k);
      return x && x->is_string() ? std::string(x->get_string()) : std::string();
    };
    std::string type = str("type");
    std::string channel = str("channel");
    if (type == "ping") {
      say({{"type", "pong"}});
      return;
    }
    if (std::find_if(std::begin(kClientMessages), std::end(kClientMessages),
                     [&](const char* k) { return type == k; }) == std::end(kClientMessages)) {
      error("bad_type", "Unknown message type '" + type.substr(0, 40) +
                            "'; use subscribe, unsubscribe, send or ping.");
      return;
    }
    if (!valid_channel(channel)) {
      error("bad_channel", "Name a channel such as newsfeed:en or chat:en.",
            {{"channel", channel.substr(0, 100)}});
      return;
    }
    if (type == "subscribe") {
      bool full;
      {
        std::lock_guard lock(send_mu);
        full = !wanted.count(channel) && wanted.size() >= hub->options.max_channels_per_connection;
      }
      if (full) {
        error("too_many_channels", "A connection may follow at most " +
                                       std::to_string(hub->options.max_channels_per_connection) +
                                       " channels.", {{"channel", channel}});
        return;
      }
      // Where the reader is: an opaque cursor (this protocol) or a bare number (clients
      // from before cursors, read in the bus's current epoch).
      std::optional<std::uint64_t> since;
      bool foreign = false;  // a cursor of another epoch: its history is gone
      if (auto* cur = o.if_contains("cursor")) {
        auto parsed = cur->is_string() ? parse_cursor(cur->get_string()) : std::nullopt;
        if (!parsed) {
          error("bad_cursor", "Send back a cursor the server gave, or none.", {{"channel", channel}});
          return;
        }
        since = parsed->seq;
        foreign = parsed->epoch != hub->bus.epoch();
      } else if (auto* s = o.if_contains("since")) {
        if (s->is_uint64())
          since = s->get_uint64();
        else if (s->is_int64() && s->get_int64() >= 0)
          since = static_cast<std::uint64_t>(s->get_int64());
      }
      Line line{Line::Kind::Subscribe, channel, {}, since, foreign, std::nullopt};
      if (auto* l = o.if_contains("last_id"); l && l->is_int64() && l->get_int64() >= 0)
        line.last_id = l->get_int64();
      {
        std::lock_guard lock(send_mu);
        wanted.insert(channel);
      }
      queue(std::move(line));
    } else if (type == "unsubscribe") {
      {
        std::lock_guard lock(send_mu);
        if (!wanted.erase(channel)) return;  // never subscribed: nothing to undo
      }
      queue(Line{Line::Kind::Unsubscribe, channel, {}, std::nullopt, false, std::nullopt});
    } else {
      queue_line(std::move(channel), std::move(o));
    }
  }

  json::object reply_to(const std::string& channel, const json::object& o) {
    json::object reply;
    if (auto* n = o.if_contains("nonce"); n && n->is_string() && n->get_string().size() <= 64)
      reply["nonce"] = n->get_string();
    reply["channel"] = channel;
    return reply;
  }

  // Hands a chat line to the writer threads; a connection with too many waiting is told to
  // wait (its lines are not dropped silently).
  void queue_line(std::string channel, json::object o) {
    std::unique_lock lock(send_mu);
    if (ended) return;
    if (outbox.size() >= hub->options.pending_sends_per_connection) {
      lock.unlock();
      error("busy", "Your earlier messages are still being sent; wait a moment.",
            reply_to(channel, o));
      return;
    }
    outbox.push_back(
        {Line::Kind::Send, std::move(channel), std::move(o), std::nullopt, false, std::nullopt});
    if (draining) return;
    draining = true;
    lock.unlock();
    hub->post_write([self = shared_from_this()] { self->drain(); });
  }

  // Subscribing and unsubscribing (bounded by the flood guard, not by the line limit).
  void queue(Line line) {
    std::unique_lock lock(send_mu);
    if (ended) return;
    outbox.push_back(std::move(line));
    if (draining) return;
    draining = true;
    lock.unlock();
    hub->post_write([self = shared_from_this()] { self->drain(); });
  }

  // Writer thread: who may follow the channel, then the hub thread follows it.
  void follow(const Line& line) {
    std::string why, code = "forbidden";
    try {
      why = hub->channels.check_subscribe(member(), line.channel);
    } catch (const std::exception& e) {
      spdlog::error("live: could not check who may follow {}: {}", line.channel, e.what());
      code = "unavailable";
      why = "The chat cannot be reached just now; subscribe again in a moment.";
    }
    if (!why.empty()) {
      {
        std::lock_guard lock(send_mu);
        wanted.erase(line.channel);
      }
      error(code, why, {{"channel", line.channel}});
      return;
    }
    hub->post([h = hub, self = shared_from_this(), channel = line.channel, since = line.since,
               foreign = line.foreign, last_id = line.last_id] {
      h->subscribe(self, channel, since, foreign, last_id);
    });
  }

  // Writer thread: the waiting lines of this connection, one after the other.
  void drain() {
    for (;;) {
      Line line;
      {
        std::lock_guard lock(send_mu);
        if (outbox.empty() || ended) {
          outbox.clear();
          draining = false;
          return;
        }
        line = std::move(outbox.front());
        outbox.pop_front();
      }
      if (line.kind == Line::Kind::Subscribe)
        follow(line);
      else if (line.kind == Line::Kind::Unsubscribe)
        hub->post([h = hub, self = shared_from_this(), channel = std::move(line.channel)] {
          h->unsubscribe(self, channel);
        });
      else
        store_line(line);
    }
  }

  void store_line(const Line& line) {
    json::object reply = reply_to(line.channel, line.message);
    SendResult r;
    try {
      auto m = member();
      if (m.user_id) {
        // Logout, a disabled account or a new role reach open sockets here: the identity is
        // read again before every line.
        auto now = hub->channels.current(m);
        if (!now) {
          {
            std::lock_guard lock(send_mu);
            ended = true;
          }
          error("session_ended", "Your session has ended; log in again to write.",
                std::move(reply));
          if (auto c = link()) c->close(1008, "session ended");
          return;
        }
        {
          std::lock_guard lock(member_mu_);
          member_ = *now;
        }
        m = *now;
      }
      r = hub->channels.send(m, line.channel, line.message);
    } catch (const std::exception& e) {
      spdlog::error("live: a line for {} could not be stored: {}", line.channel, e.what());
      r = {};
      r.code = "unavailable";
      r.message = "The chat cannot store messages just now; try again in a moment.";
      r.retry_after = 5;
    }
    if (r.ok) {
      reply["type"] = "ack";
      reply["id"] = r.id;
      say(std::move(reply));
    } else {
      if (r.retry_after) reply["retry_after"] = r.retry_after;
      error(r.code, r.message, std::move(reply));
    }
  }

  void on_close() override {
    hub->open--;
    {
      std::lock_guard lock(send_mu);
      ended = true;
    }
    {
      std::lock_guard lock(conn_mu_);
      conn_.reset();
    }
    hub->post([h = hub, self = shared_from_this()] { h->drop(self); });
  }

 private:
  mutable std::mutex member_mu_;
  Member member_;
  mutable std::mutex conn_mu_;
  std::shared_ptr<net::WsConnection> conn_;
};

namespace {
json::value cursor_of(const EventBus& bus, std::uint64_t seq) {
  return json::value(cursor_text(bus.epoch(), seq));
}
}  // namespace

// Adds `c` to the channel's followers (hub thread).
void Hub::Impl::follow(const std::shared_ptr<Client>& c, const std::string& channel) {
  auto& set = subs[channel];
  if (set.empty()) bus.interest(channel, true);
  bool fresh = set.insert(c).second;
  set_count(channel, set.size());
  if (fresh && channel.rfind("chat:", 0) == 0) presence_dirty.insert(channel);
}

void Hub::Impl::subscribe(const std::shared_ptr<Client>& c, const std::string& channel,
                          std::optional<std::uint64_t> since, bool foreign,
                          std::optional<std::int64_t> last_id) {
  if (last_id)
    c->recover_after[channel] = *last_id;
  else
    c->recover_after.erase(channel);
  if (last_id && (foreign || !since)) {
    // The bus's history is not this cursor's (or the reader gave only the newest line it has,
    // as a cached page does): the database has the lines, from there.
    c->subscribed[channel] = 0;
    c->catching[channel];
    follow(c, channel);
    recover(c, channel);
    return;
  }
  std::uint64_t last = bus.last_seq(channel);
  if (foreign) {
    // The cursor's history is gone (the bus restarted): the page must be loaded again.
    c->say({{"type", "reload"}, {"channel", channel}, {"seq", last},
            {"cursor", cursor_of(bus, last)}});
    c->subscribed[channel] = last;
    follow(c, channel);
    return;
  }
  if (!since || *since == last) {
    c->say({{"type", "subscribed"}, {"channel", channel}, {"seq", last},
            {"cursor", cursor_of(bus, last)}});
    c->subscribed[channel] = last;
    follow(c, channel);
    return;
  }
  // A resume: the reader follows at once (live events are kept for it) while the bus looks
  // up what it missed, without holding up this thread.
  c->subscribed[channel] = *since;
  c->catching[channel];
  follow(c, channel);
  std::weak_ptr<Impl> weak = shared_from_this();
  bus.since_async(channel, *since, [weak, c, channel, from = *since](auto missed) {
    if (auto h = weak.lock())
      h->post([h, c, channel, from, missed = std::move(missed)]() mutable {
        h->caught_up(c, channel, from, std::move(missed));
      });
  });
}

void Hub::Impl::caught_up(const std::shared_ptr<Client>& c, const std::string& channel,
                          std::uint64_t since, std::optional<std::vector<BusEvent>> missed) {
  auto held = c->catching.find(channel);
  if (held == c->catching.end()) return;  // unsubscribed (or gone) meanwhile
  auto live = std::move(held->second);
  c->catching.erase(held);
  auto& sent = c->subscribed[channel];
  auto cn = c->link();
  const std::string epoch = bus.epoch();
  if (!missed && c->recover_after.count(channel)) {
    // Away longer than the bus keeps, on a durable channel: from the database.
    c->catching[channel] = std::move(live);
    recover(c, channel);
    return;
  }
  if (!missed) {
    // Away too long (or the history was lost): the page must be loaded again.
    std::uint64_t last = bus.last_seq(channel);
    c->say({{"type", "reload"}, {"channel", channel}, {"seq", last},
            {"cursor", cursor_of(bus, last)}});
    sent = std::max(sent, last);
  } else {
    std::uint64_t last = missed->empty() ? since : missed->back().seq;
    if (!live.empty()) last = std::max(last, live.back().seq);
    c->say({{"type", "subscribed"}, {"channel", channel}, {"seq", last},
            {"cursor", cursor_of(bus, last)}});
    for (auto& ev : *missed) {
      if (ev.seq <= sent) continue;
      if (cn) cn->send(event_frame(channel, ev, epoch));
      sent = ev.seq;
    }
  }
  for (auto& ev : live) {  // what arrived while the bus looked, after what was missed
    if (ev.seq <= sent) continue;
    if (cn) cn->send(event_frame(channel, ev, epoch));
    sent = ev.seq;
  }
}

// Asks the channel's record (on a writer thread: it reads the database) for what the reader
// missed; live events keep gathering in `catching` meanwhile.
void Hub::Impl::recover(const std::shared_ptr<Client>& c, const std::string& channel) {
  std::int64_t after = c->recover_after[channel];
  std::weak_ptr<Impl> weak = shared_from_this();
  post_write([weak, c, channel, after] {
    auto h = weak.lock();
    if (!h) return;
    std::optional<std::vector<std::string>> lines;
    try {
      lines = h->channels.recover(channel, after, 500);
    } catch (const std::exception& e) {
      spdlog::error("live: could not recover {} from the database: {}", channel, e.what());
    }
    h->post([h, c, channel, lines = std::move(lines)]() mutable {
      h->recovered(c, channel, std::move(lines));
    });
  });
}

void Hub::Impl::reload(const std::shared_ptr<Client>& c, const std::string& channel,
                       std::vector<BusEvent> live) {
  auto& sent = c->subscribed[channel];
  std::uint64_t last = bus.last_seq(channel);
  c->say({{"type", "reload"}, {"channel", channel}, {"seq", last}, {"cursor", cursor_of(bus, last)}});
  sent = std::max(sent, last);
  auto cn = c->link();
  const std::string epoch = bus.epoch();
  for (auto& ev : live) {
    if (ev.seq <= sent) continue;
    if (cn) cn->send(event_frame(channel, ev, epoch));
    sent = ev.seq;
  }
}

// The lines the database had, then the live events gathered meanwhile, each once: a live line
// the database already gave (its id) is left out. The recovered lines carry the position just
// before the first live event, so that a later resume starts there.
void Hub::Impl::recovered(const std::shared_ptr<Client>& c, const std::string& channel,
                          std::optional<std::vector<std::string>> lines) {
  auto held = c->catching.find(channel);
  if (held == c->catching.end()) return;  // unsubscribed (or gone) meanwhile
  auto live = std::move(held->second);
  c->catching.erase(held);
  if (!lines) return reload(c, channel, std::move(live));
  std::int64_t newest = c->recover_after[channel];
  std::uint64_t base = live.empty() ? bus.last_seq(channel) : live.front().seq - 1;
  auto cn = c->link();
  const std::string epoch = bus.epoch();
  c->say({{"type", "subscribed"}, {"channel", channel}, {"seq", base},
          {"cursor", cursor_of(bus, base)}, {"recovered", lines->size()}});
  auto id_of = [](const std::string& data) -> std::int64_t {
    boost::system::error_code ec;
    auto v = json::parse(data, ec);
    if (ec || !v.is_object()) return 0;
    auto* k = v.get_object().if_contains("kind");
    auto* id = v.get_object().if_contains("id");
    if (!k || !k->is_string() || k->get_string() != "message" || !id || !id->is_int64()) return 0;
    return id->get_int64();
  };
  // Each at the same position, marked "recovered" (a client takes them although their
  // position is not after the one before).
  const std::string head = "{\"type\":\"event\",\"channel\":" + json::serialize(json::value(channel)) +
                           ",\"seq\":" + std::to_string(base) + ",\"cursor\":\"" +
                           cursor_text(epoch, base) + "\",\"recovered\":true,\"data\":";
  for (auto& data : *lines) {
    newest = std::max(newest, id_of(data));
    if (cn) cn->send(std::make_shared<const std::string>(head + data + "}"));
  }
  auto& sent = c->subscribed[channel];
  sent = base;
  for (auto& ev : live) {
    if (ev.seq <= sent) continue;
    sent = ev.seq;
    if (ev.data && id_of(*ev.data) != 0 && id_of(*ev.data) <= newest) continue;  // had it
    if (cn) cn->send(event_frame(channel, ev, epoch));
  }
}

void Hub::Impl::unsubscribe(const std::shared_ptr<Client>& c, const std::string& channel) {
  if (!c->subscribed.erase(channel)) return;
  c->catching.erase(channel);
  c->recover_after.erase(channel);
  auto it = subs.find(channel);
  if (it != subs.end()) {
    it->second.erase(c);
    set_count(channel, it->second.size());
    if (it->second.empty()) {
      subs.erase(it);
      bus.interest(channel, false);
    }
  }
  c->say({{"type", "unsubscribed"}, {"channel", channel}});
  if (channel.rfind("chat:", 0) == 0) presence_dirty.insert(channel);
}

void Hub::Impl::drop(const std::shared_ptr<Client>& c) {
  for (auto& [channel, seq] : c->subscribed) {
    auto it = subs.find(channel);
    if (it == subs.end()) continue;
    it->second.erase(c);
    set_count(channel, it->second.size());
    if (channel.rfind("chat:", 0) == 0) presence_dirty.insert(channel);
    if (it->second.empty()) {
      subs.erase(it);
      bus.interest(channel, false);
    }
  }
  c->subscribed.clear();
  c->catching.clear();
  c->recover_after.clear();
}

void Hub::Impl::deliver(const BusEvent& ev) {
  if (!subs.count(ev.channel)) return;
  auto& p = pending[ev.channel];
  p.events.push_back(ev);
  if (p.scheduled) return;
  auto now = std::chrono::steady_clock::now();
  auto window = options.batch_window;
  for (auto& [prefix, w] : options.batch_windows)
    if (ev.channel.rfind(prefix, 0) == 0) window = w;
  if (now - p.last_flush >= window) {
    flush(ev.channel);
  } else {
    // flush_at is only touched on the hub thread, with `mu` held around the run loop's reads.
    std::lock_guard lock(mu);
    flush_at.emplace(p.last_flush + window, ev.channel);
    p.scheduled = true;
  }
}


void Hub::Impl::flush(const std::string& channel) {
  auto pit = pending.find(channel);
  if (pit == pending.end()) return;
  auto& p = pit->second;
  p.scheduled = false;
  p.last_flush = std::chrono::steady_clock::now();
  auto evs = std::move(p.events);
  p.events.clear();
  auto it = subs.find(channel);
  if (evs.empty() || it == subs.end()) {
    if (it == subs.end()) pending.erase(pit);
    return;
  }
  // One frame for every subscriber that has seen none of these events yet (all but those
  // whose subscription replayed some of them just now).
  const std::string epoch = bus.epoch();
  std::size_t limit = 0;
  for (auto& [prefix, n] : options.batch_limits)
    if (channel.rfind(prefix, 0) == 0) limit = n;
  auto shared = events_frame(channel, evs, 0, epoch, limit);
  std::vector<std::shared_ptr<net::WsConnection>> to;
  to.reserve(it->second.size());
  for (auto& c : it->second) {
    if (auto held = c->catching.find(channel); held != c->catching.end()) {
      // Resuming: kept until the missed events have gone out.
      held->second.insert(held->second.end(), evs.begin(), evs.end());
      continue;
    }
    auto& last = c->subscribed[channel];
    auto cn = c->link();
    if (!cn || evs.back().seq <= last) continue;
    if (evs.front().seq > last) {
      to.push_back(std::move(cn));
    } else {
      std::size_t from = 0;
      while (from < evs.size() && evs[from].seq <= last) ++from;
      cn->send(events_frame(channel, evs, from, epoch, limit));
    }
    last = evs.back().seq;
  }
  net::broadcast(std::move(to), shared);
}

std::size_t Hub::Impl::total(const std::string& channel) const {
  auto it = subs.find(channel);
  std::size_t n = it == subs.end() ? 0 : it->second.size();
  auto now = std::chrono::steady_clock::now();
  for (auto& [node, r] : remote) {
    if (r.until < now) continue;
    if (auto x = r.rooms.find(channel); x != r.rooms.end()) n += x->second;
  }
  return n;
}

void Hub::Impl::send_presence() {
  // Nodes whose lease ran out leave the counts of their rooms.
  auto now = std::chrono::steady_clock::now();
  for (auto it = remote.begin(); it != remote.end();) {
    if (it->second.until >= now) {
      ++it;
      continue;
    }
    for (auto& [room, n] : it->second.rooms) presence_dirty.insert(room);
    it = remote.erase(it);
  }
  for (auto& channel : presence_dirty) {
    std::size_t n = total(channel);
    {
      std::lock_guard lock(count_mu);
      if (n)
        shown[channel] = n;
      else
        shown.erase(channel);
    }
    auto it = subs.find(channel);
    if (it == subs.end()) continue;
    auto f = frame({{"type", "presence"}, {"channel", channel}, {"count", n}});
    for (auto& c : it->second)
      if (auto cn = c->link()) cn->send(f);
  }
  presence_dirty.clear();
}

// Tells the other nodes this node's chat rooms' counts: every presence_every, and at most once
// a second after a change (from a writer thread: a publish may wait for the bus).
void Hub::Impl::share_presence() {
  if (options.node.empty()) return;
  auto now = std::chrono::steady_clock::now();
  bool changed;
  {
    std::lock_guard lock(count_mu);
    changed = local_changed;
    local_changed = false;
  }
  if (!changed && now - last_told < options.presence_every) return;
  last_told = now;
  json::object rooms;
  for (auto& [channel, set] : subs)
    if (channel.rfind("chat:", 0) == 0 && !set.empty()) rooms[channel] = set.size();
  std::string data = json::serialize(json::object{
      {"node", options.node}, {"lease", options.presence_lease.count()}, {"rooms", std::move(rooms)}});
  post_write([this, data = std::move(data)]() mutable { bus.publish("presence", std::move(data)); });
}

// Another node's counts (hub thread).
void Hub::Impl::heard_presence(const std::string& data) {
  boost::system::error_code ec;
  auto v = json::parse(data, ec);
  if (ec || !v.is_object()) return;
  auto& o = v.get_object();
  auto* node = o.if_contains("node");
  auto* rooms = o.if_contains("rooms");
  auto* lease = o.if_contains("lease");
  if (!node || !node->is_string() || !rooms || !rooms->is_object() || !lease ||
      !lease->is_int64())
    return;
  std::string name(node->get_string());
  if (name == options.node || name.empty()) return;
  auto& r = remote[name];
  for (auto& [room, n] : r.rooms) presence_dirty.insert(room);
  r.rooms.clear();
  for (auto& [room, n] : rooms->get_object()) {
    if (!n.is_int64() || n.get_int64() <= 0 || r.rooms.size() >= 10000) continue;
    r.rooms[std::string(room)] = static_cast<std::size_t>(n.get_int64());
    presence_dirty.insert(std::string(room));
  }
  r.until = std::chrono::steady_clock::now() +
            std::chrono::seconds(std::clamp<std::int64_t>(lease->get_int64(), 1, 300));
}

Hub::Hub(EventBus& bus, Channels& channels, HubOptions options)
    : impl_(std::make_shared<Impl>(bus, channels, options)) {
  impl_->thread = std::thread([im = impl_.get()] { im->run(); });
  for (unsigned i = 0; i < std::max(1u, options.writer_threads); ++i)
    impl_->writers.emplace_back([im = impl_.get()] { im->run_writer(); });
  std::weak_ptr<Impl> weak = impl_;
  impl_->token = bus.subscribe([weak](const BusEvent& ev) {
    auto im = weak.lock();
    if (!im) return;
    if (ev.channel == "presence") {
      if (ev.data) im->post([im, data = ev.data] { im->heard_presence(*data); });
      return;
    }
    im->post([im, ev] { im->deliver(ev); });
  });
}

Hub::~Hub() { shutdown(); }

void Hub::shutdown() {
  if (impl_->shut.exchange(true)) return;
  impl_->bus.unsubscribe(impl_->token);
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  impl_->thread.join();
  {
    std::lock_guard lock(impl_->wmu);
    impl_->wstop = true;
  }
  impl_->wcv.notify_all();
  for (auto& t : impl_->writers) t.join();
  impl_->writes.clear();
  impl_->tasks.clear();
  // Subscribers hold the hub; the hub's tables hold subscribers: break the cycle.
  impl_->subs.clear();
}

std::shared_ptr<net::WsHandler> Hub::connect(Member member) {
  return std::make_shared<Client>(impl_, std::move(member));
}

std::size_t Hub::connections() const { return impl_->open.load(); }

std::size_t Hub::present(const std::string& channel) const {
  std::lock_guard lock(impl_->count_mu);
  auto it = impl_->shown.find(channel);
  return it == impl_->shown.end() ? 0 : it->second;
}

std::size_t Hub::subscribers(const std::string& channel) const {
  std::lock_guard lock(impl_->count_mu);
  auto it = impl_->counts.find(channel);
  return it == impl_->counts.end() ? 0 : it->second;
}

}  // namespace herald::live
