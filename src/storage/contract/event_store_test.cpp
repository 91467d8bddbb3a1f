// The EventStore contract: writes record their events with them; a once consumer's position is
// held by one node at a time under a lease. On every backend.
#include <gtest/gtest.h>

#include "storage/contract/backends.hpp"
#include "testing/editions.hpp"

using namespace herald;
using namespace herald::content;

namespace {
class EventStoreContract : public storage::contract::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped()) return;
    ev = &stores().events();
    ed = stores()
             .news()
             .add_edition(herald::testing::english_edition())
             .id;
  }
  Id section(const std::string& slug) {
    return stores().news().add_section(Section{0, ed, slug, slug, "", 0}).id;
  }
  storage::EventStore* ev = nullptr;
  Id ed = 0;
};
}  // namespace

HERALD_CONTRACT_SUITE(EventStoreContract);

TEST_P(EventStoreContract, AWriteRecordsItsEventAndARefusedOneNone) {
  auto before = ev->last_seq();
  section("world");
  auto events = ev->since(before, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "catalog");
  EXPECT_EQ(events[0].edition_id, ed);
  EXPECT_GT(events[0].seq, before);
  EXPECT_FALSE(stores().news().add_section(Section{0, ed, "world", "Again", "", 0}).ok());
  EXPECT_EQ(ev->last_seq(), events[0].seq);  // nothing stored, nothing recorded
}

TEST_P(EventStoreContract, AConsumerStartsAtTheNewestEventAndAdvances) {
  section("old");
  auto start = ev->claim("newsfeed", "node-a", clock.now(), 10);
  ASSERT_TRUE(start);
  EXPECT_EQ(*start, ev->last_seq());  // no replay of history
  section("new");
  EXPECT_EQ(ev->since(*start, 10).size(), 1u);
  EXPECT_TRUE(ev->advance("newsfeed", "node-a", ev->last_seq()));
  EXPECT_EQ(ev->claim("newsfeed", "node-a", clock.now(), 10), ev->last_seq());
  // A position never goes back.
  EXPECT_TRUE(ev->advance("newsfeed", "node-a", 0));
  EXPECT_EQ(ev->claim("newsfeed", "node-a", clock.now(), 10), ev->last_seq());
}

TEST_P(EventStoreContract, OneNodeHoldsAConsumerUntilItsLeaseRunsOut) {
  ASSERT_TRUE(ev->claim("newsfeed", "node-a", clock.now(), 10));
  EXPECT_FALSE(ev->claim("newsfeed", "node-b", clock.now(), 10));
  EXPECT_FALSE(ev->advance("newsfeed", "node-b", 5));
  // Other consumers are independent.
  EXPECT_TRUE(ev->claim("indexer", "node-b", clock.now(), 10));
  clock.advance(11);  // node-a stopped renewing
  auto taken = ev->claim("newsfeed", "node-b", clock.now(), 10);
  ASSERT_TRUE(taken);
  EXPECT_FALSE(ev->advance("newsfeed", "node-a", 5));  // node-a lost it
  EXPECT_FALSE(ev->claim("newsfeed", "node-a", clock.now(), 10));
}

TEST_P(EventStoreContract, TheStateOfAConsumerIsReadWithoutTakingIt) {
  EXPECT_FALSE(ev->consumer("newsfeed"));
  ASSERT_TRUE(ev->claim("newsfeed", "node-a", clock.now(), 10));
  auto st = ev->consumer("newsfeed");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->owner, "node-a");
  EXPECT_EQ(st->lease_until, clock.now() + 10);
  EXPECT_EQ(st->seq, ev->last_seq());
}
