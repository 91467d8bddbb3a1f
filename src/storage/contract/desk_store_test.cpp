// The DeskStore contract (versions, revisions, workflow, schedule, media texts), on every backend.
#include <gtest/gtest.h>

#include "storage/contract/backends.hpp"
#include "testing/editions.hpp"

using namespace herald;
using namespace herald::content;
using storage::Refusal;

namespace {
class DeskStoreContract : public storage::contract::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped()) return;
    news = &stores().news();
    desk = &stores().desk();
    ed = news->add_edition(herald::testing::english_edition())
             .id;
    sec = news->add_section(Section{0, ed, "world", "World", "", 0}).id;
  }
  Article draft(const std::string& headline) {
    return herald::testing::story(ed, sec, headline, Status::Draft);
  }
  storage::NewsStore* news = nullptr;
  storage::DeskStore* desk = nullptr;
  Id ed = 0, sec = 0;
};
}  // namespace

HERALD_CONTRACT_SUITE(DeskStoreContract);

TEST_P(DeskStoreContract, SavesCountVersionsAndAStaleBaseIsRefused) {
  auto r = desk->save_story(draft("First"), 0, 7, "{}", "saved");
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.version, 1);
  auto a = *news->article(r.id);
  a.headline = "Second";
  auto r2 = desk->save_story(a, 1, 7, "{}", "saved");
  ASSERT_TRUE(r2.ok()) << r2.detail;
  EXPECT_EQ(r2.version, 2);
  a.headline = "Stale";
  auto r3 = desk->save_story(a, 1, 8, "{}", "saved");
  EXPECT_TRUE(r3.stale());
  EXPECT_EQ(r3.version, 2);  // what is stored now
  EXPECT_EQ(news->article(r.id)->headline, "Second");
  auto revs = desk->revisions(r.id);
  ASSERT_EQ(revs.size(), 2u);
  EXPECT_EQ(revs[0].version, 2);  // newest first
  EXPECT_TRUE(desk->revision(r.id, revs[1].id));
  EXPECT_FALSE(desk->revision(r.id + 1, revs[1].id));
  auto missing = draft("Gone");
  missing.id = 99999;
  EXPECT_EQ(desk->save_story(missing, 1, 7, "{}", "saved").refusal, Refusal::NotFound);
}

TEST_P(DeskStoreContract, ScheduledStoriesComeDueAtTheirTime) {
  auto id = desk->save_story(draft("Later"), 0, 7, "{}", "saved").id;
  ASSERT_TRUE(desk->set_status(id, Status::Scheduled, 5000, 7).ok());
  EXPECT_TRUE(desk->due_scheduled(4999).empty());
  EXPECT_EQ(desk->due_scheduled(5000), std::vector<Id>{id});
  EXPECT_EQ(desk->set_status(id, Status::Published, 0, 7).refusal, Refusal::Invalid);
  ASSERT_TRUE(news->publish(id, 5000).ok());
  EXPECT_TRUE(desk->due_scheduled(6000).empty());
  // A published story goes back to draft only by unpublishing.
  EXPECT_EQ(desk->set_status(id, Status::Draft, 0, 7).refusal, Refusal::Conflict);
}

TEST_P(DeskStoreContract, TheStoryListFiltersAndHidesOthersDrafts) {
  desk->save_story(draft("Mine"), 0, 7, "{}", "saved");
  desk->save_story(draft("Theirs"), 0, 8, "{}", "saved");
  storage::StoryListQuery q;
  EXPECT_EQ(desk->count_stories(q), 2);
  q.own_unpublished_only = 7;
  auto mine = desk->stories(q);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].headline, "Mine");
  q = {};
  q.headline = "THEIR";
  EXPECT_EQ(desk->count_stories(q), 1);
}

TEST_P(DeskStoreContract, PhotoTextsAndCatalogSettingsChangeOrAreRefused) {
  auto mid = news->add_media(Media{0, "p.jpg", "image/jpeg", 10, 10, "c", "cr", "alt"}).id;
  ASSERT_TRUE(desk->update_media_text(mid, "New caption", "New credit", "New alt").ok());
  EXPECT_EQ(news->media(mid)->caption, "New caption");
  EXPECT_EQ(desk->update_media_text(mid + 100, "x", "y", "z").refusal, Refusal::NotFound);
  auto s = news->sections().at(0);
  s.slug = "newsfeed";
  EXPECT_EQ(desk->update_section(s).reason, "refused_reserved_slug");
  news->add_section(Section{0, ed, "science", "Science", "", 1});
  s.slug = "science";
  EXPECT_EQ(desk->update_section(s).refusal, Refusal::Conflict);
  auto e = news->editions().at(0);
  e.site_name.clear();
  EXPECT_EQ(desk->update_edition(e).refusal, Refusal::Invalid);
  EXPECT_EQ(news->editions().at(0).site_name, "Herald");
}
