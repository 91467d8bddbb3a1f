// The CommentStore contract (threads and their orders, counts, states, votes, reports, bans,
// the moderation log, settings), on every backend.
#include <gtest/gtest.h>

#include "storage/contract/backends.hpp"
#include "testing/editions.hpp"

using namespace herald;
using namespace herald::content;

namespace {
class CommentStoreContract : public storage::contract::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped()) return;
    auto& news = stores().news();
    ed = news.add_edition(herald::testing::english_edition()).id;
    sec = news.add_section(Section{0, ed, "world", "World", "News", 0}).id;
    story = news.save_article(herald::testing::story(ed, sec, "Ice", Status::Published, 100)).id;
    other = news.save_article(herald::testing::story(ed, sec, "Sea", Status::Published, 200)).id;
    comments = &stores().comments();
    User u;
    u.email = "a@example.org";
    u.display_name = "Anna";
    anna = stores().accounts().create_user(u).id;
    u.email = "b@example.org";
    u.display_name = "Boris";
    u.role = Role::Moderator;
    boris = stores().accounts().create_user(u).id;
  }
  Id say(Id user, const std::string& text, Id parent = 0, Id reply_to = 0,
         CommentState state = CommentState::Visible, Id on = 0) {
    Comment c;
    c.article_id = on ? on : story;
    c.user_id = user;
    c.parent_id = parent;
    c.reply_to_id = reply_to ? reply_to : parent;
    c.text = text;
    c.state = state;
    c.created_at = 1000;
    return comments->add(c);
  }
  std::int64_t events() { return stores().events().last_seq(); }
  storage::CommentStore* comments = nullptr;
  Id ed = 0, sec = 0, story = 0, other = 0, anna = 0, boris = 0;
};
}  // namespace

HERALD_CONTRACT_SUITE(CommentStoreContract);

TEST_P(CommentStoreContract, ThreadsPageByKeysetInEachOrder) {
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(say(anna, "c" + std::to_string(i)));
  say(anna, "elsewhere", 0, 0, CommentState::Visible, other);
  auto newest = comments->threads(story, CommentSort::Newest, std::nullopt, 2);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].text, "c4");
  EXPECT_EQ(newest[0].user_name, "Anna");
  auto next = comments->threads(story, CommentSort::Newest, storage::CommentCursor{0, newest[1].id}, 10);
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(next[2].text, "c0");
  auto oldest = comments->threads(story, CommentSort::Oldest, storage::CommentCursor{0, ids[1]}, 10);
  ASSERT_EQ(oldest.size(), 3u);
  EXPECT_EQ(oldest[0].text, "c2");
  // Best: by the Wilson bound, not by raw likes; ties newest first.
  comments->vote(ids[0], boris, 1);
  comments->vote(ids[0], anna, -1);  // 1 of 2
  comments->vote(ids[3], boris, 1);  // 1 of 1
  auto best = comments->threads(story, CommentSort::Best, std::nullopt, 10);
  ASSERT_EQ(best.size(), 5u);
  EXPECT_EQ(best[0].id, ids[3]);
  EXPECT_EQ(best[1].id, ids[0]);
  EXPECT_EQ(best[2].id, ids[4]);
  auto after = comments->threads(story, CommentSort::Best,
                                 storage::CommentCursor{best[1].best, best[1].id}, 10);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0].id, ids[4]);
}

