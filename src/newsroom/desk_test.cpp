// The Desk's rules without HTTP: who may see, edit and publish which story, versions,
// embargoes and the schedule, on a real SQLite database with a clock the test moves.
#include "newsroom/desk.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "i18n/i18n.hpp"
#include "storage/stores.hpp"
#include "testing/temp_dir.hpp"
#include "testing/editions.hpp"

using namespace herald;
using content::Outcome;
using content::Role;
namespace json = boost::json;

namespace {
class DeskRules : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::make_unique<herald::testing::TempDir>("herald-desk-");
    stores = storage::open_stores("sqlite:" + dir->file("herald.db"), clock);
    auto& news = stores->news();
    auto ed = news.add_edition(herald::testing::english_edition())
                  .id;
    section = news.add_section(content::Section{0, ed, "world", "World", "", 0}).id;
    desk = std::make_unique<newsroom::Desk>(*stores,
                                            [](content::Article&) {}, clock);
    for (auto r : {Role::Contributor, Role::Author, Role::Editor, Role::Reader}) {
      content::User u;
      u.email = std::string(content::to_string(r)) + "@example.org";
      u.display_name = content::to_string(r);
      u.role = r;
      u.id = stores->accounts().create_user(u).id;
      people[r] = u;
    }
  }
  const content::User& as(Role r) { return people.at(r); }
  std::int64_t draft(Role who, const std::string& headline = "Bridge reopens") {
    auto d = desk->create(as(who), json::object{{"headline", headline}, {"section_id", section}});
    EXPECT_EQ(d.outcome, Outcome::Created) << d.message;
    return d.id;
  }
  std::int64_t version(std::int64_t id) {
    return desk->get(as(Role::Editor), id).body.as_object().at("version").as_int64();
  }
  util::ManualClock clock{1767225600};
  std::unique_ptr<herald::testing::TempDir> dir;
  std::unique_ptr<storage::Stores> stores;
  std::unique_ptr<newsroom::Desk> desk;
  std::map<Role, content::User> people;
  content::Id section = 0;
};
}  // namespace

TEST_F(DeskRules, RolesDecideWhoPublishesWhat) {
  auto mine = draft(Role::Contributor);
  EXPECT_EQ(desk->workflow(as(Role::Contributor), mine, "publish").outcome, Outcome::Forbidden);
  EXPECT_EQ(desk->workflow(as(Role::Contributor), mine, "submit").outcome, Outcome::Done);
  // An author does not see a contributor's draft at all: the same 404 as a missing story.
  EXPECT_EQ(desk->get(as(Role::Author), mine).outcome, Outcome::NotFound);
  EXPECT_EQ(desk->workflow(as(Role::Author), mine, "publish").outcome, Outcome::NotFound);
  EXPECT_EQ(desk->workflow(as(Role::Editor), mine, "publish").outcome, Outcome::Done);
  auto own = draft(Role::Author);
  EXPECT_EQ(desk->workflow(as(Role::Author), own, "publish").outcome, Outcome::Done);
  // Published: the contributor may no longer change their story.
  EXPECT_EQ(desk->save(as(Role::Contributor), mine,
                       json::object{{"version", version(mine)}, {"headline", "Changed"}})
                .outcome,
            Outcome::Forbidden);
  // Readers are not staff: nothing.
  EXPECT_EQ(desk->create(as(Role::Reader), json::object{{"headline", "x"}, {"section_id", section}})
                .outcome,
            Outcome::Forbidden);
}

TEST_F(DeskRules, AStaleSaveIsAConflictAndOverwritesNothing) {
  auto id = draft(Role::Author);
  auto v = version(id);
  EXPECT_EQ(desk->save(as(Role::Author), id, json::object{{"version", v}, {"headline", "Mine"}}).outcome,
            Outcome::Done);
  auto stale = desk->save(as(Role::Editor), id, json::object{{"version", v}, {"headline", "Theirs"}});
  EXPECT_EQ(stale.outcome, Outcome::Conflict);
  EXPECT_EQ(stale.body.as_object().at("headline").as_string(), "Mine");  // the current story
  EXPECT_EQ(desk->get(as(Role::Editor), id).body.as_object().at("headline").as_string(), "Mine");
}

TEST_F(DeskRules, AnEmbargoHoldsUntilItsTimeOnTheClock) {
  auto id = draft(Role::Editor);
  auto until = clock.now() + 3600;
  ASSERT_EQ(desk->save(as(Role::Editor), id,
                       json::object{{"version", version(id)}, {"embargo_until", until}})
                .outcome,
            Outcome::Done);
  auto early = desk->workflow(as(Role::Editor), id, "publish");
  EXPECT_EQ(early.outcome, Outcome::Invalid);
  EXPECT_EQ(early.code, "embargoed");
  // The person reads it from the catalog in their language, with the time filled in.
  EXPECT_EQ(early.key, "desk_embargo_publish");
  ASSERT_EQ(early.args.size(), 1u);
  EXPECT_EQ(early.args[0].first, "until");
  auto catalog = i18n::Catalog::load_embedded();
  EXPECT_NE(catalog.text("ru", early.key).find("{until}"), std::string::npos);
  EXPECT_NE(catalog.text("ru", early.key), catalog.text("en", early.key));
  EXPECT_EQ(desk->workflow(as(Role::Editor), id, "schedule", until - 60).code, "embargoed");
  clock.advance(3600);
  EXPECT_EQ(desk->workflow(as(Role::Editor), id, "publish").outcome, Outcome::Done);
}

