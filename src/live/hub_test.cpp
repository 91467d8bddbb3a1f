// The hub without HTTP: a connection is a recorder of what the hub sends; the rules are the
// real ChatService on real SQLite; the bus is the in-process one. Subscribing, resuming with
// nothing missed or doubled, "reload" when the history is gone, and the limits on a client.
#include "live/hub.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "chat/chat.hpp"
#include "live/bus.hpp"
#include "storage/stores.hpp"
#include "testing/temp_dir.hpp"
#include "testing/editions.hpp"

using namespace herald;
namespace json = boost::json;

namespace {
// The socket side of one connection: keeps what the hub sends.
class Recorder final : public net::WsConnection {
 public:
  void send(std::shared_ptr<const std::string> text) override {
    std::lock_guard g(mu_);
    got_.push_back(json::parse(*text).as_object());
    cv_.notify_all();
  }
  void close(int code, std::string) override {
    std::lock_guard g(mu_);
    closed_ = code;
    cv_.notify_all();
  }
  std::uint64_t id() const override { return 1; }
  // Waits (at most 10 s) until `pred` holds over what arrived; true when it did.
  template <class P>
  bool wait(P pred) {
    std::unique_lock l(mu_);
    return cv_.wait_for(l, std::chrono::seconds(10), [&] { return pred(got_, closed_); });
  }
  std::vector<json::object> all() {
    std::lock_guard g(mu_);
    return got_;
  }
  // The numbers of the events received on `channel`, in order ("event" and "events" frames).
  static std::vector<std::int64_t> seqs(const std::vector<json::object>& got,
                                        const std::string& channel) {
    std::vector<std::int64_t> out;
    for (auto& m : got) {
      if (!m.contains("channel") || m.at("channel").as_string() != channel) continue;
      if (m.at("type").as_string() == "event") out.push_back(m.at("seq").as_int64());
      if (m.at("type").as_string() == "events")
        for (auto& e : m.at("events").as_array()) out.push_back(e.at("seq").as_int64());
    }
    return out;
  }
  static bool has(const std::vector<json::object>& got, const std::string& type,
                  const std::string& code = {}) {
    for (auto& m : got)
      if (m.at("type").as_string() == type &&
          (code.empty() || (m.contains("code") && m.at("code").as_string() == code)))
        return true;
    return false;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<json::object> got_;
  int closed_ = 0;
};

class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::make_unique<herald::testing::TempDir>("herald-hub-");
    stores = storage::open_stores("sqlite:" + dir->file("herald.db"));
    edition = stores->news()
                  .add_edition(herald::testing::english_edition())
                  .id;
    live::BusOptions bo;
    bo.history_per_channel = 5;
    bus = live::in_process_bus(bo);
    chat = std::make_unique<chat::ChatService>(stores->news(), stores->chat(), stores->accounts(),
                                               *bus);
    live::HubOptions ho;
    ho.batch_window = std::chrono::milliseconds(0);
    hub = std::make_unique<live::Hub>(*bus, *chat, ho);
  }
  void TearDown() override {
    for (auto& c : open) c.first->on_close();
    hub->shutdown();
  }
  std::shared_ptr<Recorder> connect() {
    auto rec = std::make_shared<Recorder>();
    auto handler = hub->connect(live::Member{});
    handler->on_open(rec);
    open.emplace_back(handler, rec);
    return rec;
  }
  void say(const std::string& type, const std::string& channel, std::int64_t since = -1) {
    json::object m{{"type", type}, {"channel", channel}};
    if (since >= 0) m["since"] = since;
    open.back().first->on_message(json::serialize(m));
  }
  content::Id edition = 0;
  std::unique_ptr<herald::testing::TempDir> dir;
  std::unique_ptr<storage::Stores> stores;
  std::unique_ptr<live::EventBus> bus;
  std::unique_ptr<chat::ChatService> chat;
  std::unique_ptr<live::Hub> hub;
  std::vector<std::pair<std::shared_ptr<net::WsHandler>, std::shared_ptr<Recorder>>> open;
};
}  // namespace

