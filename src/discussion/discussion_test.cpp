// Discussion rules without HTTP, on real SQLite, the in-process bus and a clock the tests
// move: holds, threads two levels deep, the edit window, closing by age, the posting rate,
// reports that hide, rejection rates that pre-moderate, bans, and what is published live.
#include "discussion/discussion.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <boost/json.hpp>

#include "storage/stores.hpp"
#include "testing/editions.hpp"
#include "testing/temp_dir.hpp"

using namespace herald;
using content::CommentState;
using content::Outcome;
namespace json = boost::json;

namespace {
class DiscussionRules : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::make_unique<herald::testing::TempDir>("herald-discussion-");
    stores = storage::open_stores("sqlite:" + dir->file("herald.db"), clock);
    auto& news = stores->news();
    auto ed = news.add_edition(herald::testing::english_edition()).id;
    section = news.add_section(content::Section{0, ed, "world", "World", "", 0}).id;
    story = news.save_article(herald::testing::story(ed, section, "Ice", content::Status::Published,
                                                     clock.now()))
                .id;
    bus = live::in_process_bus();
    discussion::Options o;
    o.held_first = 0;
    d = std::make_unique<discussion::Discussions>(news, stores->comments(), stores->accounts(), *bus,
                                                  o, clock);
    anna = user("anna", content::Role::Reader, clock.now() - 30 * 86400);
    boris = user("boris", content::Role::Reader, clock.now() - 30 * 86400);
    mod = user("mod", content::Role::Moderator, clock.now() - 30 * 86400);
  }
  content::User user(const std::string& name, content::Role role, content::UnixTime created) {
    content::User u;
    u.email = name + "@example.org";
    u.display_name = name;
    u.role = role;
    u.created_at = created;
    u.id = stores->accounts().create_user(u).id;
    return u;
  }
  discussion::Result post(const content::User& u, const std::string& text, content::Id reply_to = 0) {
    clock.advance(11);  // past the posting rate
    return d->post(u, story, reply_to, text);
  }
  // The live events published on the story's channel so far.
  std::vector<json::object> live() {
    std::vector<json::object> out;
    auto events = bus->since(discussion::Discussions::channel(story), 0);
    for (auto& ev : events.value())
      out.push_back(json::parse(*ev.data).as_object());
    return out;
  }
  util::ManualClock clock{1767225600};
  std::unique_ptr<herald::testing::TempDir> dir;
  std::unique_ptr<storage::Stores> stores;
  std::unique_ptr<live::EventBus> bus;
  std::unique_ptr<discussion::Discussions> d;
  content::Id section = 0, story = 0;
  content::User anna, boris, mod;
};
}  // namespace

TEST_F(DiscussionRules, RepliesAttachTwoLevelsDeepAndNameWhomTheyAnswer) {
  auto top = post(anna, "First");
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top.outcome, Outcome::Created);
  auto r1 = post(boris, "Reply", top.comment->id);
  auto r2 = post(anna, "Reply to the reply", r1.comment->id);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2.comment->parent_id, top.comment->id);
  EXPECT_EQ(r2.comment->reply_to_id, r1.comment->id);
  EXPECT_EQ(r2.comment->reply_to_name, "boris");
  auto page = d->page(story, content::CommentSort::Newest, std::nullopt, 20, 3);
  ASSERT_EQ(page.threads.size(), 1u);
  EXPECT_EQ(page.threads[0].replies.size(), 2u);
  auto events = live();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2]["kind"], "comment");
  EXPECT_EQ(events[2]["parent_id"], top.comment->id);
  EXPECT_EQ(d->status(*stores->news().article(story)).count, 3);
}

TEST_F(DiscussionRules, RefusalsStoreNothing) {
  EXPECT_EQ(post(anna, "   ").key, "comment_empty");
  EXPECT_EQ(post(anna, std::string(2001, 'x')).key, "comment_too_long");
  EXPECT_EQ(d->post(anna, 999999, 0, "Hello").outcome, Outcome::NotFound);
  EXPECT_EQ(post(anna, "To nobody", 424242).outcome, Outcome::NotFound);
  auto gone = post(boris, "Soon gone");
  ASSERT_TRUE(d->remove(boris, gone.comment->id).ok());
  auto r = post(anna, "Too late", gone.comment->id);
  EXPECT_EQ(r.outcome, Outcome::Invalid);
  EXPECT_EQ(r.code, "parent_gone");
  content::User nobody;
  EXPECT_EQ(d->post(nobody, story, 0, "Hi").outcome, Outcome::Forbidden);
  EXPECT_EQ(d->status(*stores->news().article(story)).count, 0);
  EXPECT_EQ(stores->comments().by_user(anna.id, 0, 10).size(), 0u);
}

