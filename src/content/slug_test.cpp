#include "content/slug.hpp"

#include <gtest/gtest.h>

using herald::content::make_slug;

TEST(Slug, CyrillicBecomesReadableLatin) {
  EXPECT_EQ(make_slug("Россия"), "rossiya");
  EXPECT_EQ(make_slug("Новый мост открыт для движения"), "novyy-most-otkryt-dlya-dvizheniya");
  EXPECT_EQ(make_slug("Объём грузов"), "obyem-gruzov");  // the hard sign does not split the word
}

TEST(Slug, LatinIsLowercasedAndPunctuationCollapses) {
  EXPECT_EQ(make_slug("Talks in Korsk end — with a DRAFT agreement!"),
            "talks-in-korsk-end-with-a-draft-agreement");
  EXPECT_EQ(make_slug("  --  "), "story");
  EXPECT_EQ(make_slug("Café déjà vu"), "cafe-deja-vu");
}

TEST(Slug, CutsLongTitlesAtAWordBoundary) {
  std::string s = make_slug("one two three four five six seven eight nine ten eleven twelve", 20);
  EXPECT_LE(s.size(), 20u);
  EXPECT_NE(s.back(), '-');
  EXPECT_EQ(s, "one-two-three-four");
}

TEST(Slug, BgnDisambiguationMarksDoNotSplitWords) {
  EXPECT_EQ(make_slug("пост мэра"), "post-mera");
  EXPECT_EQ(make_slug("Подъезд"), "podyezd");
}
