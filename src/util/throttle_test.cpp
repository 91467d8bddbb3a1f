#include "util/throttle.hpp"

#include <gtest/gtest.h>

using herald::util::Throttle;

TEST(Throttle, AllowsTheLimitThenSaysHowLongToWait) {
  Throttle t;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(t.hit("ip:1", 10, 600, 1000 + i), 0);
  EXPECT_EQ(t.hit("ip:1", 10, 600, 1010), 590);  // the first event leaves the window at 1600
  EXPECT_EQ(t.hit("ip:2", 10, 600, 1010), 0);    // other keys are not affected
  EXPECT_EQ(t.wait("ip:1", 10, 600, 1599), 1);
  EXPECT_EQ(t.wait("ip:1", 10, 600, 1600), 0);
  t.clear("ip:1");
  EXPECT_EQ(t.wait("ip:1", 10, 600, 1011), 0);
}

TEST(Throttle, MemoryStaysBounded) {
  Throttle t(100);
  for (int i = 0; i < 1000; ++i) t.record(std::to_string(i) + "k", 60, 1000);
  for (int i = 0; i < 5; ++i) t.record("late", 60, 2000 + i);
  EXPECT_EQ(t.wait("late", 5, 60, 2005), 55);
}

TEST(Throttle, AFloodOfKeysNeitherGrowsMemoryNorResetsAVictimsCount) {
  Throttle t(160);
  for (int i = 0; i < 10; ++i) t.record("login-account:victim@example.org", 600, 1000);
  // An attacker fills the table with keys of their own inside the window.
  for (int i = 0; i < 100000; ++i) t.record("login-ip:" + std::to_string(i), 600, 1001);
  EXPECT_LE(t.size(), 160u + 2 * 16u);  // bounded (rounded up per shard, one overflow each)
  // The victim's account is still locked; the flood itself is counted together.
  EXPECT_GT(t.wait("login-account:victim@example.org", 10, 600, 1002), 0);
  EXPECT_GT(t.wait("login-ip:never-seen", 10, 600, 1002), 0);
  // Once the window has passed, everything is swept and new keys have their own counts.
  EXPECT_EQ(t.wait("login-ip:never-seen", 10, 600, 1700), 0);
  t.record("login-ip:fresh", 600, 1700);
  EXPECT_EQ(t.wait("login-ip:fresh", 1, 600, 1700), 600);
}