TEST_P(CommentStoreContract, RepliesCountAndStatesKeepCountsRight) {
  auto top = say(anna, "first");
  auto r1 = say(boris, "reply", top);
  auto r2 = say(anna, "reply to reply", top, r1);
  say(boris, "held", top, 0, CommentState::Pending);
  EXPECT_EQ(comments->count(story), 3);
  auto t = comments->threads(story, CommentSort::Oldest, std::nullopt, 10);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].replies, 2);
  auto rs = comments->replies(top, 0, 10);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[1].id, r2);
  EXPECT_EQ(rs[1].reply_to_name, "Boris");
  EXPECT_TRUE(rs[0].author_staff);  // Boris moderates
  EXPECT_FALSE(t[0].author_staff);
  EXPECT_EQ(comments->replies(top, r1, 10).size(), 1u);

  // The first comment deleted: its thread stays as a placeholder while replies are shown.
  auto before = events();
  EXPECT_TRUE(comments->set_state(top, CommentState::Deleted, ""));
  EXPECT_GT(events(), before);  // the story's pages are purged
  EXPECT_EQ(comments->count(story), 2);
  t = comments->threads(story, CommentSort::Oldest, std::nullopt, 10);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].state, CommentState::Deleted);
  comments->set_state(r1, CommentState::Removed, "");
  comments->set_state(r2, CommentState::Removed, "");
  EXPECT_EQ(comments->count(story), 0);
  EXPECT_TRUE(comments->threads(story, CommentSort::Oldest, std::nullopt, 10).empty());
  // Approving a held one brings it back into the counts.
  comments->set_state(r2, CommentState::Visible, "");
  EXPECT_EQ(comments->count(story), 1);
  EXPECT_FALSE(comments->set_state(999999, CommentState::Visible, ""));

  auto counts = comments->counts({other, story, 424242});
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].first, story);
  EXPECT_EQ(counts[0].second, 1);
}

TEST_P(CommentStoreContract, HeldCommentsAreNotShownAndWriteNoEvent) {
  auto before = events();
  auto id = say(anna, "wait", 0, 0, CommentState::Pending);
  EXPECT_EQ(events(), before);
  EXPECT_TRUE(comments->threads(story, CommentSort::Newest, std::nullopt, 10).empty());
  auto q = comments->queue(10);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].id, id);
  comments->set_state(id, CommentState::Visible, "");
  EXPECT_TRUE(comments->queue(10).empty());
  EXPECT_EQ(comments->visible_after(story, 0, 10).size(), 1u);
  EXPECT_EQ(comments->newest_visible(story), id);
  EXPECT_EQ(comments->newest_visible(other), 0);
  EXPECT_TRUE(comments->visible_after(story, id, 10).empty());
}

TEST_P(CommentStoreContract, EditsPicksVotesAndReports) {
  auto id = say(anna, "typo");
  EXPECT_TRUE(comments->edit(id, "fixed", 1100));
  auto c = comments->comment(id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->text, "fixed");
  EXPECT_EQ(c->edited_at, 1100);
  EXPECT_FALSE(comments->edit(999999, "x", 1));
  EXPECT_TRUE(comments->set_picked(id, true));
  EXPECT_EQ(comments->picks(story, 5).size(), 1u);

  auto v = comments->vote(id, boris, 1);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->likes, 1);
  EXPECT_EQ(v->mine, 1);
  v = comments->vote(id, boris, 1);  // the same vote twice counts once
  EXPECT_EQ(v->likes, 1);
  v = comments->vote(id, boris, -1);
  EXPECT_EQ(v->likes, 0);
  EXPECT_EQ(v->dislikes, 1);
  v = comments->vote(id, boris, 0);
  EXPECT_EQ(v->dislikes, 0);
  EXPECT_FALSE(comments->vote(999999, boris, 1));

  EXPECT_EQ(comments->report(id, boris, "spam", 1200), 1);
  EXPECT_EQ(comments->report(id, boris, "again", 1201), 1);  // one per reader
  EXPECT_EQ(comments->report(id, anna, "rude", 1202), 2);
  auto rs = comments->reports(id);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].reason, "spam");
  EXPECT_EQ(rs[1].user_name, "Anna");
  ASSERT_EQ(comments->queue(10).size(), 1u);  // visible, but reported
}

