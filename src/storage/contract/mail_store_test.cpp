// The MailStore contract: a mail is kept until sent, claimed by one node at a time under a
// lease, tried again after a failure and given up on when told. On every backend.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "storage/contract/backends.hpp"

using namespace herald;

namespace {
class MailStoreContract : public storage::contract::StoresTest {};
}  // namespace

HERALD_CONTRACT_SUITE(MailStoreContract);

TEST_P(MailStoreContract, AMailIsClaimedOnceAndGoneWhenSent) {
  auto& m = stores().mail();
  m.add("a@example.org", "Confirm", "Text one", 1000);
  m.add("b@example.org", "Reset", "Text two", 1001);
  EXPECT_EQ(m.pending(), 2);
  auto first = m.claim("node-a", 1002, 60, 10);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].to, "a@example.org");  // oldest first
  EXPECT_EQ(first[0].subject, "Confirm");
  EXPECT_EQ(first[0].text, "Text one");
  EXPECT_EQ(first[1].to, "b@example.org");
  EXPECT_TRUE(m.claim("node-b", 1003, 60, 10).empty());  // held by node-a
  m.sent(first[0].id, 1004);
  EXPECT_EQ(m.pending(), 1);
  // node-a died before sending the second: its claim runs out and node-b takes it.
  EXPECT_TRUE(m.claim("node-b", 1061, 60, 10).empty());
  auto taken = m.claim("node-b", 1063, 60, 10);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].id, first[1].id);
  m.sent(taken[0].id, 1064);
  EXPECT_EQ(m.pending(), 0);
  EXPECT_TRUE(m.claim("node-a", 5000, 60, 10).empty());  // sent mail is never claimed again
}

TEST_P(MailStoreContract, AFailedTryIsRetriedLaterAndAGivenUpMailNever) {
  auto& m = stores().mail();
  m.add("c@example.org", "Notice", "Body", 2000);
  auto a = m.claim("node-a", 2000, 60, 10);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].attempts, 0);
  m.failed(a[0].id, "connection refused", 2004, 2000);
  EXPECT_TRUE(m.claim("node-b", 2003, 60, 10).empty());  // not before its retry time
  auto b = m.claim("node-b", 2004, 60, 10);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].attempts, 1);
  m.failed(b[0].id, "still refused", 0, 2005);  // given up on
  EXPECT_EQ(m.pending(), 0);
  EXPECT_TRUE(m.claim("node-a", 9000, 60, 10).empty());
}

TEST_P(MailStoreContract, TwoNodesClaimingAtOnceShareTheMailWithoutOverlap) {
  auto other = another_node();
  for (int i = 0; i < 30; ++i)
    stores().mail().add("n" + std::to_string(i) + "@example.org", "S", "T", 3000);
  std::vector<storage::QueuedMail> a, b;
  std::thread ta([&] {
    for (int i = 0; i < 10; ++i) {
      auto got = stores().mail().claim("node-a", 3001, 60, 2);
      a.insert(a.end(), got.begin(), got.end());
    }
  });
  std::thread tb([&] {
    for (int i = 0; i < 10; ++i) {
      auto got = other->mail().claim("node-b", 3001, 60, 2);
      b.insert(b.end(), got.begin(), got.end());
    }
  });
  ta.join();
  tb.join();
  // (A claim that met the other's locks may take fewer; what is left is claimed afterwards.)
  for (auto rest = stores().mail().claim("node-c", 3001, 60, 100); !rest.empty();
       rest = stores().mail().claim("node-c", 3001, 60, 100))
    a.insert(a.end(), rest.begin(), rest.end());
  std::set<std::int64_t> ids;
  for (auto& x : a) EXPECT_TRUE(ids.insert(x.id).second) << "mail " << x.id << " claimed twice";
  for (auto& x : b) EXPECT_TRUE(ids.insert(x.id).second) << "mail " << x.id << " claimed twice";
  EXPECT_EQ(ids.size(), 30u);
}
