// Two nodes on one database (two Stores on the same SQLite file, as two processes would be):
// each applies every event to its own state; each once listener sees each event on one node;
// when that node stops, the other carries on from where it left off.
#include "events/relay.hpp"

#include <gtest/gtest.h>

#include "storage/stores.hpp"
#include "testing/temp_dir.hpp"
#include "testing/editions.hpp"

using namespace herald;

namespace {
struct Node {
  Node(const std::string& url, const std::string& name, const util::Clock& clock)
      : stores(storage::open_stores(url, clock)),
        relay(stores->events(), events::RelayOptions{name, 10, 500, std::chrono::milliseconds(50)},
              clock) {
    relay.on_every_node([this](const events::Event& e) { local.push_back(e.seq); });
    relay.once("newsfeed", [this](const events::Event& e) { once.push_back(e.seq); });
  }
  std::unique_ptr<storage::Stores> stores;
  events::Relay relay;
  std::vector<std::int64_t> local, once;
};

class RelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::make_unique<herald::testing::TempDir>("herald-relay-");
    url = "sqlite:" + dir->file("herald.db");
    a = std::make_unique<Node>(url, "node-a", clock);
    b = std::make_unique<Node>(url, "node-b", clock);
    ed = a->stores->news()
             .add_edition(herald::testing::english_edition())
             .id;
  }
  void write(Node& n, int i) {
    ASSERT_TRUE(n.stores->news()
                    .add_section(content::Section{0, ed, "s" + std::to_string(i), "S", "", i})
                    .ok());
  }
  util::ManualClock clock;
  std::unique_ptr<herald::testing::TempDir> dir;
  std::string url;
  std::unique_ptr<Node> a, b;
  content::Id ed = 0;
};
}  // namespace

TEST_F(RelayTest, EveryNodeAppliesEveryEventAndOnceListenersRunOnOneNode) {
  a->relay.deliver_once();  // node-a takes the newsfeed
  b->relay.deliver_once();
  for (int i = 0; i < 5; ++i) write(i % 2 ? *a : *b, i);
  EXPECT_EQ(a->relay.apply_local(), 5u);
  EXPECT_EQ(b->relay.apply_local(), 5u);
  EXPECT_EQ(a->local, b->local);
  EXPECT_EQ(a->relay.deliver_once() + b->relay.deliver_once(), 5u);
  EXPECT_EQ(a->once, a->local);  // all on the node holding the lease
  EXPECT_TRUE(b->once.empty());
  EXPECT_EQ(a->relay.apply_local(), 0u);  // nothing twice
}

TEST_F(RelayTest, WhenTheHoldingNodeStopsTheOtherCarriesOnWithoutAGap) {
  a->relay.deliver_once();
  write(*a, 1);
  a->relay.deliver_once();
  ASSERT_EQ(a->once.size(), 1u);
  a.reset();  // node-a dies; its lease runs out
  write(*b, 2);
  b->relay.deliver_once();
  EXPECT_TRUE(b->once.empty());  // still node-a's for 10 s
  clock.advance(11);
  write(*b, 3);
  EXPECT_EQ(b->relay.deliver_once(), 2u);
  auto all = b->stores->events().since(0, 100);
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(b->once, (std::vector<std::int64_t>{all[all.size() - 2].seq, all.back().seq}));
}

TEST_F(RelayTest, AFailingOnceListenerIsAskedAgainFromTheSameEvent) {
  std::vector<std::int64_t> seen;
  int failures = 1;
  events::Relay r(b->stores->events(), events::RelayOptions{"node-c", 10, 500,
                                                            std::chrono::milliseconds(50)},
                  clock);
  r.once("mailer", [&](const events::Event& e) {
    if (failures-- > 0) throw std::runtime_error("smtp down");
    seen.push_back(e.seq);
  });
  r.deliver_once();
  write(*a, 1);
  write(*a, 2);
  EXPECT_EQ(r.deliver_once(), 0u);
  EXPECT_EQ(r.deliver_once(), 2u);
  EXPECT_EQ(seen.size(), 2u);
}

TEST_F(RelayTest, TheThreadDeliversWhenWoken) {
  std::atomic<int> n{0};
  events::Relay r(a->stores->events(), events::RelayOptions{"node-t", 10, 500,
                                                            std::chrono::milliseconds(10000)},
                  clock);
  r.on_every_node([&](const events::Event&) { ++n; });
  r.start();
  write(*a, 1);
  r.wake();
  for (int i = 0; i < 2000 && n.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(n.load(), 1);
  r.stop();
}

TEST_F(RelayTest, ALeaseAskedForEverySecondIsWrittenOnlyWhenTakenOrPastItsHalf) {
  auto& events = a->stores->events();
  auto& other = b->stores->events();
  clock.set(1'000'000);
  auto now = [&] { return clock.now(); };
  ASSERT_TRUE(events::hold_lease(events, "scheduler", "node-a", now(), 10));
  auto st = events.consumer("scheduler");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->owner, "node-a");
  EXPECT_EQ(st->lease_until, 1'000'010);
  for (int s = 1; s <= 4; ++s) {  // more than half left: held, and nothing written
    clock.advance(1);
    EXPECT_TRUE(events::hold_lease(events, "scheduler", "node-a", now(), 10));
    EXPECT_FALSE(events::hold_lease(other, "scheduler", "node-b", now(), 10));
    EXPECT_EQ(events.consumer("scheduler")->lease_until, 1'000'010);
  }
  clock.advance(1);  // half left: renewed
  EXPECT_TRUE(events::hold_lease(events, "scheduler", "node-a", now(), 10));
  EXPECT_EQ(events.consumer("scheduler")->lease_until, 1'000'015);
  clock.advance(11);  // node-a stopped asking; its lease ran out, node-b takes it
  EXPECT_TRUE(events::hold_lease(other, "scheduler", "node-b", now(), 10));
  EXPECT_EQ(other.consumer("scheduler")->owner, "node-b");
  EXPECT_FALSE(events::hold_lease(events, "scheduler", "node-a", now(), 10));
}
