#include "util/text.hpp"

#include <gtest/gtest.h>

#include "util/clock.hpp"

namespace herald::util {

TEST(Text, ToIntTakesOnlyPlainNumbers) {
  EXPECT_EQ(to_int("42"), 42);
  EXPECT_EQ(to_int("-7"), -7);
  EXPECT_FALSE(to_int(""));
  EXPECT_FALSE(to_int("4 "));
  EXPECT_FALSE(to_int("+4"));
  EXPECT_FALSE(to_int("0x4"));
  EXPECT_FALSE(to_int("99999999999999999999"));
}

TEST(Text, IntAfterPrefix) {
  EXPECT_EQ(int_after("room:12", "room:"), 12);
  EXPECT_EQ(int_after("room:", "room:"), 0);
  EXPECT_EQ(int_after("story:12", "room:"), 0);
  EXPECT_EQ(int_after("room:12x", "room:"), 0);
}

TEST(Text, HtmlEscapeCoversTextAndAttributes) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock c(100);
  EXPECT_EQ(c.now(), 100);
  c.advance(5);
  EXPECT_EQ(c.now(), 105);
  c.set(7);
  EXPECT_EQ(c.now(), 7);
  EXPECT_GT(system_clock().now(), 1700000000);
}

}  // namespace herald::util
