// The NewsStore contract, on every backend.
#include <gtest/gtest.h>

#include "content/body.hpp"
#include "storage/contract/backends.hpp"
#include "testing/editions.hpp"

using namespace herald;
using namespace herald::content;

namespace {

class NewsStoreContract : public storage::contract::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped()) return;
    store = &stores().news();
    ed = store
             ->add_edition(
                 herald::testing::english_edition())
             .id;
    sec = store->add_section(Section{0, ed, "world", "World", "News", 0}).id;
    sec2 = store->add_section(Section{0, ed, "science", "Science", "", 1}).id;
    tag = store->add_tag(Tag{0, ed, "arctic", "Arctic"}).id;
    author = store->add_author(Author{0, "helen-marsh", "Helen Marsh", ""}).id;
  }
  Article story(const std::string& headline, UnixTime t, Id section) {
    Article a = herald::testing::story(ed, section, headline, Status::Published, t);
    a.tag_ids = {tag};
    a.author_ids = {author};
    return a;
  }
  storage::NewsStore* store = nullptr;
  Id ed = 0, sec = 0, sec2 = 0, tag = 0, author = 0;
};

}  // namespace

HERALD_CONTRACT_SUITE(NewsStoreContract);

TEST_P(NewsStoreContract, ListsNewestFirstWithAStableCursor) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(
        store->save_article(story(std::string("S").append(std::to_string(i)), 1000 + i, sec)).ok());
  // Two stories at the same second are ordered by id.
  ASSERT_TRUE(store->save_article(story("Same", 1004, sec)).ok());
  storage::ArticleQuery q;
  q.edition_id = ed;
  q.limit = 3;
  q.with_links = true;
  auto page1 = store->articles(q);
  ASSERT_EQ(page1.size(), 3u);
  EXPECT_EQ(page1[0].headline, "Same");
  EXPECT_EQ(page1[1].headline, "S4");
  q.before = {page1.back().published_at, page1.back().id};
  auto page2 = store->articles(q);
  ASSERT_EQ(page2.size(), 3u);
  EXPECT_EQ(page2[0].headline, "S2");
  EXPECT_EQ(page2[2].headline, "S0");
  EXPECT_EQ(page2[0].tag_ids, std::vector<Id>{tag});
}

TEST_P(NewsStoreContract, FiltersBySectionTagAndAuthor) {
  store->save_article(story("World", 1000, sec));
  auto sci = story("Science", 1001, sec2);
  sci.tag_ids.clear();
  store->save_article(sci);
  storage::ArticleQuery q;
  q.edition_id = ed;
  q.section_id = sec2;
  ASSERT_EQ(store->articles(q).size(), 1u);
  q.section_id = 0;
  q.tag_id = tag;
  auto tagged = store->articles(q);
  ASSERT_EQ(tagged.size(), 1u);
  EXPECT_EQ(tagged[0].headline, "World");
  q.tag_id = 0;
  q.author_id = author;
  EXPECT_EQ(store->articles(q).size(), 2u);
}

TEST_P(NewsStoreContract, DraftsAreNotListedAndPublishingRecordsAnEvent) {
  auto a = story("Draft", 0, sec);
  a.status = Status::Draft;
  auto r = store->save_article(a);
  ASSERT_TRUE(r.ok()) << r.detail;
  storage::ArticleQuery q;
  q.edition_id = ed;
  EXPECT_TRUE(store->articles(q).empty());
  auto before = stores().events().last_seq();
  ASSERT_TRUE(store->publish(r.id, 5000).ok());
  auto listed = store->articles(q);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].published_at, 5000);
  auto events = stores().events().since(before, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "article.published");
  EXPECT_EQ(events[0].article_id, r.id);
  // Unpublishing removes it from tag pages too.
  ASSERT_TRUE(store->unpublish(r.id).ok());
  q.tag_id = tag;
  EXPECT_TRUE(store->articles(q).empty());
  EXPECT_EQ(stores().events().since(before, 10).back().kind, "article.removed");
}

