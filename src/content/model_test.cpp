#include "content/model.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "content/body.hpp"
#include "i18n/i18n.hpp"

using namespace herald::content;

namespace {
Article valid_article() {
  Article a;
  a.id = 7;
  a.edition_id = 1;
  a.section_id = 2;
  a.slug = "a-story";
  a.headline = "A story";
  a.status = Status::Published;
  a.published_at = 1700000000;
  a.tag_ids = {5, 6};
  a.author_ids = {9};
  return a;
}
}  // namespace

TEST(Article, ValidationNamesTheProblem) {
  auto a = valid_article();
  EXPECT_EQ(validate(a), "");
  a.headline.clear();
  EXPECT_EQ(validate(a), "story_headline_empty");
  a = valid_article();
  a.slug = "Bad Slug";
  EXPECT_EQ(validate(a), "story_slug_chars");
  a = valid_article();
  a.published_at = 0;
  EXPECT_EQ(validate(a), "story_no_time");
  a = valid_article();
  a.body.push_back(Block{Block::Type::Embed, "x"});
  a.body.back().url = "javascript:alert(1)";
  EXPECT_EQ(validate(a), "story_embed_link");
}

TEST(Article, PathIsEditionSectionIdSlug) {
  Edition e;
  e.code = "ru";
  Section s;
  s.slug = "mir";
  auto a = valid_article();
  EXPECT_EQ(article_path(e, s, a), "/ru/mir/7-a-story");
}

TEST(Article, PurgeKeysCoverEveryPageThatShowsTheStory) {
  auto keys = purge_keys_for(valid_article());
  for (const char* k : {"article:7", "section:2", "tag:5", "tag:6", "author:9", "home:1",
                        "newsfeed:1", "feed:1", "sitemap:1"})
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  EXPECT_EQ(keys.size(), 9u);
}

TEST(Section, ReservedSlugsCollideWithSiteRoutes) {
  EXPECT_TRUE(is_reserved_section_slug("newsfeed"));
  EXPECT_TRUE(is_reserved_section_slug("feeds"));
  EXPECT_TRUE(is_reserved_section_slug("tag"));
  EXPECT_FALSE(is_reserved_section_slug("world"));
}

TEST(Body, RoundTripsEveryBlockType) {
  std::vector<Block> blocks(6);
  blocks[0] = Block{Block::Type::Paragraph, "Hello <b>"};
  blocks[1] = Block{Block::Type::Subheading, "Sub"};
  blocks[2] = Block{Block::Type::Quote, "Q", "Someone"};
  blocks[3].type = Block::Type::List;
  blocks[3].items = {"a", "b"};
  blocks[3].ordered = true;
  blocks[4].type = Block::Type::Image;
  blocks[4].media_id = 42;
  blocks[4].credit = "© X";
  blocks[5].type = Block::Type::Embed;
  blocks[5].url = "https://example.org/";
  std::vector<Block> back;
  std::string err;
  ASSERT_TRUE(body_from_json(body_to_json(blocks), back, err)) << err;
  ASSERT_EQ(back.size(), 6u);
  EXPECT_EQ(back[0].text, "Hello <b>");
  EXPECT_EQ(back[2].cite, "Someone");
  EXPECT_EQ(back[3].items.size(), 2u);
  EXPECT_TRUE(back[3].ordered);
  EXPECT_EQ(back[4].media_id, 42);
  EXPECT_EQ(back[4].credit, "© X");
  EXPECT_EQ(back[5].url, "https://example.org/");
}

TEST(Body, RefusesUnknownOrMalformedBlocks) {
  std::vector<Block> out;
  std::string err;
  EXPECT_FALSE(body_from_json("{}", out, err));
  EXPECT_FALSE(body_from_json("[{\"type\":\"script\",\"text\":\"x\"}]", out, err));
  EXPECT_NE(err.find("script"), std::string::npos);
  EXPECT_FALSE(body_from_json("[{\"type\":\"image\"}]", out, err));
  EXPECT_FALSE(body_from_json("not json", out, err));
}