TEST_P(CommentStoreContract, SettingsBansLogAndRecords) {
  auto none = comments->settings(story, sec);
  EXPECT_FALSE(none.story_mode);
  EXPECT_FALSE(none.section_mode);
  EXPECT_EQ(none.visible, 0);
  EXPECT_EQ(none.slow_s, 0);
  comments->set_section_mode(sec, DiscussionMode::Closed);
  comments->set_story_mode(story, DiscussionMode::Premoderated);
  comments->set_story_slow(story, 30);
  auto set = comments->settings(story, sec);
  EXPECT_EQ(set.story_mode, DiscussionMode::Premoderated);
  EXPECT_EQ(set.section_mode, DiscussionMode::Closed);
  EXPECT_EQ(set.slow_s, 30);
  EXPECT_EQ(comments->settings(other, sec).section_mode, DiscussionMode::Closed);
  EXPECT_FALSE(comments->settings(other, sec).story_mode);
  comments->set_story_slow(story, 0);
  comments->set_section_mode(sec, std::nullopt);
  comments->set_story_mode(story, std::nullopt);
  EXPECT_FALSE(comments->story_mode(story));
  comments->set_story_mode(story, DiscussionMode::Closed);
  EXPECT_EQ(comments->story_mode(story), DiscussionMode::Closed);
  comments->set_story_mode(story, std::nullopt);
  EXPECT_FALSE(comments->story_mode(story));
  comments->set_section_mode(sec, DiscussionMode::Premoderated);
  EXPECT_EQ(comments->section_mode(sec), DiscussionMode::Premoderated);
  comments->set_section_mode(sec, std::nullopt);
  EXPECT_FALSE(comments->section_mode(sec));

  comments->ban({anna, "", 5000, "spam", boris, 1000});
  auto b = comments->ban_of(anna, 4999);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->reason, "spam");
  EXPECT_EQ(b->user_name, "Anna");
  EXPECT_FALSE(comments->ban_of(anna, 5000));  // over
  EXPECT_EQ(comments->bans(1000).size(), 1u);
  comments->ban({anna, "", 0, "for good", boris, 1000});
  EXPECT_TRUE(comments->ban_of(anna, 1 << 30));
  EXPECT_TRUE(comments->lift_ban(anna));
  EXPECT_FALSE(comments->lift_ban(anna));
  EXPECT_FALSE(comments->ban_of(anna, 1000));

  auto a = say(anna, "one");
  auto b2 = say(anna, "two");
  comments->set_state(b2, CommentState::Rejected, "");
  comments->log({0, 2000, boris, "", "approve", a, anna, story, "", false});
  comments->log({0, 2001, boris, "", "reject", b2, anna, story, "insult", false});
  comments->log({0, 10, 0, "", "reject", a, anna, story, "old", true});
  auto r = comments->record(anna, 1000);
  EXPECT_EQ(r.comments, 2);
  EXPECT_EQ(r.rejected, 1);
  EXPECT_EQ(r.decided_recent, 2);
  EXPECT_EQ(r.rejected_recent, 1);
  EXPECT_EQ(comments->written(anna, 1), 1);
  EXPECT_EQ(comments->written(anna, 10), 2);
  EXPECT_EQ(comments->written(boris, 10), 0);
  EXPECT_EQ(comments->decisions(anna, 1000), std::make_pair(2, 1));
  auto log = comments->log_entries(0, 2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].reason, "old");
  EXPECT_TRUE(log[0].automated);
  EXPECT_EQ(log[1].moderator_name, "Boris");
  EXPECT_EQ(comments->log_entries(log[1].id, 10).size(), 1u);
  auto learn = comments->decisions_to_learn(10);  // (the automated one is left out)
  ASSERT_EQ(learn.size(), 2u);
  EXPECT_EQ(learn[0].text, "one");
  EXPECT_FALSE(learn[0].refused);
  EXPECT_EQ(learn[1].text, "two");
  EXPECT_TRUE(learn[1].refused);
  EXPECT_EQ(learn[1].language, "en");
  auto mine = comments->by_user(anna, 0, 10);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].id, b2);
  EXPECT_EQ(comments->by_user(anna, b2, 10).size(), 1u);
  EXPECT_EQ(comments->settings(story, sec).visible, 1);  // "one" (and "two" was rejected)
}

TEST_P(CommentStoreContract, ACommentAndItsCountCommitOrVanishTogether) {
  {
    auto tx = stores().transaction();
    Comment c;
    c.article_id = story;
    c.user_id = anna;
    c.text = "never";
    c.created_at = 1;
    tx->comments().add(c);
    // dropped without commit
  }
  EXPECT_EQ(comments->count(story), 0);
  EXPECT_TRUE(comments->threads(story, CommentSort::Newest, std::nullopt, 10).empty());
}

