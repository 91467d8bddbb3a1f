#include "live/bus.hpp"

#include <chrono>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "util/text.hpp"
#include "util/token.hpp"

namespace herald::live {

namespace {

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class InProcessBus final : public EventBus {
 public:
  // A new epoch per process: numbers start again at 1 after a restart, and a reader's cursor
  // from before it is told to reload rather than matched against new numbers.
  explicit InProcessBus(BusOptions o) : o_(o), epoch_(util::random_token().substr(0, 8)) {
    for (auto& c : epoch_)
      if (c == '.') c = '_';
  }
  std::string epoch() const override { return epoch_; }

  std::uint64_t publish(const std::string& channel, std::string data,
                        const std::string& id) override {
    // One lock for numbering, history and delivery: every listener sees a channel's events in
    // order and never an event that is not yet in the history.
    std::lock_guard lock(mu_);
    if (!id.empty()) {  // the last 1,000 ids: a repeat is a no-op
      if (auto it = seen_.find(id); it != seen_.end()) return it->second;
    }
    auto& ch = channels_[channel];
    BusEvent ev{channel, ++ch.last, std::make_shared<const std::string>(std::move(data)), now_s()};
    ch.history.push_back(ev);
    while (ch.history.size() > o_.history_per_channel ||
           (!ch.history.empty() && ch.history.front().at < ev.at - o_.history_age.count()))
      ch.history.pop_front();
    if (channels_.size() > o_.max_channels) trim(channel);
    for (auto& [token, l] : listeners_) l(ev);
    if (!id.empty()) {
      seen_.emplace(id, ev.seq);
      seen_order_.push_back(id);
      if (seen_order_.size() > 1000) {
        seen_.erase(seen_order_.front());
        seen_order_.pop_front();
      }
    }
    return ev.seq;
  }

  std::uint64_t subscribe(Listener listener) override {
    std::lock_guard lock(mu_);
    listeners_.emplace_back(++next_token_, std::move(listener));
    return next_token_;
  }

  void unsubscribe(std::uint64_t token) override {
    std::lock_guard lock(mu_);
    std::erase_if(listeners_, [&](auto& p) { return p.first == token; });
  }

  std::optional<std::vector<BusEvent>> since(const std::string& channel,
                                             std::uint64_t after) override {
    std::lock_guard lock(mu_);
    std::vector<BusEvent> out;
    auto it = channels_.find(channel);
    if (it == channels_.end()) {
      if (after == 0) return out;
      return std::nullopt;  // numbers we never gave (a restart): start again
    }
    auto& ch = it->second;
    if (after > ch.last) return std::nullopt;
    if (after == ch.last) return out;
    // The oldest kept event must directly follow what the client has.
    if (ch.history.empty() || ch.history.front().seq > after + 1) return std::nullopt;
    for (auto& ev : ch.history)
      if (ev.seq > after) out.push_back(ev);
    return out;
  }

  std::uint64_t last_seq(const std::string& channel) override {
    std::lock_guard lock(mu_);
    auto it = channels_.find(channel);
    return it == channels_.end() ? 0 : it->second.last;
  }

  std::size_t redact(const std::string& channel, const Redaction& edit) override {
    std::lock_guard lock(mu_);
    auto it = channels_.find(channel);
    if (it == channels_.end()) return 0;
    std::size_t n = 0;
    for (auto& ev : it->second.history)
      if (auto data = edit(ev)) {
        ev.data = std::make_shared<const std::string>(std::move(*data));
        ++n;
      }
    return n;
  }

 private:
  struct Channel {
    std::uint64_t last = 0;
    std::deque<BusEvent> history;
  };

  // Too many channels: forget the history of the ones whose newest event is oldest (their
  // numbering stays, so that clients are told to reload rather than given a gap).
  void trim(const std::string& keep) {
    std::int64_t oldest = INT64_MAX;
    std::string victim;
    for (auto& [name, ch] : channels_)
      if (name != keep && !ch.history.empty() && ch.history.back().at < oldest) {
        oldest = ch.history.back().at;
        victim = name;
      }
    if (!victim.empty()) channels_[victim].history.clear();
  }

  BusOptions o_;
  std::string epoch_;
  std::mutex mu_;
  std::unordered_map<std::string, std::uint64_t> seen_;  // publication ids -> their numbers
  std::deque<std::string> seen_order_;
  std::unordered_map<std::string, Channel> channels_;
  std::vector<std::pair<std::uint64_t, Listener>> listeners_;
  std::uint64_t next_token_ = 0;
};

}  // namespace

std::unique_ptr<EventBus> in_process_bus(BusOptions options) {
  return std::make_unique<InProcessBus>(options);
}

std::string cursor_text(const std::string& epoch, std::uint64_t seq) {
  return epoch + "." + std::to_string(seq);
}

std::optional<Cursor> parse_cursor(std::string_view text) {
  auto dot = text.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 64 || text.size() > 96) return std::nullopt;
  auto n = util::to_int(text.substr(dot + 1));
  if (!n || *n < 0) return std::nullopt;
  for (char c : text.substr(0, dot))
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return std::nullopt;
  return Cursor{std::string(text.substr(0, dot)), static_cast<std::uint64_t>(*n)};
}

}  // namespace herald::live
