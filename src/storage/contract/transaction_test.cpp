// The contract of explicit transactions and read snapshots (storage::Transaction,
// NewsStore::snapshot), on every backend: what commits together, what a dropped transaction
// leaves behind, what a refused step inside one undoes, and what a snapshot sees (it has no
// writes: its type is a NewsReader).
#include <gtest/gtest.h>

#include <thread>

#include "storage/contract/backends.hpp"
#include "testing/editions.hpp"

using namespace herald;
using namespace herald::content;

namespace {
class TransactionContract : public storage::contract::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped()) return;
    ed = stores().news().add_edition(herald::testing::english_edition()).id;
    sec = stores().news().add_section(Section{0, ed, "world", "World", "", 0}).id;
  }
  Article story(const std::string& headline) {
    return herald::testing::story(ed, sec, headline, Status::Published, clock.now());
  }
  Id ed = 0, sec = 0;
};
}  // namespace

HERALD_CONTRACT_SUITE(TransactionContract);

TEST_P(TransactionContract, WritesCommitTogetherAndTheirEventsGoOutOnlyThen) {
  auto seq = stores().events().last_seq();
  auto tx = stores().transaction();
  auto id = tx->news().save_article(story("Bridge reopens")).id;
  ASSERT_GT(id, 0);
  auto user = tx->accounts().create_user(User{0, "ed@example.org", "Ed", "", Role::Editor});
  ASSERT_TRUE(user.ok());
  // Inside, its own writes are seen; outside, nothing yet.
  EXPECT_TRUE(tx->news().article(id));
  EXPECT_TRUE(tx->accounts().user_by_email("ed@example.org"));
  EXPECT_FALSE(stores().news().snapshot()->article(id));
  EXPECT_EQ(stores().events().last_seq(), seq);
  tx->commit();
  tx.reset();
  EXPECT_TRUE(stores().news().article(id));
  EXPECT_TRUE(stores().accounts().user_by_email("ed@example.org"));
  auto events = stores().events().since(seq, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "article.published");
  EXPECT_EQ(events[0].article_id, id);
}

TEST_P(TransactionContract, ATransactionDroppedWithoutCommitLeavesNothing) {
  auto seq = stores().events().last_seq();
  Id id = 0;
  {
    auto tx = stores().transaction();
    id = tx->news().save_article(story("Never shown")).id;
    tx->accounts().create_user(User{0, "gone@example.org", "Gone", "", Role::Reader});
  }
  EXPECT_FALSE(stores().news().article(id));
  EXPECT_FALSE(stores().accounts().user_by_email("gone@example.org"));
  EXPECT_EQ(stores().events().last_seq(), seq);
  // The database takes writes again at once.
  EXPECT_TRUE(stores().news().save_article(story("Next")).ok());
}

TEST_P(TransactionContract, ARefusedStepUndoesOnlyItself) {
  auto tx = stores().transaction();
  auto author = tx->news().add_author(Author{0, "helen-marsh", "Helen Marsh", ""});
  ASSERT_TRUE(author.ok());
  auto taken = tx->news().add_section(Section{0, ed, "world", "Again", "", 1});
  EXPECT_EQ(taken.refusal, storage::Refusal::Conflict);
  auto science = tx->news().add_section(Section{0, ed, "science", "Science", "", 2});
  EXPECT_TRUE(science.ok());
  tx->commit();
  auto authors = stores().news().authors();
  ASSERT_EQ(authors.size(), 1u);
  EXPECT_EQ(authors[0].slug, "helen-marsh");
  EXPECT_EQ(stores().news().sections().size(), 2u);
}

TEST_P(TransactionContract, WritesOutsideWaitForTheTransactionAndThenApply) {
  auto tx = stores().transaction();
  tx->news().add_author(Author{0, "first", "First", ""});
  std::thread other([&] { stores().news().add_author(Author{0, "second", "Second", ""}); });
  tx->commit();
  tx.reset();
  other.join();
  EXPECT_EQ(stores().news().authors().size(), 2u);
}

TEST_P(TransactionContract, ASnapshotSeesOneMoment) {
  auto first = stores().news().save_article(story("First")).id;
  auto snap = stores().news().snapshot();
  EXPECT_TRUE(snap->article(first));
  auto second = stores().news().save_article(story("Second")).id;
  stores().news().add_author(Author{0, "late", "Late", ""});
  // Read before both writes: it sees neither, however often it reads again.
  EXPECT_FALSE(snap->article(second));
  EXPECT_TRUE(snap->authors().empty());
  storage::ArticleQuery q;
  q.edition_id = ed;
  EXPECT_EQ(snap->articles(q).size(), 1u);
  EXPECT_EQ(snap->max_article_id(), first);
  // A new snapshot sees them.
  auto now = stores().news().snapshot();
  EXPECT_EQ(now->articles(q).size(), 2u);
  EXPECT_EQ(now->authors().size(), 1u);
}
