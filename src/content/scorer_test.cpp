#include "content/scorer.hpp"

#include <gtest/gtest.h>

using namespace herald::content;

namespace {
void train(Scorer& s, int n) {
  for (int i = 0; i < n; ++i) {
    s.learn("en", "Buy cheap pills now at our shop " + std::to_string(i), true);
    s.learn("en", "You are an idiot and a liar " + std::to_string(i), true);
    s.learn("en", "The minister's plan for housing seems sensible to me " + std::to_string(i), false);
    s.learn("en", "Thanks for the detailed report on the flooding " + std::to_string(i), false);
  }
}
}  // namespace

TEST(Scorer, WaitsForEnoughDecisionsOfBothKinds) {
  Scorer s;
  for (int i = 0; i < 50; ++i) s.learn("en", "fine comment " + std::to_string(i), false);
  EXPECT_FALSE(s.score("en", "anything").trained);
  for (int i = 0; i < Scorer::kMinEachKind; ++i) s.learn("en", "spam " + std::to_string(i), true);
  EXPECT_TRUE(s.score("en", "anything").trained);
  EXPECT_FALSE(s.score("ru", "что угодно").trained);  // one model per language
}

TEST(Scorer, ScoresLikeItsModeratorsAndSaysWhichWordsWeighed) {
  Scorer s;
  train(s, 20);
  auto bad = s.score("en", "cheap pills, buy now");
  ASSERT_TRUE(bad.trained);
  EXPECT_GT(bad.refuse, 0.9);
  ASSERT_FALSE(bad.words.empty());
  EXPECT_GT(bad.words[0].second, 0);  // towards refusal
  auto good = s.score("en", "a sensible plan for housing");
  EXPECT_LT(good.refuse, 0.1);
  // Look-alike spellings are the same words to it.
  EXPECT_GT(s.score("en", "ch3ap p1lls").refuse, 0.9);
}

TEST(Scorer, MeasuresItsOwnPrecisionLeavingEachDecisionOut) {
  Scorer s;
  train(s, 25);
  auto q = s.quality("en", 0.9);
  EXPECT_EQ(q.decisions, 100);
  EXPECT_EQ(q.refused, 50);
  EXPECT_GT(q.would_hold, 40);
  EXPECT_GT(q.precision(), 0.95);
  EXPECT_GT(q.recall(), 0.8);
  EXPECT_EQ(s.quality("ru", 0.9).decisions, 0);
}

TEST(Scorer, ForgetsTheOldestBeyondItsLimit) {
  Scorer s(40);
  train(s, 20);  // 80 decisions: the newest 40 stay
  auto q = s.quality("en", 0.5);
  EXPECT_EQ(q.decisions, 40);
}