TEST(Body, NewsroomInputIsCheckedAgainstTheAllowlist) {
  std::vector<Block> out;
  BodyProblem why;
  EXPECT_TRUE(parse_body_input(
      R"j([{"type":"paragraph","spans":[{"text":"Read "},{"text":"this","bold":true,"href":"https://example.org/a?b=1"}]},
          {"type":"subheading","text":"Sub"},{"type":"quote","text":"Q","cite":"C"},
          {"type":"list","items":["a","b"],"ordered":false},{"type":"image","media_id":3,"caption":"c","credit":"© A"},
          {"type":"embed","url":"https://video.example/x","title":"t"},
          {"type":"paragraph","spans":[{"text":"mail","href":"mailto:desk@example.org"}]}])j",
      out, why))
      << why.message;
  ASSERT_EQ(out.size(), 7u);
  EXPECT_EQ(out[0].text, "Read this");
  EXPECT_EQ(spans_to_html(out[0].spans),
            "Read <a href=\"https://example.org/a?b=1\" rel=\"nofollow noopener\"><strong>this</strong></a>");
  // What the editor must never get stored, and the catalog key that tells them why.
  struct Refused {
    const char* input;
    const char* key;
  };
  auto catalog = herald::i18n::Catalog::load_embedded();
  const Refused refused[] = {
      {R"j([{"type":"script","text":"x"}])j", "body_unknown_type"},
      {R"j([{"type":"paragraph","text":"x","onclick":"alert(1)"}])j", "body_field_not_allowed"},
      {R"j([{"type":"paragraph","spans":[{"text":"x","href":"javascript:alert(1)"}]}])j", "body_link"},
      {R"j([{"type":"paragraph","spans":[{"text":"x","href":"data:text/html,hi"}]}])j", "body_link"},
      {R"j([{"type":"paragraph","spans":[{"text":"x","underline":true}]}])j", "body_mark"},
      {R"j([{"type":"embed","url":"mailto:a@b.org"}])j", "body_embed_link"},
      {R"j([{"type":"image","media_id":"3"}])j", "body_image_photo"},
      {R"j([{"type":"list","items":[]}])j", "body_list_items"},
      {R"j({"type":"paragraph"})j", "body_not_list"},
      {R"j([{"type":"paragraph","text":7}])j", "body_field_not_text"},
      {R"j([{"type":"paragraph"}])j", "body_field_required"},
      {R"j([7])j", "body_block_not_object"},
      {"not json", "body_not_list"},
  };
  for (const auto& r : refused) {
    why = {};
    EXPECT_FALSE(parse_body_input(r.input, out, why)) << r.input;
    EXPECT_EQ(why.key, r.key) << r.input;
    EXPECT_FALSE(why.message.empty()) << r.input;
    EXPECT_TRUE(catalog.all("en").count(r.key)) << r.key;
    EXPECT_TRUE(catalog.all("ru").count(r.key)) << r.key;
  }
  // The values the catalog texts name: the block's number and type, the field.
  why = {};
  parse_body_input(R"j([{"type":"quote","text":"x"},{"type":"quote","text":"x","style":"big"}])j",
                   out, why);
  EXPECT_EQ(why.args, (BodyProblem::Args{{"n", "2"}, {"type", "quote"}, {"field", "style"}}));
  EXPECT_EQ(why.message, "Block 2 (quote) has a field 'style' that is not allowed.");
  EXPECT_TRUE(is_safe_link("HTTPS://Example.org"));
  EXPECT_FALSE(is_safe_link("https://"));
  EXPECT_FALSE(is_safe_link("https://a b"));
  EXPECT_FALSE(is_safe_link("//example.org"));
}

TEST(Body, SpansSurviveTheStoredJsonAndAreEscaped) {
  std::vector<Block> blocks(1);
  blocks[0].spans = {Span{"<b>", true, false, ""}, Span{"x\"", false, true, "https://e.org/\"q"}};
  std::vector<Block> back;
  std::string err;
  ASSERT_TRUE(body_from_json(body_to_json(blocks), back, err)) << err;
  EXPECT_EQ(back[0].spans, blocks[0].spans);
  EXPECT_EQ(back[0].text, "<b>x\"");
  // An unsafe stored link is rendered as text only.
  EXPECT_EQ(spans_to_html(back[0].spans), "<strong>&lt;b&gt;</strong><em>x&quot;</em>");
}
