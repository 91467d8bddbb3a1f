#include "content/words.hpp"

#include <gtest/gtest.h>

using namespace herald::content;

TEST(Words, NormaliseCaseWidthYoAndLookAlikes) {
  EXPECT_EQ(word_skeletons("Hello, WORLD!"), (std::vector<std::string>{"heiio", "worid"}));
  // Full-width letters (NFKC), ё as е, Cyrillic and Latin look-alikes read alike.
  EXPECT_EQ(word_skeletons("ＳＰＡＭ"), word_skeletons("spam"));
  EXPECT_EQ(word_skeletons("ёлка"), word_skeletons("елка"));
  EXPECT_EQ(word_skeletons("sсаm"), word_skeletons("scam"));  // Cyrillic с and а inside
  EXPECT_EQ(word_skeletons("$c4m"), word_skeletons("scam"));
  EXPECT_EQ(word_skeletons("sc\u200Bam"), word_skeletons("scam"));  // a zero-width space
  EXPECT_EQ(word_skeletons("stop! sh!t"), (std::vector<std::string>{"stop", "shit"}));
}

TEST(Words, WholeWordsOnlyBannedBeforeSuspect) {
  WordList list({{"scam", WordKind::Suspect}, {"idiot", WordKind::Banned}, {"fake news", WordKind::Suspect}});
  WordKind k;
  EXPECT_EQ(list.match("What a SCAM.", k), "scam");
  EXPECT_EQ(k, WordKind::Suspect);
  EXPECT_EQ(list.match("a scam by an 1d10t", k), "idiot");
  EXPECT_EQ(k, WordKind::Banned);
  EXPECT_EQ(list.match("scampi and idiotic", k), "");  // not whole words
  EXPECT_EQ(list.match("this is fake   news!", k), "fake news");
  EXPECT_EQ(list.match("fake and news", k), "");
  EXPECT_TRUE(WordList().empty());
  EXPECT_EQ(WordList().match("anything", k), "");
}

TEST(Words, RussianWordsMatchWithLatinLookAlikes) {
  WordList list({{"дурак", WordKind::Banned}});
  WordKind k;
  EXPECT_EQ(list.match("Ты ДУРАК!", k), "дурак");
  EXPECT_EQ(list.match("ты дуpak", k), "дурак");  // Latin p, a, k
  EXPECT_EQ(list.match("дураки", k), "");
}
