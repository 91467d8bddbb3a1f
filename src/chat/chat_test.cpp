// Chat rules without HTTP: flood control and slow mode on the service's clock, locked rooms,
// mutes and bans (a ban takes the person's lines out of the history the bus keeps), on real
// SQLite and the in-process bus.
#include "chat/chat.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "storage/stores.hpp"
#include "testing/temp_dir.hpp"
#include "testing/editions.hpp"

using namespace herald;
namespace json = boost::json;

namespace {
class ChatRules : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::make_unique<herald::testing::TempDir>("herald-chat-");
    stores = storage::open_stores("sqlite:" + dir->file("herald.db"), clock);
    stores->news().add_edition(herald::testing::english_edition());
    bus = live::in_process_bus();
    chat = std::make_unique<chat::ChatService>(stores->news(), stores->chat(), stores->accounts(),
                                               *bus, chat::ChatOptions{}, clock);
    anna = member("anna", content::Role::Reader);
    mod = member("mod", content::Role::Moderator);
  }
  live::Member member(const std::string& name, content::Role role) {
    content::User u;
    u.email = name + "@example.org";
    u.display_name = name;
    u.role = role;
    u.id = stores->accounts().create_user(u).id;
    return chat::member_for(u, "", false);
  }
  live::SendResult say(const live::Member& m, const std::string& text) {
    return chat->send(m, "chat:en", json::object{{"text", text}});
  }
  util::ManualClock clock{1767225600};
  std::unique_ptr<herald::testing::TempDir> dir;
  std::unique_ptr<storage::Stores> stores;
  std::unique_ptr<live::EventBus> bus;
  std::unique_ptr<chat::ChatService> chat;
  live::Member anna, mod;
};
}  // namespace

TEST_F(ChatRules, AFloodIsStoppedAndTheWindowPassesWithTheClock) {
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(say(anna, "line " + std::to_string(i)).ok) << i;
  auto r = say(anna, "one too many");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.code, "slow_down");
  EXPECT_GT(r.retry_after, 0);
  clock.advance(11);
  EXPECT_TRUE(say(anna, "after the window").ok);
}

TEST_F(ChatRules, SlowModeAndLockedRoomsBindReadersNotModerators) {
  auto s = stores->chat().room("en");
  s.room = "en";
  s.slow_mode_s = 30;
  ASSERT_EQ(chat->settings(mod, s).outcome, content::Outcome::Done);
  EXPECT_EQ(chat->settings(anna, s).outcome, content::Outcome::Forbidden);  // readers cannot change the room
  EXPECT_TRUE(say(anna, "first").ok);
  EXPECT_EQ(say(anna, "second").code, "slow_mode");
  EXPECT_TRUE(say(mod, "moderators are not slowed").ok);
  EXPECT_TRUE(say(mod, "at all").ok);
  clock.advance(30);
  EXPECT_TRUE(say(anna, "thirty seconds later").ok);
  s.locked = true;
  ASSERT_EQ(chat->settings(mod, s).outcome, content::Outcome::Done);
  EXPECT_EQ(say(anna, "locked out").code, "locked");
  EXPECT_TRUE(say(mod, "still here").ok);
}

TEST_F(ChatRules, InputIsCheckedBeforeAnythingIsStored) {
  EXPECT_EQ(say(anna, "   ").code, "empty");
  EXPECT_EQ(say(anna, std::string(1001, 'x')).code, "too_long");
  EXPECT_EQ(say(anna, "bell\a").code, "bad_message");
  EXPECT_EQ(chat->send(live::Member{}, "chat:en", json::object{{"text", "hi"}}).code, "login");
  EXPECT_EQ(chat->send(anna, "chat:nowhere", json::object{{"text", "hi"}}).code, "no_room");
  EXPECT_TRUE(stores->chat().messages("en", 0, 10).empty());
}

TEST_F(ChatRules, AMuteEndsOnTheClockAndABanClearsTheHistory) {
  ASSERT_EQ(chat->sanction(anna, "en", mod.user_id, "mute", 5, false).outcome, content::Outcome::Forbidden);
  ASSERT_EQ(chat->sanction(mod, "en", anna.user_id, "mute", 5, false).outcome, content::Outcome::Done);
  EXPECT_EQ(say(anna, "muted").code, "muted");
  clock.advance(5 * 60);
  auto line = say(anna, "back");
  ASSERT_TRUE(line.ok);
  auto before = bus->last_seq("chat:en");
  ASSERT_EQ(chat->sanction(mod, "en", anna.user_id, "ban", 0, false).outcome, content::Outcome::Done);
  EXPECT_EQ(say(anna, "banned").code, "banned");
  EXPECT_FALSE(chat->check_subscribe(anna, "chat:en").empty());
  EXPECT_TRUE(stores->chat().messages("en", 0, 10).empty() ||
              stores->chat().messages("en", 0, 10)[0].user_id != anna.user_id);
  // What a reader resuming from the start would be sent holds none of her words.
  auto history = bus->since("chat:en", 0);
  ASSERT_TRUE(history);
  for (auto& ev : *history) EXPECT_EQ(ev.data->find("\"back\""), std::string::npos) << *ev.data;
  EXPECT_GT(bus->last_seq("chat:en"), before);  // the purge itself went out
  ASSERT_EQ(chat->lift(mod, "en", anna.user_id).outcome, content::Outcome::Done);
  EXPECT_TRUE(say(anna, "forgiven").ok);
}
