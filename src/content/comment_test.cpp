#include "content/comment.hpp"

#include <gtest/gtest.h>

using namespace herald::content;

TEST(CommentText, TrimsEndsAndKeepsParagraphs) {
  auto t = prepare_comment_text("  Hello  \r\nsecond line\r\n\r\n\r\n\r\nnew paragraph   \n\n");
  EXPECT_EQ(t.error, "");
  EXPECT_EQ(t.text, "Hello\nsecond line\n\nnew paragraph");
}

TEST(CommentText, RefusesEmptyLongAndControlCharacters) {
  EXPECT_EQ(prepare_comment_text("").error, "comment_empty");
  EXPECT_EQ(prepare_comment_text(" \n \r\n\t").error, "comment_empty");
  EXPECT_EQ(prepare_comment_text(std::string(2001, 'a')).error, "comment_too_long");
  EXPECT_EQ(prepare_comment_text(std::string(2000, 'a')).error, "");
  // 2,000 characters, not bytes: Cyrillic letters are two bytes each.
  std::string ru;
  for (int i = 0; i < 2000; ++i) ru += "ж";
  EXPECT_EQ(prepare_comment_text(ru).error, "");
  EXPECT_EQ(prepare_comment_text(ru + "ж").error, "comment_too_long");
  EXPECT_EQ(prepare_comment_text(std::string("a\0b", 3)).error, "comment_bad_text");
  EXPECT_EQ(prepare_comment_text("a\x1b[31mb").error, "comment_bad_text");
  EXPECT_EQ(prepare_comment_text("a\xC2\x85" "b").error, "comment_bad_text");  // C1 NEL
  EXPECT_EQ(prepare_comment_text("\xff\xfe").error, "comment_bad_text");
  EXPECT_EQ(prepare_comment_text("\xC0\xAF").error, "comment_bad_text");  // overlong '/'
  EXPECT_EQ(prepare_comment_text("\xED\xA0\x80").error, "comment_bad_text");  // a surrogate
  EXPECT_EQ(prepare_comment_text("caf\xC3").error, "comment_bad_text");  // cut short
}

TEST(CommentText, KeepsWhatWasTypedIncludingBidiAndZeroWidth) {
  std::string typed = "a\u202Eb\u200Bc <script>";
  auto t = prepare_comment_text(typed);
  EXPECT_EQ(t.text, typed);
}

TEST(CommentHtml, EscapesEverythingAndMakesOnlyHttpLinks) {
  EXPECT_EQ(comment_html("<b>x</b> & \"y\""), "<p>&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;</p>");
  EXPECT_EQ(comment_html("one\ntwo\n\nthree"), "<p>one<br>two</p><p>three</p>");
  EXPECT_EQ(comment_html("see https://example.org/a?b=1&c=2."),
            "<p>see <a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\" "
            "target=\"_blank\">https://example.org/a?b=1&amp;c=2</a>.</p>");
  EXPECT_EQ(comment_html("javascript:alert(1) data:text/html,x"),
            "<p>javascript:alert(1) data:text/html,x</p>");
  // An address cannot break out of its attribute.
  auto h = comment_html("http://x.org/\"onmouseover=alert(1)");
  EXPECT_EQ(h.find("\" onmouseover"), std::string::npos);
  EXPECT_NE(h.find("href=\"http://x.org/\""), std::string::npos);
  EXPECT_EQ(comment_html("xhttp://a.org http://"), "<p>xhttp://a.org http://</p>");
}

TEST(CommentHtml, CountsLinksAsItMakesThem) {
  EXPECT_EQ(count_links("no links here"), 0);
  EXPECT_EQ(count_links("http://a.org and https://b.org/x, not ftp://c.org"), 2);
  EXPECT_EQ(count_links("http:// https://"), 0);
}

TEST(Wilson, OrdersByConfidenceNotRawLikes) {
  EXPECT_EQ(wilson_lower_bound(0, 0), 0.0);
  EXPECT_EQ(wilson_lower_bound(0, 5), 0.0);
  // 1 like of 1 is less sure than 90 of 100.
  EXPECT_LT(wilson_lower_bound(1, 0), wilson_lower_bound(90, 10));
  // More likes than another but far more dislikes ranks lower.
  EXPECT_LT(wilson_lower_bound(60, 40), wilson_lower_bound(30, 2));
  EXPECT_NEAR(wilson_lower_bound(90, 10), 0.8256, 0.001);
  EXPECT_EQ(wilson_key(90, 10), 825634);
}

TEST(CommentNames, RoundTrip) {
  for (auto s : {CommentState::Visible, CommentState::Pending, CommentState::Hidden,
                 CommentState::Rejected, CommentState::Deleted, CommentState::Removed})
    EXPECT_EQ(comment_state_from(to_string(s)), s);
  EXPECT_FALSE(comment_state_from("gone"));
  EXPECT_EQ(discussion_mode_from("premoderated"), DiscussionMode::Premoderated);
  EXPECT_EQ(comment_sort_from("oldest"), CommentSort::Oldest);
  EXPECT_FALSE(comment_sort_from("random"));
}
