// The ChatStore contract (rooms, messages, deletions, sanctions, newsfeed marks), on every backend.
#include <gtest/gtest.h>

#include "storage/contract/backends.hpp"
#include "testing/editions.hpp"

using namespace herald;

namespace {
class ChatStoreContract : public storage::contract::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped()) return;
    chat = &stores().chat();
    content::User u;
    u.email = "a@example.org";
    u.display_name = "Anna";
    anna = stores().accounts().create_user(u).id;
    u.email = "b@example.org";
    u.display_name = "Boris";
    boris = stores().accounts().create_user(u).id;
  }
  std::int64_t say(std::int64_t user, const std::string& room, const std::string& text) {
    return chat->add_message(storage::ChatMessage{0, room, user, "", text, 100});
  }
  storage::ChatStore* chat = nullptr;
  std::int64_t anna = 0, boris = 0;
};
}  // namespace

HERALD_CONTRACT_SUITE(ChatStoreContract);

TEST_P(ChatStoreContract, RoomsHaveDefaultsUntilSet) {
  auto r = chat->room("lobby");
  EXPECT_TRUE(r.public_read);
  EXPECT_FALSE(r.locked);
  r.locked = true;
  r.slow_mode_s = 30;
  chat->set_room(r);
  EXPECT_TRUE(chat->room("lobby").locked);
  EXPECT_EQ(chat->room("lobby").slow_mode_s, 30);
  EXPECT_FALSE(chat->room("other").locked);
}

TEST_P(ChatStoreContract, MessagesPageNewestFirstAndDeletedOnesVanish) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(say(anna, "lobby", "line " + std::to_string(i)));
  say(boris, "elsewhere", "other room");
  auto page = chat->messages("lobby", 0, 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].text, "line 4");
  EXPECT_EQ(page[0].user_name, "Anna");
  auto older = chat->messages("lobby", page.back().id, 10);
  ASSERT_EQ(older.size(), 2u);
  EXPECT_EQ(older[1].text, "line 0");
  EXPECT_TRUE(chat->delete_message(ids[4], boris, 200));
  EXPECT_FALSE(chat->delete_message(999999, boris, 200));
  EXPECT_EQ(chat->messages("lobby", 0, 10).size(), 4u);
  EXPECT_EQ(chat->delete_messages_of(anna, "*", boris, 200), 4);
  EXPECT_TRUE(chat->messages("lobby", 0, 10).empty());
  EXPECT_TRUE(chat->rooms_of(anna).empty());
  EXPECT_EQ(chat->rooms_of(boris), std::vector<std::string>{"elsewhere"});
}

TEST_P(ChatStoreContract, AResumingReaderGetsTheLinesAfterItsOwnAndTheDeletionsBefore) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(say(anna, "lobby", "line " + std::to_string(i)));
  say(anna, "other", "elsewhere");
  // The reader saw up to ids[3]; then ids[1] (seen) and ids[5] (not yet seen) were deleted.
  ASSERT_TRUE(chat->delete_message(ids[1], boris, 200));
  ASSERT_TRUE(chat->delete_message(ids[5], boris, 200));
  auto after = chat->messages_after("lobby", ids[3], 10);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, ids[4]);
  EXPECT_EQ(after[0].text, "line 4");
  EXPECT_EQ(chat->deleted_among_last("lobby", ids[3], 10), std::vector<std::int64_t>{ids[1]});
  EXPECT_EQ(chat->deleted_among_last("lobby", ids[5], 10),
            (std::vector<std::int64_t>{ids[1], ids[5]}));
  // Only the window of newest lines up to the reader's is looked at.
  EXPECT_TRUE(chat->deleted_among_last("lobby", ids[3], 2).empty());
  EXPECT_TRUE(chat->deleted_among_last("other", ids[5], 10).empty());
  EXPECT_EQ(chat->messages_after("lobby", 0, 2).size(), 2u);
}

TEST_P(ChatStoreContract, SanctionsApplyInTheirRoomUntilTheyEndOrAreLifted) {
  chat->add_sanction(storage::ChatSanction{"lobby", anna, "mute", 1000}, boris, 100);
  chat->add_sanction(storage::ChatSanction{"*", anna, "ban", 0}, boris, 100);
  EXPECT_EQ(chat->sanctions(anna, "lobby", 500).size(), 2u);
  EXPECT_EQ(chat->sanctions(anna, "other", 500).size(), 1u);  // only the site-wide ban
  EXPECT_EQ(chat->sanctions(anna, "lobby", 1000).size(), 1u);  // the mute has ended
  chat->lift_sanctions(anna, "*");
  EXPECT_TRUE(chat->sanctions(anna, "other", 500).empty());
  EXPECT_TRUE(chat->sanctions(boris, "lobby", 500).empty());
}

TEST_P(ChatStoreContract, TheNewsfeedMarkIsKeptPerPerson) {
  EXPECT_EQ(chat->newsfeed_seen(anna), 0);
  chat->set_newsfeed_seen(anna, 1234);
  EXPECT_EQ(chat->newsfeed_seen(anna), 1234);
  EXPECT_EQ(chat->newsfeed_seen(boris), 0);
}

TEST_P(ChatStoreContract, OpeningAStorysRoomRecordsTheEventThatPurgesItsPage) {
  auto ed = stores().news().add_edition(
      herald::testing::english_edition());
  auto sec = stores().news().add_section(content::Section{0, ed.id, "world", "World", "", 0});
  content::Article a;
  a.edition_id = ed.id;
  a.section_id = sec.id;
  a.headline = "Story";
  a.slug = "story";
  auto id = stores().news().save_article(a).id;
  auto before = stores().events().last_seq();
  chat->set_chat_enabled(id, true, 500);
  auto events = stores().events().since(before, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "article.chat");
  EXPECT_EQ(events[0].article_id, id);
  EXPECT_EQ(events[0].edition_id, ed.id);
  EXPECT_EQ(events[0].purge_keys, std::vector<std::string>{"article:" + std::to_string(id)});
}
