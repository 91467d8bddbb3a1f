#include "live/bus.hpp"

#include <gtest/gtest.h>

using namespace herald::live;

TEST(Bus, NumbersEventsPerChannelAndDeliversThemInOrder) {
  auto bus = in_process_bus();
  std::vector<std::pair<std::string, std::uint64_t>> seen;
  auto token = bus->subscribe([&](const BusEvent& e) { seen.emplace_back(e.channel, e.seq); });
  EXPECT_EQ(bus->publish("newsfeed:en", "{}"), 1u);
  EXPECT_EQ(bus->publish("newsfeed:en", "{}"), 2u);
  EXPECT_EQ(bus->publish("chat:en", "{}"), 1u);
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::uint64_t>>{
                      {"newsfeed:en", 1}, {"newsfeed:en", 2}, {"chat:en", 1}}));
  bus->unsubscribe(token);
  bus->publish("newsfeed:en", "{}");
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(bus->last_seq("newsfeed:en"), 3u);
}

TEST(Bus, ReplaysWhatAClientMissedOrSaysItIsTooLate) {
  BusOptions o;
  o.history_per_channel = 3;
  auto bus = in_process_bus(o);
  for (int i = 0; i < 5; ++i) bus->publish("c", "{\"n\":" + std::to_string(i) + "}");
  auto from3 = bus->since("c", 3);
  ASSERT_TRUE(from3);
  ASSERT_EQ(from3->size(), 2u);
  EXPECT_EQ((*from3)[0].seq, 4u);
  EXPECT_EQ(*(*from3)[1].data, "{\"n\":4}");
  EXPECT_TRUE(bus->since("c", 5)->empty());
  EXPECT_TRUE(bus->since("c", 2));        // 3, 4, 5 are kept
  EXPECT_FALSE(bus->since("c", 1));       // 2 is gone: reload
  EXPECT_FALSE(bus->since("c", 9));       // a number never given (the server restarted)
  EXPECT_TRUE(bus->since("unknown", 0)->empty());
  EXPECT_FALSE(bus->since("unknown", 4));
}

TEST(Bus, CursorsCarryTheEpochAndParseStrictly) {
  auto bus = herald::live::in_process_bus();
  auto other = herald::live::in_process_bus();
  EXPECT_NE(bus->epoch(), other->epoch());  // a restarted bus is another epoch
  auto text = herald::live::cursor_text(bus->epoch(), 42);
  auto c = herald::live::parse_cursor(text);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->epoch, bus->epoch());
  EXPECT_EQ(c->seq, 42u);
  for (const char* bad : {"", "42", ".42", "abc.", "abc.-1", "a b.1", "abc.1x"})
    EXPECT_FALSE(herald::live::parse_cursor(bad)) << bad;
}
