#include "live/nats_bus.hpp"

#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <thread>

namespace herald::live {

namespace {
constexpr const char* kPrefix = "herald.live.";

std::string status_text(natsStatus s, jsErrCode e = static_cast<jsErrCode>(0)) {
  std::string t = natsStatus_GetText(s);
  if (const char* last = nats_GetLastError(nullptr); last && *last) t += std::string(": ") + last;
  if (e) t += " (JetStream error " + std::to_string(static_cast<int>(e)) + ")";
  return t;
}
}  // namespace

std::string subject_of(const std::string& channel) {
  static const char* hex = "0123456789ABCDEF";
  std::string out = kPrefix;
  for (unsigned char ch : channel) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '_' || ch == '-') {
      out += static_cast<char>(ch);
    } else {
      out += '~';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

std::string channel_of(const std::string& subject) {
  std::string_view s(subject);
  if (s.substr(0, std::char_traits<char>::length(kPrefix)) != kPrefix) return {};
  s.remove_prefix(std::char_traits<char>::length(kPrefix));
  std::string out;
  auto val = [](char c) { return c <= '9' ? c - '0' : c - 'A' + 10; };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~' && i + 2 < s.size()) {
      out += static_cast<char>(val(s[i + 1]) * 16 + val(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

namespace {

class NatsBus final : public EventBus {
 public:
  NatsBus(const std::string& urls, NatsBusOptions o) : o_(std::move(o)) {
    natsOptions* opts = nullptr;
    natsStatus s = natsOptions_Create(&opts);
    if (s == NATS_OK) s = natsOptions_SetURL(opts, urls.c_str());
    if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);   // for ever
    if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, 200);  // ms
    if (s == NATS_OK) s = natsOptions_SetTimeout(opts, 3000);
    if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(opts, &NatsBus::on_disconnected, this);
    if (s == NATS_OK) s = natsOptions_SetReconnectedCB(opts, &NatsBus::on_reconnected, this);
    if (s == NATS_OK) s = natsConnection_Connect(&nc_, opts);
    natsOptions_Destroy(opts);
    if (s != NATS_OK) {
      std::string why = status_text(s);
      nats_CloseAndWait(2000);
      throw std::runtime_error("cannot connect to NATS at " + urls + ": " + why);
    }
    if ((s = natsConnection_JetStream(&js_, nc_, nullptr)) != NATS_OK) {
      std::string why = status_text(s);
      natsConnection_Destroy(nc_);
      nats_CloseAndWait(2000);
      throw std::runtime_error("NATS at " + urls + " offers no JetStream: " + why);
    }
    try {
      ensure_stream();
      follow();
    } catch (...) {
      jsCtx_Destroy(js_);
      natsConnection_Destroy(nc_);
      nats_CloseAndWait(2000);
      throw;
    }
    worker_ = std::thread([this] { work(); });
  }

  ~NatsBus() override {
    {
      std::lock_guard g(jobs_mu_);
      stopping_ = true;
    }
    jobs_cv_.notify_all();
    if (worker_.joinable()) worker_.join();
    if (sub_) {
      // Drained: no callback still runs on libnats' thread once this returns.
      if (natsSubscription_Drain(sub_) == NATS_OK)
        natsSubscription_WaitForDrainCompletion(sub_, 2000);
      natsSubscription_Destroy(sub_);
    }
    jsCtx_Destroy(js_);
    natsConnection_Destroy(nc_);
    // libnats' own threads and memory go with the last connection of the process.
    nats_CloseAndWait(2000);
  }

  std::uint64_t publish(const std::string& channel, std::string data,
                        const std::string& id) override {
    // Away from NATS: refuse at once rather than wait for the reply (the caller tries again).
    if (!connected()) return 0;
    jsPubOptions po;
    jsPubOptions_Init(&po);
    if (!id.empty()) po.MsgId = id.c_str();
    po.MaxWait = 5000;
    jsPubAck* ack = nullptr;
    jsErrCode err = static_cast<jsErrCode>(0);
    auto subject = subject_of(channel);
    natsStatus s = js_Publish(&ack, js_, subject.c_str(), data.data(),
                              static_cast<int>(data.size()), &po, &err);
    if (s != NATS_OK) {
      spdlog::error("live: publishing on {} through NATS failed: {}", channel, status_text(s, err));
      return 0;
    }
    std::uint64_t seq = ack->Sequence;
    jsPubAck_Destroy(ack);
    return seq;
  }

  std::uint64_t subscribe(Listener l) override {
    std::unique_lock g(mu_);
    listeners_[++next_] = std::move(l);
    return next_;
  }
  void unsubscribe(std::uint64_t token) override {
    std::unique_lock g(mu_);
    listeners_.erase(token);
  }

  std::optional<std::vector<BusEvent>> since(const std::string& channel,
                                             std::uint64_t after) override {
    std::uint64_t last = last_seq(channel);
    std::vector<BusEvent> out;
    if (last <= after) return out;
    jsStreamInfo* si = nullptr;
    jsErrCode err = static_cast<jsErrCode>(0);
    if (js_GetStreamInfo(&si, js_, o_.stream.c_str(), nullptr, &err) != NATS_OK) return std::nullopt;
    std::uint64_t first = si->State.FirstSeq;
    jsStreamInfo_Destroy(si);
    if (after + 1 < first) return std::nullopt;  // what came in between may have aged out
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = o_.stream.c_str();
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = after + 1;
    auto subject = subject_of(channel);
    natsSubscription* sub = nullptr;
    if (js_SubscribeSync(&sub, js_, subject.c_str(), nullptr, &so, &err) != NATS_OK)
      return std::nullopt;
    bool complete = false;
    while (out.size() <= o_.resume_limit) {
      natsMsg* m = nullptr;
      if (natsSubscription_NextMsg(&m, sub, 2000) != NATS_OK) break;
      auto ev = event_of(m);
      natsMsg_Destroy(m);
      if (ev.seq == 0) continue;
      out.push_back(std::move(ev));
      if (out.back().seq >= last) {
        complete = true;
        break;
      }
    }
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
    if (!complete) return std::nullopt;
    apply_redactions(channel, out);
    return out;
  }

  std::uint64_t last_seq(const std::string& channel) override {
    natsMsg* m = nullptr;
    jsErrCode err = static_cast<jsErrCode>(0);
    auto subject = subject_of(channel);
    natsStatus s = js_GetLastMsg(&m, js_, o_.stream.c_str(), subject.c_str(), nullptr, &err);
    if (s != NATS_OK) return 0;  // nothing on it yet (or NATS away: nothing to resume now)
    std::uint64_t seq = natsMsg_GetSequence(m);
    natsMsg_Destroy(m);
    return seq;
  }

  std::size_t redact(const std::string& channel, const Redaction& edit) override {
    std::lock_guard g(redact_mu_);
    auto& list = redactions_[channel];
    list.push_back(edit);
    if (list.size() > 100) list.pop_front();
    return 0;
  }

  std::string epoch() const override { return epoch_; }
  bool connected() const override {
    return natsConnection_Status(nc_) == NATS_CONN_STATUS_CONNECTED;
  }

  void since_async(const std::string& channel, std::uint64_t after, Missed done) override {
    {
      std::lock_guard g(jobs_mu_);
      jobs_.push_back([this, channel, after, done = std::move(done)] {
        std::optional<std::vector<BusEvent>> r;
        try {
          r = since(channel, after);
        } catch (const std::exception& e) {
          spdlog::warn("live: looking up {} after {} failed: {}", channel, after, e.what());
        }
        done(std::move(r));
      });
    }
    jobs_cv_.notify_one();
  }

 private:
  void ensure_stream() {
    jsStreamInfo* si = nullptr;
    jsErrCode err = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&si, js_, o_.stream.c_str(), nullptr, &err);
    if (s == NATS_NOT_FOUND || err == JSStreamNotFoundErr) {
      jsStreamConfig cfg;
      jsStreamConfig_Init(&cfg);
      const char* subjects[] = {"herald.live.>"};
      cfg.Name = o_.stream.c_str();
      cfg.Subjects = subjects;
      cfg.SubjectsLen = 1;
      cfg.Storage = js_FileStorage;
      cfg.MaxAge = static_cast<std::int64_t>(o_.history_age.count()) * 1000000000LL;
      cfg.Duplicates = 120LL * 1000000000LL;
      s = js_AddStream(&si, js_, &cfg, nullptr, &err);
      if (s != NATS_OK)  // another node made it at the same moment
        s = js_GetStreamInfo(&si, js_, o_.stream.c_str(), nullptr, &err);
    }
    if (s != NATS_OK)
      throw std::runtime_error("cannot find or make the JetStream stream " + o_.stream + ": " +
                               status_text(s, err));
    epoch_ = std::to_string(si->Created / 1000000);  // the stream's birth, in ms
    jsStreamInfo_Destroy(si);
  }

  // Every event from now on, in stream order, on libnats' thread.
  void follow() {
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = o_.stream.c_str();
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverNew;
    jsErrCode err = static_cast<jsErrCode>(0);
    natsStatus s = js_Subscribe(&sub_, js_, "herald.live.>", &NatsBus::on_msg, this, nullptr, &so, &err);
    if (s != NATS_OK) throw std::runtime_error("cannot follow the stream: " + status_text(s, err));
  }

  static BusEvent event_of(natsMsg* m) {
    BusEvent ev;
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
      ev.seq = meta->Sequence.Stream;
      ev.at = meta->Timestamp / 1000000000LL;
      jsMsgMetaData_Destroy(meta);
    }
    ev.channel = channel_of(natsMsg_GetSubject(m));
    ev.data = std::make_shared<const std::string>(natsMsg_GetData(m),
                                                  static_cast<std::size_t>(natsMsg_GetDataLength(m)));
    return ev;
  }

  static void on_msg(natsConnection*, natsSubscription*, natsMsg* m, void* self) {
    auto* bus = static_cast<NatsBus*>(self);
    try {
      auto ev = event_of(m);
      natsMsg_Destroy(m);
      if (ev.seq == 0 || ev.channel.empty()) return;
      std::shared_lock g(bus->mu_);
      for (auto& [t, l] : bus->listeners_) l(ev);
    } catch (const std::exception& e) {
      spdlog::error("live: a NATS event could not be delivered: {}", e.what());
    }
  }

  static void on_disconnected(natsConnection*, void*) {
    spdlog::warn("live: lost the connection to NATS; reconnecting");
  }
  static void on_reconnected(natsConnection*, void*) { spdlog::info("live: NATS reconnected"); }

  void apply_redactions(const std::string& channel, std::vector<BusEvent>& events) {
    std::lock_guard g(redact_mu_);
    auto it = redactions_.find(channel);
    if (it == redactions_.end()) return;
    for (auto& ev : events)
      for (auto& edit : it->second)
        if (auto v = edit(ev)) ev.data = std::make_shared<const std::string>(std::move(*v));
  }

  void work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock g(jobs_mu_);
        jobs_cv_.wait(g, [&] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  NatsBusOptions o_;
  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
  natsSubscription* sub_ = nullptr;
  std::string epoch_;
  std::shared_mutex mu_;
  std::map<std::uint64_t, Listener> listeners_;
  std::uint64_t next_ = 0;
  std::mutex redact_mu_;
  std::map<std::string, std::deque<Redaction>> redactions_;
  std::mutex jobs_mu_;
  std::condition_variable jobs_cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace

std::unique_ptr<EventBus> nats_bus(const std::string& urls, NatsBusOptions options) {
  return std::make_unique<NatsBus>(urls, std::move(options));
}

}  // namespace herald::live