TEST_F(DiscussionRules, ThePostingRateHasASmallBurstAndSaysHowLongToWait) {
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(d->post(anna, story, 0, "burst " + std::to_string(i)).ok());
  auto r = d->post(anna, story, 0, "one too many");
  EXPECT_EQ(r.outcome, Outcome::TooSoon);
  EXPECT_GT(r.retry_after, 0);
  EXPECT_LE(r.retry_after, 30);
  EXPECT_EQ(r.args[0].first, "seconds");
  EXPECT_TRUE(d->post(boris, story, 0, "someone else").ok());  // per reader
  EXPECT_TRUE(d->post(mod, story, 0, "moderators are not limited").ok());
  clock.advance(r.retry_after);
  EXPECT_TRUE(d->post(anna, story, 0, "after the wait").ok());
}

TEST_F(DiscussionRules, AuthorsEditForFiveMinutesAndOnlyTheirOwn) {
  auto c = post(anna, "Typo");
  EXPECT_EQ(d->edit(boris, c.comment->id, "Not mine").outcome, Outcome::Forbidden);
  EXPECT_EQ(d->edit(mod, c.comment->id, "Not mine either").outcome, Outcome::Forbidden);
  clock.advance(299);
  auto e = d->edit(anna, c.comment->id, "Fixed");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.comment->edited_at, clock.now());
  EXPECT_EQ(live().back()["kind"], "edited");
  clock.advance(2);
  EXPECT_EQ(d->edit(anna, c.comment->id, "Again").key, "comment_edit_too_late");
  EXPECT_EQ(stores->comments().comment(c.comment->id)->text, "Fixed");
}

TEST_F(DiscussionRules, ADiscussionClosesByAgeUnlessItsStoryIsReopened) {
  auto a = *stores->news().article(story);
  clock.advance(7 * 86400);
  auto st = d->status(a);
  EXPECT_EQ(st.mode, content::DiscussionMode::Closed);
  EXPECT_TRUE(st.closed_by_age);
  EXPECT_EQ(d->post(anna, story, 0, "Late").code, "closed");
  ASSERT_TRUE(d->set_story_mode(mod, story, content::DiscussionMode::Open).ok());
  EXPECT_TRUE(d->post(anna, story, 0, "Reopened").ok());
  EXPECT_EQ(d->set_story_mode(anna, story, content::DiscussionMode::Closed).outcome, Outcome::Forbidden);
  ASSERT_TRUE(d->set_story_mode(mod, story, content::DiscussionMode::Closed).ok());
  EXPECT_EQ(post(boris, "Closed").code, "closed");
}

TEST_F(DiscussionRules, PremoderationHoldsAndApprovalArrivesAsANewComment) {
  stores->comments().set_section_mode(section, content::DiscussionMode::Premoderated);
  auto c = post(anna, "Held");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.comment->state, CommentState::Pending);
  EXPECT_EQ(c.key, "comment_held");
  EXPECT_TRUE(live().empty());
  EXPECT_TRUE(d->queue(anna, 10).empty());  // readers see no queue
  ASSERT_EQ(d->queue(mod, 10).size(), 1u);
  EXPECT_EQ(d->approve(anna, c.comment->id).outcome, Outcome::Forbidden);
  ASSERT_TRUE(d->approve(mod, c.comment->id).ok());
  auto events = live();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["kind"], "comment");
  EXPECT_EQ(events[0]["text"], "Held");
  // A rejection is never broadcast.
  auto r = post(boris, "Rude");
  EXPECT_EQ(d->reject(mod, r.comment->id, "").key, "comment_reject_reason");
  ASSERT_TRUE(d->reject(mod, r.comment->id, "Insults").ok());
  EXPECT_EQ(live().size(), 1u);
  auto log = stores->comments().log_entries(0, 10);
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(log[0].action, "reject");
  EXPECT_EQ(log[0].reason, "Insults");
  EXPECT_EQ(log[0].moderator_id, mod.id);
}