TEST_P(NewsStoreContract, RefusesBadInputWithoutStoringIt) {
  using storage::Refusal;
  auto a = story("", 1000, sec);
  auto r = store->save_article(a);
  EXPECT_EQ(r.refusal, Refusal::Invalid);
  EXPECT_EQ(r.reason, "story_headline_empty");
  auto b = story("Wrong edition", 1000, sec);
  b.edition_id = ed + 100;
  EXPECT_EQ(store->save_article(b).refusal, Refusal::Invalid);
  r = store->add_section(Section{0, ed, "newsfeed", "Clash", "", 0});
  EXPECT_EQ(r.refusal, Refusal::Invalid);
  EXPECT_EQ(r.reason, "refused_reserved_slug");
  r = store->add_section(Section{0, ed, "world", "Duplicate", "", 0});
  EXPECT_EQ(r.refusal, Refusal::Conflict);
  EXPECT_EQ(r.reason, "refused_section_slug_taken");
  EXPECT_EQ(store->add_media(Media{0, "x.jpg", "image/jpeg", 10, 10, "", "", ""}).refusal,
            Refusal::Invalid);  // no alt text
  r = store->publish(99999, 1);
  EXPECT_EQ(r.refusal, Refusal::NotFound);
  EXPECT_FALSE(r.detail.empty());
  storage::ArticleQuery q;
  q.edition_id = ed;
  EXPECT_TRUE(store->articles(q).empty());
  EXPECT_EQ(store->sections().size(), 2u);
}

TEST_P(NewsStoreContract, BodyAndMediaSurviveAReopen) {
  Media m{0,
          "p.jpg",
          "image/jpeg",
          1600,
          900,
          "Caption",
          "© Agency Photo / Name",
          "Alt",
          {{320, 180, "webp", "p-320.webp"}}};
  auto mid = store->add_media(m).id;
  auto a = story("With photo", 1000, sec);
  a.lead_media_id = mid;
  a.body.push_back(Block{Block::Type::Subheading, "Sub"});
  auto id = store->save_article(a).id;
  reopen();
  store = &stores().news();
  auto back = store->article(id);
  ASSERT_TRUE(back);
  std::string err;
  ASSERT_TRUE(content::ensure_body(*back, err)) << err;
  EXPECT_EQ(back->body.size(), 2u);
  EXPECT_EQ(back->body[1].text, "Sub");
  auto media = store->media(back->lead_media_id);
  ASSERT_TRUE(media);
  EXPECT_EQ(media->credit, "© Agency Photo / Name");
  ASSERT_EQ(media->renditions.size(), 1u);
  EXPECT_EQ(media->renditions[0].file, "p-320.webp");
}

TEST_P(NewsStoreContract, KeepsTheRenderedBodyWithItsVersion) {
  auto a = story("Rendered", 1000, sec);
  a.body_html = "<p>Text</p>";
  a.body_html_version = 42;
  auto id = store->save_article(a).id;
  auto back = store->article(id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->body_html, "<p>Text</p>");
  EXPECT_EQ(back->body_html_version, 42);
  EXPECT_FALSE(back->body_json.empty());                   // no version in use: the blocks come too
  EXPECT_TRUE(store->article(id, 42)->body_json.empty());  // the HTML serves: JSON not read
  EXPECT_FALSE(store->article(id, 43)->body_json.empty());  // another version: blocks needed
  // Saving without HTML clears it: a stale rendering is never kept.
  back->body_html.clear();
  store->save_article(*back);
  EXPECT_EQ(store->article(id)->body_html_version, 0);
}

TEST_P(NewsStoreContract, StoriesKnowTheirPublishedTranslations) {
  auto ru = store
                ->add_edition(Edition{0, "ru", "ru", "ru_RU", "Геральд", "", "Europe/Moscow",
                                      "dd.MM.yyyy", false, 1})
                .id;
  auto mir = store->add_section(Section{0, ru, "mir", "Мир", "", 0}).id;
  auto en_story = story("Talks", 1000, sec);
  en_story.translation_key = "k1";
  auto en_id = store->save_article(en_story).id;
  EXPECT_TRUE(store->article(en_id)->translations.empty());
  Article ru_story = story("Переговоры", 1000, mir);
  ru_story.edition_id = ru;
  ru_story.tag_ids.clear();
  ru_story.translation_key = "k1";
  ru_story.status = Status::Draft;
  auto ru_id = store->save_article(ru_story).id;
  EXPECT_TRUE(store->article(en_id)->translations.empty());  // a draft is nobody's translation yet
  ASSERT_TRUE(store->publish(ru_id, 1001).ok());
  auto tr = store->article(en_id)->translations;
  ASSERT_EQ(tr.size(), 1u);
  EXPECT_EQ(tr[0].id, ru_id);
  EXPECT_EQ(tr[0].edition_id, ru);
  EXPECT_EQ(tr[0].section_id, mir);
  EXPECT_EQ(tr[0].headline, "Переговоры");
  EXPECT_EQ(store->article(ru_id)->translations.at(0).id, en_id);
  ASSERT_TRUE(store->unpublish(ru_id).ok());
  EXPECT_TRUE(store->article(en_id)->translations.empty());
}
