#include "events/event.hpp"

#include <gtest/gtest.h>

using namespace herald::events;

TEST(Events, KindsRoundTripAndUnknownOnesAreOther) {
  for (auto k : {Kind::StoryPublished, Kind::StoryUpdated, Kind::StoryRemoved, Kind::StoryChat,
                 Kind::CatalogChanged, Kind::DirectoryChanged})
    EXPECT_EQ(kind_from(to_string(k)), k);
  EXPECT_EQ(kind_from("article.translated"), Kind::Other);
  EXPECT_TRUE(is_story(Kind::StoryRemoved));
  EXPECT_FALSE(is_story(Kind::StoryChat));
}