TEST_F(DiscussionRules, ANewAccountsFirstCommentsAreHeldAndItsLinksLimited) {
  discussion::Options o;  // the defaults: two held
  discussion::Discussions strict(stores->news(), stores->comments(), stores->accounts(), *bus, o, clock);
  auto fresh = user("fresh", content::Role::Reader, clock.now());
  EXPECT_EQ(strict.post(fresh, story, 0, "http://a.org and http://b.org").code, "too_many_links");
  clock.advance(11);
  EXPECT_EQ(strict.post(fresh, story, 0, "one http://a.org").comment->state, CommentState::Pending);
  clock.advance(11);
  EXPECT_EQ(strict.post(fresh, story, 0, "two").comment->state, CommentState::Pending);
  clock.advance(11);
  EXPECT_EQ(strict.post(fresh, story, 0, "three").comment->state, CommentState::Visible);
}

TEST_F(DiscussionRules, ThreeReportsHideAndOftenRejectedCommentersArePremoderated) {
  auto c = post(anna, "Contested");
  auto carl = user("carl", content::Role::Reader, 0);
  EXPECT_EQ(d->report(anna, c.comment->id, "Mine").code, "own");
  EXPECT_EQ(d->report(boris, c.comment->id, "").code, "no_reason");
  EXPECT_TRUE(d->report(boris, c.comment->id, "Spam").ok());
  EXPECT_TRUE(d->report(boris, c.comment->id, "Spam again").ok());  // still one reader
  EXPECT_EQ(stores->comments().comment(c.comment->id)->state, CommentState::Visible);
  EXPECT_TRUE(d->report(carl, c.comment->id, "Spam").ok());
  EXPECT_TRUE(d->report(mod, c.comment->id, "Off topic").ok());
  EXPECT_EQ(stores->comments().comment(c.comment->id)->state, CommentState::Hidden);
  EXPECT_EQ(live().back()["kind"], "removed");

  // Boris: 3 of 4 decisions were rejections over the last week: his next comment is held.
  for (int i = 0; i < 4; ++i) {
    auto b = post(boris, "b" + std::to_string(i));
    if (i < 3)
      d->reject(mod, b.comment->id, "No");
    else
      d->approve(mod, b.comment->id);
  }
  EXPECT_TRUE(d->commenter(boris.id).premoderated);
  auto held = post(boris, "held now");
  EXPECT_EQ(held.comment->state, CommentState::Pending);
  EXPECT_EQ(held.comment->held_for, "held_rejections");
  clock.advance(8 * 86400);  // a week later the record is clean again
  EXPECT_FALSE(d->commenter(boris.id).premoderated);
}

TEST_F(DiscussionRules, BansStopPostingUntilTheyEndOrAreLifted) {
  EXPECT_EQ(d->ban(anna, boris.id, 60, "Spam").outcome, Outcome::Forbidden);
  EXPECT_EQ(d->ban(mod, boris.id, 60, "").code, "no_reason");
  EXPECT_EQ(d->ban(mod, mod.id, 60, "Me").code, "self");
  ASSERT_TRUE(d->ban(mod, boris.id, 60, "Spam").ok());
  EXPECT_EQ(post(boris, "Hello").code, "banned");
  clock.advance(3600);
  EXPECT_TRUE(post(boris, "After the ban").ok());
  ASSERT_TRUE(d->ban(mod, boris.id, 0, "For good").ok());
  EXPECT_EQ(post(boris, "Hello").key, "comment_banned");
  ASSERT_TRUE(d->lift_ban(mod, boris.id).ok());
  EXPECT_EQ(d->lift_ban(mod, boris.id).code, "no_ban");
  EXPECT_TRUE(post(boris, "Lifted").ok());
}

TEST_F(DiscussionRules, VotesOrderTheBestAndAreNotForOnesOwn) {
  auto a = post(anna, "A");
  auto b = post(anna, "B");
  EXPECT_EQ(d->vote(anna, a.comment->id, 1).code, "own");
  EXPECT_EQ(d->vote(boris, a.comment->id, 2).outcome, Outcome::BadInput);
  EXPECT_EQ(d->vote(boris, b.comment->id, 1).votes->likes, 1);
  EXPECT_EQ(d->vote(mod, b.comment->id, 1).votes->likes, 2);
  auto page = d->page(story, content::CommentSort::Best, std::nullopt, 20, 0);
  ASSERT_EQ(page.threads.size(), 2u);
  EXPECT_EQ(page.threads[0].first.id, b.comment->id);
  page = d->page(story, content::CommentSort::Oldest, std::nullopt, 1, 0);
  ASSERT_TRUE(page.next);
  EXPECT_EQ(page.threads[0].first.id, a.comment->id);
}