TEST_F(DeskRules, TheScheduleFollowsTheClockAndAnUnsanctionedEditUnschedules) {
  auto id = draft(Role::Editor);
  auto at = clock.now() + 600;
  ASSERT_EQ(desk->workflow(as(Role::Editor), id, "schedule", at).outcome, Outcome::Done);
  EXPECT_EQ(desk->workflow(as(Role::Editor), id, "schedule", clock.now() - 1).outcome, Outcome::Invalid);
  EXPECT_EQ(desk->publish_due(clock.now()), 0);
  EXPECT_EQ(desk->publish_due(at), 1);
  EXPECT_EQ(desk->get(as(Role::Editor), id).body.as_object().at("status").as_string(), "published");
  EXPECT_EQ(desk->publish_due(at + 10), 0);  // once

  // A contributor's scheduled story edited by the contributor goes back to review.
  auto theirs = draft(Role::Contributor);
  ASSERT_EQ(desk->workflow(as(Role::Editor), theirs, "schedule", at + 600).outcome, Outcome::Done);
  ASSERT_EQ(desk->save(as(Role::Contributor), theirs,
                       json::object{{"version", version(theirs)}, {"headline", "Late change"}})
                .outcome,
            Outcome::Done);
  auto after = desk->get(as(Role::Editor), theirs).body.as_object();
  EXPECT_EQ(after.at("status").as_string(), "review");
  EXPECT_EQ(desk->publish_due(at + 600), 0);
}

TEST_F(DeskRules, PhotoTextsBelongToTheirUploaderOrAnEditor) {
  content::Media m{0, "p.jpg", "image/jpeg", 10, 10, "Caption", "Credit", "Alt"};
  m.created_by = as(Role::Author).id;
  auto mid = stores->news().add_media(m).id;
  EXPECT_EQ(desk->edit_photo(as(Role::Contributor), mid, std::string("x"), std::nullopt,
                             std::nullopt)
                .outcome,
            Outcome::Forbidden);
  EXPECT_EQ(desk->edit_photo(as(Role::Author), mid, std::string("Mine"), std::nullopt,
                             std::nullopt)
                .outcome,
            Outcome::Done);
  EXPECT_EQ(desk->edit_photo(as(Role::Editor), mid, std::nullopt, std::nullopt, std::string(""))
                .outcome,
            Outcome::Invalid);  // alt text is required
  EXPECT_EQ(stores->news().media(mid)->caption, "Mine");
}

TEST_F(DeskRules, ARefusedBodyIsExplainedFromTheCatalogAndNothingIsStored) {
  auto id = draft(Role::Author);
  auto v = version(id);
  json::array body{json::object{{"type", "paragraph"}, {"text", "x"}},
                   json::object{{"type", "paragraph"}, {"text", "x"}, {"style", "big"}}};
  auto r = desk->save(as(Role::Author), id, json::object{{"version", v}, {"body", body}});
  EXPECT_EQ(r.outcome, Outcome::Invalid);
  EXPECT_EQ(r.code, "invalid_body");
  EXPECT_EQ(r.key, "body_field_not_allowed");
  EXPECT_EQ(r.message, "Block 2 (paragraph) has a field 'style' that is not allowed.");
  auto catalog = i18n::Catalog::load_embedded();
  std::string ru = catalog.text("ru", r.key);
  for (auto& [name, value] : r.args) ru.replace(ru.find("{" + name + "}"), name.size() + 2, value);
  EXPECT_EQ(ru, "В блоке 2 (paragraph) есть недопустимое поле «style».");
  EXPECT_EQ(version(id), v);
}

TEST_F(DeskRules, AWorkflowStepAndItsRevisionNoteCommitTogether) {
  auto id = draft(Role::Editor);
  auto before = stores->desk().revisions(id).size();
  ASSERT_EQ(desk->workflow(as(Role::Editor), id, "publish").outcome, Outcome::Done);
  auto revs = stores->desk().revisions(id);
  ASSERT_EQ(revs.size(), before + 1);
  EXPECT_EQ(revs[0].note, "published");
  // A refused step leaves neither.
  EXPECT_EQ(desk->workflow(as(Role::Editor), id, "schedule", clock.now() + 60).outcome,
            Outcome::Conflict);
  EXPECT_EQ(stores->desk().revisions(id).size(), before + 1);
  // Nothing is left holding the database: other writes go on.
  EXPECT_EQ(desk->workflow(as(Role::Editor), id, "unpublish").outcome, Outcome::Done);
  EXPECT_EQ(stores->desk().revisions(id)[0].note, "unpublished");
}
