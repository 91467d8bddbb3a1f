// The empty discussion box's copy: cut where the stand-ins stand, filled in per story.
#include "discussion/pages.hpp"

#include <gtest/gtest.h>

namespace herald::discussion {
namespace {

TEST(EmptyBox, CutsWhereTheStandInsStandAndFillsInEachStory) {
  std::string html =
      R"(<section data-story="99" data-path="/x/p" data-base="/en/comments/99">)"
      R"(<a href="/account/login?next=%2Fx%2Fp%23comment-box">in</a> 0 comments</section>)";
  auto box = EmptyBox::cut(html, "99", "/x/p", "%2Fx%2Fp%23comment-box");
  ASSERT_EQ(box.holes, (std::vector<char>{'i', 'p', 'i', 'q'}));
  EXPECT_EQ(box.fill("7", "/en/world/7-rain", "%2Fen%2Fworld%2F7-rain%23comment-box"),
            R"(<section data-story="7" data-path="/en/world/7-rain" data-base="/en/comments/7">)"
            R"(<a href="/account/login?next=%2Fen%2Fworld%2F7-rain%23comment-box">in</a> 0 comments</section>)");
  // Filled in with the stand-ins again, it gives back what was cut.
  EXPECT_EQ(box.fill("99", "/x/p", "%2Fx%2Fp%23comment-box"), html);
}

TEST(EmptyBox, TheLongestStandInWinsWhereOneBeginsAnother) {
  // An encoder that leaves "/" as it is: the encoded path begins with the path.
  std::string html = R"(<p data-path="/x/p"><a href="?next=/x/p%23box">)";
  auto box = EmptyBox::cut(html, "99", "/x/p", "/x/p%23box");
  ASSERT_EQ(box.holes, (std::vector<char>{'p', 'q'}));
  EXPECT_EQ(box.fill("1", "/a/b", "/a/b%23box"), R"(<p data-path="/a/b"><a href="?next=/a/b%23box">)");
}

TEST(EmptyBox, AStandInThatIsNotThereLeavesTheTextWhole) {
  auto box = EmptyBox::cut("<p>closed</p>", "99", "/x/p", "%2Fx%2Fp");
  EXPECT_TRUE(box.holes.empty());
  EXPECT_EQ(box.fill("1", "/a", "%2Fa"), "<p>closed</p>");
}

}  // namespace
}  // namespace herald::discussion