TEST_F(DiscussionRules, RecoveryGivesTheMissedCommentsInTheirLiveShape) {
  discussion::DiscussionChannels ch(stores->news(), stores->comments());
  EXPECT_EQ(ch.check_subscribe({}, "comments:" + std::to_string(story)), "");
  EXPECT_NE(ch.check_subscribe({}, "comments:999999"), "");
  auto a = post(anna, "one");
  post(boris, "two");
  auto got = ch.recover("comments:" + std::to_string(story), a.comment->id, 10);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(json::parse(got->front()).as_object()["text"], "two");
  EXPECT_FALSE(ch.recover("comments:" + std::to_string(story), 0, 1));  // more than the limit
}

TEST_F(DiscussionRules, TheScorerLearnsFromModeratorsHoldsLikelyBadAndNeverRejects) {
  // Moderators decide 24 comments: spam refused, the rest approved.
  for (int i = 0; i < 12; ++i) {
    auto spam = user("spam" + std::to_string(i), content::Role::Reader, 0);
    auto ok = user("ok" + std::to_string(i), content::Role::Reader, 0);
    stores->comments().set_section_mode(section, content::DiscussionMode::Premoderated);
    auto a = post(spam, "Buy cheap pills now " + std::to_string(i));
    auto b = post(ok, "A fair point about the ice " + std::to_string(i));
    stores->comments().set_section_mode(section, std::nullopt);
    ASSERT_TRUE(d->reject(mod, a.comment->id, "Spam").ok());
    ASSERT_TRUE(d->approve(mod, b.comment->id).ok());
  }
  auto held = post(anna, "cheap pills here");
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held.comment->state, CommentState::Pending);
  EXPECT_EQ(held.comment->held_for, "held_scorer");
  auto s = d->score(*held.comment);
  EXPECT_TRUE(s.trained);
  EXPECT_GT(s.refuse, 0.9);
  EXPECT_EQ(post(boris, "a fair point").comment->state, CommentState::Visible);
  auto q = d->scorer_quality();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].first, "en");
  EXPECT_EQ(q[0].second.decisions, 24);
  EXPECT_GT(q[0].second.precision(), 0.9);
  // Held, not rejected: it waits for a person.
  EXPECT_EQ(stores->comments().comment(held.comment->id)->state, CommentState::Pending);
}

TEST_F(DiscussionRules, ABusyStoryGoesToSlowModeByItselfAndModeratorsAreTold) {
  // Quiet for an hour (2 comments), then 31 in under 10 minutes.
  post(anna, "early one");
  clock.advance(1800);
  post(boris, "early two");
  clock.advance(1500);
  for (int i = 0; i < 31; ++i) post(i % 2 ? anna : boris, "busy " + std::to_string(i));
  auto a = *stores->news().article(story);
  EXPECT_EQ(d->status(a).slow_s, 60);
  auto log = stores->comments().log_entries(0, 5);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0].action, "auto_slow");
  EXPECT_TRUE(log[0].automated);
  // One comment a minute per reader now; moderators are not held to it.
  clock.advance(61);
  EXPECT_TRUE(d->post(anna, story, 0, "slowly").ok());
  clock.advance(11);
  auto r = d->post(anna, story, 0, "too soon");
  EXPECT_EQ(r.code, "slow_mode");
  EXPECT_GT(r.retry_after, 0);
  EXPECT_TRUE(d->post(mod, story, 0, "moderator").ok());
  ASSERT_TRUE(d->set_story_slow(mod, story, 0).ok());
  EXPECT_EQ(d->set_story_slow(anna, story, 0).outcome, Outcome::Forbidden);
  EXPECT_TRUE(d->post(anna, story, 0, "slow mode lifted").ok());
}

TEST_F(DiscussionRules, AStoryWhoseCommentsAreMostlyRefusedGoesToPremoderation) {
  std::vector<content::Id> ids;
  for (int i = 0; i < 30; ++i) {
    auto u = user("r" + std::to_string(i), content::Role::Reader, 0);
    ids.push_back(post(u, "comment " + std::to_string(i)).comment->id);
  }
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(d->reject(mod, ids[i], "Off topic").ok());
  clock.advance(31);
  post(anna, "the next one");  // the story is looked at again
  auto a = *stores->news().article(story);
  EXPECT_EQ(d->status(a).mode, content::DiscussionMode::Premoderated);
  EXPECT_EQ(post(boris, "held now").comment->state, CommentState::Pending);
  auto log = stores->comments().log_entries(0, 5);
  EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](auto& e) { return e.action == "auto_premoderate"; }));
}
