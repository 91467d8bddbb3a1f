// The rate-limit contract (storage::Stores::limits()): a key sees at most `limit` events in its
// window, counted by every node that shares the database; the in-memory Throttle of a single
// node keeps the same rules. On every backend.
#include <gtest/gtest.h>

#include "storage/contract/backends.hpp"

using namespace herald;

namespace {
class LimitStoreContract : public storage::contract::StoresTest {};

// The rules every Limiter keeps (run on the database's and on the in-memory one).
void keeps_the_rules(util::Limiter& l) {
  const std::int64_t t = 1'000'000;
  EXPECT_EQ(l.hit("k", 3, 10, t), 0);
  EXPECT_EQ(l.hit("k", 3, 10, t + 1), 0);
  EXPECT_EQ(l.hit("k", 3, 10, t + 2), 0);
  EXPECT_EQ(l.hit("k", 3, 10, t + 3), 7);  // until the first of the three leaves the window
  EXPECT_EQ(l.wait("k", 3, 10, t + 3), 7);
  EXPECT_EQ(l.hit("other", 3, 10, t + 3), 0);  // keys count apart
  EXPECT_EQ(l.hit("k", 3, 10, t + 10), 0);     // the first left the window; this one counts
  EXPECT_EQ(l.hit("k", 3, 10, t + 10), 1);     // (t+1, t+2, t+10): until t+11
  // wait/record/clear: a login throttle that forgets on success.
  l.record("login", 60, t);
  l.record("login", 60, t);
  EXPECT_EQ(l.wait("login", 3, 60, t), 0);
  l.record("login", 60, t);
  EXPECT_EQ(l.wait("login", 3, 60, t + 5), 55);
  l.clear("login");
  EXPECT_EQ(l.wait("login", 3, 60, t + 5), 0);
  // A limit of one: slow mode.
  EXPECT_EQ(l.wait("slow", 1, 30, t), 0);
  l.record("slow", 30, t);
  EXPECT_EQ(l.wait("slow", 1, 30, t + 10), 20);
  EXPECT_EQ(l.wait("slow", 1, 30, t + 30), 0);
}
}  // namespace

HERALD_CONTRACT_SUITE(LimitStoreContract);

TEST_P(LimitStoreContract, AKeySeesAtMostItsLimitInItsWindow) { keeps_the_rules(stores().limits()); }

TEST(Throttle, KeepsTheSameRulesInMemory) {
  util::Throttle t;
  keeps_the_rules(t);
}

TEST_P(LimitStoreContract, NodesSharingTheDatabaseCountTogether) {
  auto other = another_node();
  const std::int64_t t = 2'000'000;
  EXPECT_EQ(stores().limits().hit("chat:7", 4, 10, t), 0);
  EXPECT_EQ(other->limits().hit("chat:7", 4, 10, t), 0);
  EXPECT_EQ(stores().limits().hit("chat:7", 4, 10, t), 0);
  EXPECT_EQ(other->limits().hit("chat:7", 4, 10, t), 0);
  EXPECT_GT(stores().limits().hit("chat:7", 4, 10, t + 1), 0);
  EXPECT_GT(other->limits().hit("chat:7", 4, 10, t + 1), 0);
  other->limits().clear("chat:7");
  EXPECT_EQ(stores().limits().hit("chat:7", 4, 10, t + 1), 0);
}

TEST_P(LimitStoreContract, ASweepOfExpiredMarksLeavesTheCountsAsTheyWere) {
  auto& l = stores().limits();
  const std::int64_t t = 3'000'000;
  for (int i = 0; i < 50; ++i) l.hit("burst:" + std::to_string(i), 5, 10, t);
  // A minute later the next hit sweeps what has expired; the counts are unchanged by it.
  EXPECT_EQ(l.hit("burst:0", 1, 10, t + 61), 0);
  EXPECT_GT(l.hit("burst:0", 1, 10, t + 61), 0);
  EXPECT_EQ(l.wait("burst:1", 1, 10, t + 61), 0);
}