TEST_P(CommentStoreContract, WordsAndNoticesOfIllegalContent) {
  EXPECT_TRUE(comments->words().empty());
  comments->set_word({"scam", WordKind::Suspect});
  comments->set_word({"idiot", WordKind::Banned});
  comments->set_word({"scam", WordKind::Banned});  // changed, not doubled
  auto w = comments->words();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[1].word, "scam");
  EXPECT_EQ(w[1].kind, WordKind::Banned);
  EXPECT_TRUE(comments->remove_word("idiot"));
  EXPECT_FALSE(comments->remove_word("idiot"));

  auto c = say(anna, "Something unlawful");
  auto id = comments->add_notice({0, c, "defamation", "It says I stole.", "me@example.org", 0, 1500});
  auto n = comments->notice(id);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->explanation, "It says I stole.");
  EXPECT_EQ(n->decided_at, 0);
  EXPECT_EQ(comments->open_notices(10).size(), 1u);
  EXPECT_TRUE(comments->decide_notice(id, "removed", "Defamatory", boris, 1600));
  EXPECT_FALSE(comments->decide_notice(id, "kept", "Twice", boris, 1700));
  EXPECT_TRUE(comments->open_notices(10).empty());
  n = comments->notice(id);
  EXPECT_EQ(n->decision, "removed");
  EXPECT_EQ(n->reply, "Defamatory");
  EXPECT_EQ(n->decided_by, boris);
  EXPECT_FALSE(comments->notice(999999));
}

TEST_P(CommentStoreContract, ADeletedAccountLeavesPlaceholdersAndNoText) {
  auto top = say(anna, "Anna's thread");
  auto reply = say(boris, "Boris answers", top);
  say(anna, "Alone");
  say(anna, "Waiting", 0, 0, CommentState::Pending);
  say(anna, "Anna answers Boris", top, reply);
  EXPECT_EQ(comments->count(story), 4);
  auto before = events();
  ASSERT_TRUE(stores().accounts().anonymise_user(anna, 2000).ok());
  EXPECT_GT(events(), before);  // the story's pages are purged
  EXPECT_EQ(comments->count(story), 1);  // Boris's reply
  auto t = comments->threads(story, CommentSort::Oldest, std::nullopt, 10);
  ASSERT_EQ(t.size(), 1u);  // the thread stays, as a placeholder
  EXPECT_EQ(t[0].state, CommentState::Deleted);
  EXPECT_EQ(t[0].replies, 1);
  EXPECT_EQ(comments->replies(top, 0, 10).size(), 1u);
  for (auto& c : comments->by_user(anna, 0, 10)) {
    EXPECT_EQ(c.text, "");
    EXPECT_EQ(c.state, CommentState::Deleted);
  }
  EXPECT_TRUE(comments->queue(10).empty());
}

TEST_P(CommentStoreContract, ASnapshotReadsCommentsAsOfItsFirstReadAndRefusesWrites) {
  EXPECT_EQ(stores().news().comments_in_snapshot(), nullptr);  // a store is not a snapshot
  say(anna, "before");
  comments->set_story_slow(story, 10);
  auto snap = stores().news().snapshot();
  auto* in = snap->comments_in_snapshot();
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(in, snap->comments_in_snapshot());  // one per snapshot
  ASSERT_TRUE(snap->article(story));            // the snapshot's first read
  say(anna, "after");
  comments->set_story_slow(story, 20);
  EXPECT_EQ(comments->count(story), 2);
  EXPECT_EQ(in->count(story), 1);  // the page sees the state its story was read in
  EXPECT_EQ(in->settings(story, sec).slow_s, 10);
  EXPECT_EQ(in->settings(story, sec).visible, 1);
  Comment c;
  c.article_id = story;
  c.user_id = anna;
  c.text = "through the snapshot";
  c.created_at = 1000;
  EXPECT_THROW(in->add(c), storage::StorageError);
  EXPECT_THROW(in->set_story_slow(story, 5), storage::StorageError);
  snap.reset();
  EXPECT_EQ(comments->count(story), 2);  // nothing written through it
  EXPECT_EQ(comments->story_slow(story), 20);
}