TEST_F(HubTest, ASubscriberGetsEachEventOnceInOrder) {
  auto rec = connect();
  say("subscribe", "newsfeed:en");
  ASSERT_TRUE(rec->wait([](auto& got, int) { return Recorder::has(got, "subscribed"); }));
  for (int i = 0; i < 3; ++i) bus->publish("newsfeed:en", "{\"kind\":\"published\",\"id\":" + std::to_string(i) + "}");
  bus->publish("newsfeed:ru", "{\"kind\":\"published\",\"id\":9}");  // not followed
  ASSERT_TRUE(rec->wait([](auto& got, int) { return Recorder::seqs(got, "newsfeed:en").size() >= 3; }));
  EXPECT_EQ(Recorder::seqs(rec->all(), "newsfeed:en"), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_TRUE(Recorder::seqs(rec->all(), "newsfeed:ru").empty());
  EXPECT_EQ(hub->subscribers("newsfeed:en"), 1u);
}

TEST_F(HubTest, AResumeSendsWhatWasMissedThenTheLiveOnesWithNoGapOrDouble) {
  for (int i = 0; i < 4; ++i) bus->publish("newsfeed:en", "{\"kind\":\"published\"}");
  auto rec = connect();
  say("subscribe", "newsfeed:en", 2);
  ASSERT_TRUE(rec->wait([](auto& got, int) { return Recorder::seqs(got, "newsfeed:en").size() >= 2; }));
  bus->publish("newsfeed:en", "{\"kind\":\"published\"}");
  ASSERT_TRUE(rec->wait([](auto& got, int) { return Recorder::seqs(got, "newsfeed:en").size() >= 3; }));
  EXPECT_EQ(Recorder::seqs(rec->all(), "newsfeed:en"), (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_FALSE(Recorder::has(rec->all(), "reload"));
}

TEST_F(HubTest, AResumeFromHistoryNoLongerKeptSaysReload) {
  for (int i = 0; i < 9; ++i) bus->publish("newsfeed:en", "{\"kind\":\"published\"}");  // keeps 5
  auto rec = connect();
  say("subscribe", "newsfeed:en", 1);
  ASSERT_TRUE(rec->wait([](auto& got, int) { return Recorder::has(got, "reload"); }));
  for (auto& m : rec->all())
    if (m.at("type").as_string() == "reload") EXPECT_EQ(m.at("seq").as_int64(), 9);
  EXPECT_TRUE(Recorder::seqs(rec->all(), "newsfeed:en").empty());
}

TEST_F(HubTest, ChannelsAreCappedAndAFloodingClientIsClosed) {
  for (int i = 0; i < 21; ++i)  // a chat room per section: 21 channels one may follow
    stores->news().add_section(
        content::Section{0, edition, "s" + std::to_string(i), "S", "", i});
  auto rec = connect();
  for (int i = 0; i < 21; ++i) say("subscribe", "chat:en.s" + std::to_string(i));
  ASSERT_TRUE(rec->wait([](auto& got, int) { return Recorder::has(got, "error", "too_many_channels"); }));
  say("unsubscribe", "story:999");  // never followed: frees nothing
  say("subscribe", "story:500");
  ASSERT_TRUE(rec->wait([](auto& got, int) {
    int n = 0;
    for (auto& m : got) n += m.at("type").as_string() == "error" && m.at("code").as_string() == "too_many_channels";
    return n >= 2;
  }));
  for (int i = 0; i < 70; ++i) open.back().first->on_message("{\"type\":\"ping\"}");
  ASSERT_TRUE(rec->wait([](auto&, int closed) { return closed == 1008; }));
  EXPECT_TRUE(Recorder::has(rec->all(), "error", "too_many"));
}

TEST_F(HubTest, CursorsResumeInTheirEpochAndAForeignOneReloads) {
  auto rec = connect();
  say("subscribe", "newsfeed:en");
  ASSERT_TRUE(rec->wait([](auto& got, int) { return Recorder::has(got, "subscribed"); }));
  bus->publish("newsfeed:en", "{\"kind\":\"published\"}");
  bus->publish("newsfeed:en", "{\"kind\":\"published\"}");
  ASSERT_TRUE(rec->wait([](auto& got, int) { return Recorder::seqs(got, "newsfeed:en").size() >= 2; }));
  std::string first_cursor;
  for (auto& m : rec->all())
    if (m.at("type").as_string() == "event" && first_cursor.empty())
      first_cursor = std::string(m.at("cursor").as_string());
  ASSERT_EQ(first_cursor, bus->epoch() + ".1");

  auto again = connect();
  open.back().first->on_message(json::serialize(
      json::object{{"type", "subscribe"}, {"channel", "newsfeed:en"}, {"cursor", first_cursor}}));
  ASSERT_TRUE(again->wait([](auto& got, int) { return Recorder::seqs(got, "newsfeed:en").size() >= 1; }));
  EXPECT_EQ(Recorder::seqs(again->all(), "newsfeed:en"), (std::vector<std::int64_t>{2}));

  auto old = connect();
  open.back().first->on_message(json::serialize(json::object{
      {"type", "subscribe"}, {"channel", "newsfeed:en"}, {"cursor", "gone0000.1"}}));
  ASSERT_TRUE(old->wait([](auto& got, int) { return Recorder::has(got, "reload"); }));
  EXPECT_TRUE(Recorder::seqs(old->all(), "newsfeed:en").empty());

  auto bad = connect();
  open.back().first->on_message(json::serialize(
      json::object{{"type", "subscribe"}, {"channel", "newsfeed:en"}, {"cursor", "no dots"}}));
  ASSERT_TRUE(bad->wait([](auto& got, int) { return Recorder::has(got, "error", "bad_cursor"); }));
}
