#include "newsroom/desk.hpp"
#include "util/utf8.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "accounts/service.hpp"
#include "content/body.hpp"
#include "content/slug.hpp"
#include "i18n/i18n.hpp"

namespace herald::newsroom {

namespace json = boost::json;
using content::Action;
using content::can;
using content::Article;
using content::Status;

DeskResult error(content::Outcome outcome, std::string code, std::string message) {
  DeskResult r;
  r.outcome = outcome;
  r.code = std::move(code);
  r.message = std::move(message);
  return r;
}

// A write the store refused: the person reads its catalog key in their language.
DeskResult refused(const storage::WriteResult& w) {
  // (422 whatever the category, as the API has always answered: a slug or address taken, a
  // story gone meanwhile and a broken rule are all "change what you sent".)
  DeskResult r = error(content::Outcome::Invalid, "invalid", w.detail);
  r.key = w.reason;
  return r;
}

// A refusal for the person: a catalog key with its values ({field}, {max}, ...), shown in their
// language by the newsroom; `english` is the same for logs and for clients without a catalog.
DeskResult say(content::Outcome o, std::string code, std::string key, std::string english,
               std::vector<std::pair<std::string, std::string>> args = {}) {
  DeskResult r = error(o, std::move(code), std::move(english));
  r.key = std::move(key);
  r.args = std::move(args);
  return r;
}

DeskResult story_not_found() {
  return say(content::Outcome::NotFound, "not_found", "desk_no_story", "There is no story with this number, or it is not yours to see.");
}

namespace {
DeskResult forbidden(const std::string& key, const std::string& what) {
  return say(content::Outcome::Forbidden, "forbidden", key, what);
}

}  // namespace

Desk::Desk(storage::Stores& stores, std::function<void(Article&)> prepare_body,
           const util::Clock& clock)
    : stores_(stores),
      news_(stores.news()),
      clock_(clock),
      desk_(stores.desk()),
      accounts_(stores.accounts()),
      prepare_body_(std::move(prepare_body)) {}

bool Desk::can_see(const content::User& u, const Article& a) const {
  if (!can(u.role, Action::WriteDraft)) return false;
  return a.status == Status::Published || can(u.role, Action::SeeDrafts) || a.created_by == u.id;
}

bool Desk::can_edit(const content::User& u, const Article& a) const {
  if (!can(u.role, Action::WriteDraft)) return false;
  if (can(u.role, Action::EditAny)) return true;
  if (a.created_by != u.id) return false;
  // A contributor's story, once published, is changed by an editor (or its author role).
  return a.status != Status::Published || can(u.role, Action::PublishOwn);
}

bool Desk::can_publish(const content::User& u, const Article& a) const {
  return can(u.role, Action::EditAny) ||
         (can(u.role, Action::PublishOwn) && a.created_by == u.id);
}

std::optional<Article> Desk::load(content::Id id, storage::NewsReader& from) {
  auto a = from.article(id);
  if (!a) return std::nullopt;
  std::string err;
  if (!content::ensure_body(*a, err)) spdlog::error("story {}: {}", id, err);
  return a;
}

std::string Desk::user_name(std::int64_t id) const {
  if (!id) return {};
  auto u = accounts_.user_by_id(id);
  return u ? u->display_name : std::string();
}

Desk::Catalog Desk::catalog() const { return Catalog{news_.editions(), news_.sections()}; }

json::object Desk::to_json(const Article& a, bool with_body) const {
  return to_json(a, with_body, catalog());
}

json::object Desk::to_json(const Article& a, bool with_body, const Catalog& cat) const {
  json::object o;
  o["id"] = a.id;
  o["version"] = a.version;
  o["status"] = content::to_string(a.status);
  o["edition_id"] = a.edition_id;
  o["section_id"] = a.section_id;
  o["headline"] = a.headline;
  o["summary"] = a.summary;
  o["dateline"] = a.dateline;
  o["slug"] = a.slug;
  o["lead_media_id"] = a.lead_media_id;
  o["breaking"] = a.breaking;
  o["correction"] = a.correction;
  o["embargo_until"] = a.embargo_until;
  o["scheduled_at"] = a.status == Status::Scheduled ? a.scheduled_at : 0;
  o["published_at"] = a.published_at;
  o["updated_at"] = a.updated_at;
  o["created_by"] = a.created_by;
  o["updated_by"] = a.updated_by;
  json::array authors;
  for (auto id : a.author_ids) authors.emplace_back(id);
  o["authors"] = std::move(authors);
  json::array tags;
  if (!a.tag_ids.empty()) {
    auto all = news_.tags();
    for (auto id : a.tag_ids)
      for (auto& t : all)
        if (t.id == id) tags.emplace_back(t.name);
  }
  o["tags"] = std::move(tags);
  if (a.editing_by && a.editing_at > clock_.now() - 120) {
    json::object e;
    e["id"] = a.editing_by;
    e["name"] = user_name(a.editing_by);
    e["since"] = a.editing_at;
    o["editing"] = std::move(e);
  }
  if (a.status == Status::Published) {
    for (auto& e : cat.editions)
      if (e.id == a.edition_id)
        for (auto& s : cat.sections)
          if (s.id == a.section_id) o["url"] = content::article_path(e, s, a);
  }
  if (with_body) o["body"] = json::parse(content::body_to_json(a.body));
  return o;
}

content::Id Desk::author_for(const content::User& u) {
  std::string slug = content::make_slug(u.display_name);
  if (slug.empty()) slug = "staff-" + std::to_string(u.id);
  for (auto& a : news_.authors())
    if (a.slug == slug) return a.id;
  content::Author au;
  au.slug = slug;
  au.name = u.display_name;
  auto r = news_.add_author(au);
  return r.ok() ? r.id : 0;
}

DeskResult Desk::apply(const content::User& u, Article& a, const json::object& in,
                       bool creating) {
  static const std::vector<std::string_view> kEditable = {
      "headline", "summary", "dateline", "slug", "section_id", "tags", "authors",
      "lead_media_id", "body", "breaking", "correction", "embargo_until"};
  static const std::vector<std::string_view> kReadOnly = {
      "id", "version", "status", "edition_id", "scheduled_at", "published_at", "updated_at",
      "created_by", "updated_by", "url", "editing"};
  for (auto& [k, v] : in) {
    bool known = std::find(kEditable.begin(), kEditable.end(), k) != kEditable.end() ||
                 std::find(kReadOnly.begin(), kReadOnly.end(), k) != kReadOnly.end();
    if (!known)
      return say(content::Outcome::Invalid, "invalid", "desk_unknown_field",
                 "The field '" + std::string(k) + "' is not part of a story.", {{"field", std::string(k)}});
  }
  auto text = [&](const char* key, std::size_t max, std::string& dst) -> std::optional<DeskResult> {
    auto* v = in.if_contains(key);
    if (!v) return std::nullopt;
    if (!v->is_string())
      return say(content::Outcome::Invalid, "invalid", "desk_field_text",
                 std::string("The ") + key + " must be text.", {{"field", key}});
    std::string s(v->get_string());
    if (util::utf8_length(s) > max)
      return say(content::Outcome::Invalid, "invalid", "desk_field_long",
                 std::string("The ") + key + " is longer than " + std::to_string(max) + " characters.",
                 {{"field", key}, {"max", std::to_string(max)}});
    dst = std::move(s);
    return std::nullopt;
  };
  if (auto e = text("headline", 300, a.headline)) return *e;
  if (auto e = text("summary", 1000, a.summary)) return *e;
  if (auto e = text("dateline", 100, a.dateline)) return *e;
  if (auto e = text("correction", 1000, a.correction)) return *e;
  std::string slug;
  if (auto e = text("slug", 80, slug)) return *e;
  if (!slug.empty()) {
    a.slug = slug;
  } else if (creating || a.slug.empty() || (in.contains("slug") && slug.empty())) {
    a.slug = content::make_slug(a.headline);
    if (a.slug.empty()) a.slug = "story";
  }
  if (auto* v = in.if_contains("section_id")) {
    if (!v->is_int64()) return say(content::Outcome::Invalid, "invalid", "desk_choose_section", "Choose a section.");
    bool found = false;
    for (auto& s : news_.sections())
      if (s.id == v->get_int64()) {
        found = true;
        if (!creating && a.status == Status::Published && s.edition_id != a.edition_id)
          return say(content::Outcome::Invalid, "invalid", "desk_no_move", "A published story cannot move to another edition.");
        a.section_id = s.id;
        a.edition_id = s.edition_id;
      }
    if (!found) return say(content::Outcome::Invalid, "invalid", "desk_no_section", "There is no section with this number.");
  }
  if (auto* v = in.if_contains("breaking")) {
    if (!v->is_bool()) return say(content::Outcome::Invalid, "invalid", "desk_breaking_bool", "'breaking' must be true or false.");
    a.breaking = v->get_bool();
  }
  if (auto* v = in.if_contains("embargo_until")) {
    if (!v->is_int64() || v->get_int64() < 0)
      return say(content::Outcome::Invalid, "invalid", "desk_embargo_time", "'embargo_until' must be a Unix time (0: no embargo).");
    a.embargo_until = v->get_int64();
  }
  if (auto* v = in.if_contains("lead_media_id")) {
    if (!v->is_int64() || v->get_int64() < 0)
      return say(content::Outcome::Invalid, "invalid", "desk_lead_number", "'lead_media_id' must be a photo number (0: none).");
    if (v->get_int64() > 0 && !news_.media(v->get_int64()))
      return say(content::Outcome::Invalid, "invalid", "desk_no_library_photo", "There is no photo with this number in the library.");
    a.lead_media_id = v->get_int64();
  }
  if (auto* v = in.if_contains("authors")) {
    if (!v->is_array()) return say(content::Outcome::Invalid, "invalid", "desk_authors_list", "'authors' must be a list of author numbers.");
    auto all = news_.authors();
    a.author_ids.clear();
    for (auto& x : v->get_array()) {
      if (!x.is_int64() || std::none_of(all.begin(), all.end(), [&](auto& au) {
            return au.id == x.get_int64();
          }))
        return say(content::Outcome::Invalid, "invalid", "desk_no_author",
                   "There is no author with the number " + json::serialize(x) + ".",
                   {{"id", json::serialize(x)}});
      a.author_ids.push_back(x.get_int64());
    }
  }
  if (creating && a.author_ids.empty())
    if (auto id = author_for(u)) a.author_ids.push_back(id);
  if (auto* v = in.if_contains("tags")) {
    if (!v->is_array() || v->get_array().size() > 30)
      return say(content::Outcome::Invalid, "invalid", "desk_tags_list", "'tags' must be a list of at most 30 names.");
    auto all = news_.tags();
    a.tag_ids.clear();
    for (auto& x : v->get_array()) {
      if (!x.is_string() || x.get_string().empty() || util::utf8_length(x.get_string()) > 60)
        return say(content::Outcome::Invalid, "invalid", "desk_tag_length", "Each tag must be a name of 1 to 60 characters.");
      std::string name(x.get_string());
      std::string tslug = content::make_slug(name);
      if (tslug.empty())
        return say(content::Outcome::Invalid, "invalid", "desk_tag_letters",
                   "The tag '" + name + "' has no letters.", {{"tag", name}});
      content::Id id = 0;
      for (auto& t : all)
        if (t.edition_id == a.edition_id && t.slug == tslug) id = t.id;
      if (!id) {
        content::Tag t;
        t.edition_id = a.edition_id;
        t.slug = tslug;
        t.name = name;
        auto r = news_.add_tag(t);
        if (!r.ok()) return refused(r);
        id = r.id;
        t.id = id;
        all.push_back(t);
      }
      if (std::find(a.tag_ids.begin(), a.tag_ids.end(), id) == a.tag_ids.end())
        a.tag_ids.push_back(id);
    }
  }
  if (auto* v = in.if_contains("body")) {
    content::BodyProblem why;
    std::vector<content::Block> blocks;
    if (!content::parse_body_input(json::serialize(*v), blocks, why))
      return say(content::Outcome::Invalid, "invalid_body", why.key, why.message, why.args);
    for (auto& b : blocks)
      if (b.type == content::Block::Type::Image && !news_.media(b.media_id))
        return say(content::Outcome::Invalid, "invalid_body", "desk_body_photo",
                   "The body shows photo " + std::to_string(b.media_id) +
                       ", which is not in the library.",
                   {{"id", std::to_string(b.media_id)}});
    a.body = std::move(blocks);
    a.body_json.clear();
  }
  if (a.headline.empty()) return say(content::Outcome::Invalid, "invalid", "desk_headline", "Write a headline.");
  if (!a.section_id) return say(content::Outcome::Invalid, "invalid", "desk_choose_section", "Choose a section.");
  return {};
}

DeskResult Desk::store(const content::User& u, Article& a, std::int64_t base,
                       const std::string& note, content::Outcome done) {
  a.updated_at = clock_.now();
  if (prepare_body_) prepare_body_(a);
  std::string rev = json::serialize(to_json(a, true));
  auto r = desk_.save_story(a, base, u.id, rev, note);
  if (r.stale()) {
    DeskResult d = say(content::Outcome::Conflict, "conflict", "desk_stale",
                       "Someone saved a newer version (" + std::to_string(r.version) +
                           ") while you were editing version " + std::to_string(base) +
                           ". Compare both, then save again over the newer one.",
                       {{"theirs", std::to_string(r.version)}, {"base", std::to_string(base)}});
    if (auto cur = load(a.id)) d.body = to_json(*cur, true);
    return d;
  }
  if (!r.ok()) return refused(r);
  auto saved = load(r.id);
  DeskResult d;
  d.outcome = done;
  d.id = r.id;
  d.body = to_json(*saved, true);
  return d;
}

DeskResult Desk::list(const content::User& u, const storage::StoryListQuery& q0) {
  if (!can(u.role, Action::WriteDraft)) return forbidden("desk_no_writing", "Your account does not write stories.");
  auto q = q0;
  if (!can(u.role, Action::SeeDrafts)) q.own_unpublished_only = u.id;
  json::array items;
  auto cat = catalog();
  for (auto& a : desk_.stories(q)) items.emplace_back(to_json(a, false, cat));
  json::object o;
  o["stories"] = std::move(items);
  o["total"] = desk_.count_stories(q);
  DeskResult d;
  d.body = std::move(o);
  return d;
}

DeskResult Desk::get(const content::User& u, content::Id id) {
  auto a = load(id);
  if (!a || !can_see(u, *a)) return story_not_found();
  DeskResult d;
  d.id = id;
  d.body = to_json(*a, true);
  return d;
}

DeskResult Desk::create(const content::User& u, const json::value& input) {
  if (!can(u.role, Action::WriteDraft)) return forbidden("desk_no_writing", "Your account does not write stories.");
  if (!input.is_object()) return say(content::Outcome::BadInput, "bad_request", "desk_json_object", "Send the story as a JSON object.");
  Article a;
  a.status = Status::Draft;
  auto r = apply(u, a, input.get_object(), true);
  if (!r.ok()) return r;
  a.created_by = u.id;
  return store(u, a, 0, "created", content::Outcome::Created);
}

DeskResult Desk::save(const content::User& u, content::Id id, const json::value& input) {
  auto a = load(id);
  if (!a || !can_see(u, *a)) return story_not_found();
  if (!can_edit(u, *a)) return forbidden("desk_not_yours", "You may not change this story.");
  if (!input.is_object()) return say(content::Outcome::BadInput, "bad_request", "desk_json_object", "Send the story as a JSON object.");
  auto* v = input.get_object().if_contains("version");
  if (!v || !v->is_int64())
    return say(content::Outcome::Invalid, "invalid", "desk_version", "Send the version your changes are based on ('version').");
  auto r = apply(u, *a, input.get_object(), false);
  if (!r.ok()) return r;
  // A scheduled story goes out as the person who scheduled it last saw it: an edit by someone
  // who may not publish it sends it back to review and clears the time.
  if (a->status == Status::Scheduled && !can_publish(u, *a)) {
    a->status = Status::Review;
    a->scheduled_at = 0;
    return store(u, *a, v->get_int64(), "saved; back to review (the schedule was cleared)",
                 content::Outcome::Done);
  }
  return store(u, *a, v->get_int64(), a->status == Status::Published ? "saved (live)" : "saved",
               content::Outcome::Done);
}

DeskResult Desk::workflow(const content::User& u, content::Id id, const std::string& action,
                          content::UnixTime at) {
  // The step, and the revision note that records it, in one transaction: the story read
  // inside it is the one the step changes.
  auto tx = stores_.transaction();
  auto a = load(id, tx->news());
  if (!a || !can_see(u, *a)) return story_not_found();
  auto now = clock_.now();
  auto note = [&](const std::string& what) {
    if (auto cur = load(id, tx->news()))
      tx->desk().add_revision_note(id, u.id, what, json::serialize(to_json(*cur, true)));
    tx->commit();
  };
  if (action == "submit" || action == "draft") {
    if (!can_edit(u, *a)) return forbidden("desk_not_yours", "You may not change this story.");
    if (a->status == Status::Published)
      return say(content::Outcome::Conflict, "published", "desk_unpublish_first", "The story is published: unpublish it first.");
    auto r = tx->desk().set_status(id, action == "submit" ? Status::Review : Status::Draft, 0, u.id);
    if (!r.ok()) return refused(r);
    note(action == "submit" ? "ready for review" : "back to draft");
  } else if (action == "publish") {
    if (!can_publish(u, *a)) return forbidden("desk_no_publish", "Your account may not publish this story.");
    if (a->embargo_until > now)
      return say(content::Outcome::Invalid, "embargoed", "desk_embargo_publish",
                 "The story is under embargo until " + i18n::iso8601(a->embargo_until) +
                     ": schedule it for then, or lift the embargo.",
                 {{"until", i18n::iso8601(a->embargo_until)}});
    auto r = tx->news().publish(id, a->status == Status::Published ? a->published_at : now);
    if (!r.ok()) return refused(r);
    note("published");
  } else if (action == "unpublish") {
    if (!can_publish(u, *a)) return forbidden("desk_no_unpublish", "Your account may not unpublish this story.");
    if (a->status != Status::Published)
      return say(content::Outcome::Conflict, "not_published", "desk_not_published", "The story is not published.");
    auto r = tx->news().unpublish(id);
    if (!r.ok()) return refused(r);
    note("unpublished");
  } else if (action == "schedule") {
    if (!can_publish(u, *a)) return forbidden("desk_no_publish", "Your account may not publish this story.");
    if (a->status == Status::Published)
      return say(content::Outcome::Conflict, "published", "desk_published_already", "The story is published already.");
    if (at <= now) return say(content::Outcome::Invalid, "invalid", "desk_future", "Choose a time in the future.");
    if (at < a->embargo_until)
      return say(content::Outcome::Invalid, "embargoed", "desk_embargo_schedule",
                 "The story is under embargo until " + i18n::iso8601(a->embargo_until) +
                     ": schedule it for then or later.",
                 {{"until", i18n::iso8601(a->embargo_until)}});
    auto r = tx->desk().set_status(id, Status::Scheduled, at, u.id);
    if (!r.ok()) return refused(r);
    note("scheduled for " + i18n::iso8601(at));
  } else {
    return say(content::Outcome::NotFound, "not_found", "desk_unknown_step",
               "Unknown workflow step '" + action + "'.", {{"step", action}});
  }
  tx.reset();
  return get(u, id);
}

bool Desk::can_see_history(const content::User& u, const Article& a) const {
  // Revisions hold what was never published (drafts before publication, embargoed text):
  // only those who may change the story, or who see drafts anyway.
  return can_see(u, a) && (can_edit(u, a) || can(u.role, Action::SeeDrafts));
}

DeskResult Desk::revisions(const content::User& u, content::Id id) {
  auto a = load(id);
  if (!a || !can_see_history(u, *a)) return story_not_found();
  json::array items;
  for (auto& r : desk_.revisions(id)) {
    json::object o;
    o["id"] = r.id;
    o["version"] = r.version;
    o["saved_at"] = r.saved_at;
    o["saved_by"] = r.saved_by;
    o["saved_by_name"] = user_name(r.saved_by);
    o["note"] = r.note;
    items.emplace_back(std::move(o));
  }
  json::object o;
  o["revisions"] = std::move(items);
  DeskResult d;
  d.body = std::move(o);
  return d;
}

DeskResult Desk::revision(const content::User& u, content::Id id, content::Id rid) {
  auto a = load(id);
  if (!a || !can_see_history(u, *a)) return story_not_found();
  auto r = desk_.revision(id, rid);
  if (!r) return say(content::Outcome::NotFound, "not_found", "desk_no_revision", "There is no such revision of this story.");
  json::object o;
  o["id"] = r->id;
  o["version"] = r->version;
  o["saved_at"] = r->saved_at;
  o["saved_by"] = r->saved_by;
  o["saved_by_name"] = user_name(r->saved_by);
  o["note"] = r->note;
  boost::system::error_code ec;
  o["story"] = json::parse(r->data, ec);
  DeskResult d;
  d.body = std::move(o);
  return d;
}

DeskResult Desk::restore(const content::User& u, content::Id id, content::Id rid,
                         std::int64_t base) {
  auto a = load(id);
  if (!a || !can_see(u, *a)) return story_not_found();
  if (!can_edit(u, *a)) return forbidden("desk_not_yours", "You may not change this story.");
  auto r = desk_.revision(id, rid);
  if (!r) return say(content::Outcome::NotFound, "not_found", "desk_no_revision", "There is no such revision of this story.");
  boost::system::error_code ec;
  auto old = json::parse(r->data, ec);
  if (ec || !old.is_object()) return say(content::Outcome::Invalid, "invalid", "desk_revision_unreadable", "This revision cannot be read.");
  auto& o = old.get_object();
  json::object fields;
  for (auto k : {"headline", "summary", "dateline", "slug", "section_id", "tags", "authors",
                 "lead_media_id", "body", "breaking", "correction", "embargo_until"})
    if (auto* v = o.if_contains(k)) fields[k] = *v;
  auto res = apply(u, *a, fields, false);
  if (!res.ok()) return res;
  return store(u, *a, base, "restored revision " + std::to_string(rid), content::Outcome::Done);
}

void Desk::heartbeat(const content::User& u, content::Id id) {
  auto a = load(id);
  if (a && can_edit(u, *a)) desk_.set_editing(id, u.id, clock_.now());
}

std::optional<Article> Desk::for_preview(const content::User& u, content::Id id) {
  auto a = load(id);
  if (!a || !can_see(u, *a)) return std::nullopt;
  return a;
}

std::string photo_text_problem(const std::string& caption, const std::string& credit,
                               const std::string& alt) {
  if (alt.empty()) return "photo_alt_missing";
  if (caption.size() > 1000 || credit.size() > 300 || alt.size() > 500) return "photo_text_long";
  for (const auto* t : {&caption, &credit, &alt})
    for (unsigned char ch : *t)
      if (ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t') return "photo_text_control";
  return {};
}

bool Desk::can_edit_photo(const content::User& u, const content::Media& m) {
  if (!can(u.role, Action::WriteDraft)) return false;
  if (can(u.role, Action::EditAny)) return true;
  // Others change only their own uploads, and only while every story showing the photo is
  // one they may change: a caption is part of each story it appears in.
  if (m.created_by != u.id) return false;
  for (auto sid : desk_.stories_using_media(m.id)) {
    auto a = load(sid);
    if (a && !can_edit(u, *a)) return false;
  }
  return true;
}

DeskResult Desk::edit_photo(const content::User& u, content::Id media_id,
                            const std::optional<std::string>& caption,
                            const std::optional<std::string>& credit,
                            const std::optional<std::string>& alt) {
  auto m = news_.media(media_id);
  if (!m) return say(content::Outcome::NotFound, "not_found", "desk_no_photo", "There is no photo with this number.");
  if (!can_edit_photo(u, *m))
    return forbidden("desk_photo_not_yours",
                     "You may change only your own photos, and only while every story showing "
                     "them is yours to edit.");
  if (caption) m->caption = *caption;
  if (credit) m->credit = *credit;
  if (alt) m->alt = *alt;
  if (auto why = photo_text_problem(m->caption, m->credit, m->alt); !why.empty())
    return say(content::Outcome::Invalid, "invalid", why, why);
  auto res = desk_.update_media_text(media_id, m->caption, m->credit, m->alt);
  if (!res.ok()) return refused(res);
  // Stories show captions in their stored HTML: render them again.
  for (auto sid : desk_.stories_using_media(media_id)) {
    auto a = news_.article(sid);
    if (!a) continue;
    if (prepare_body_) prepare_body_(*a);
    news_.save_article(*a);
  }
  DeskResult d;
  d.id = media_id;
  return d;
}

int Desk::publish_due(content::UnixTime now) {
  int n = 0;
  for (auto id : desk_.due_scheduled(now)) {
    auto tx = stores_.transaction();  // the publication and its note, together
    auto a = load(id, tx->news());
    if (!a || a->embargo_until > now || a->status != Status::Scheduled) continue;
    auto r = tx->news().publish(id, now);
    if (!r.ok()) {
      spdlog::error("scheduled story {} could not be published: {}", id, r.detail);
      continue;
    }
    if (auto cur = load(id, tx->news()))
      tx->desk().add_revision_note(id, 0, "published on schedule",
                                   json::serialize(to_json(*cur, true)));
    tx->commit();
    spdlog::info("published scheduled story {} ({})", id, a->headline);
    ++n;
  }
  return n;
}

namespace {
std::optional<std::string> section_problem(const content::Section& s) {
  if (s.name.size() > 100 || s.description.size() > 300)
    return "desk_section_long";
  return std::nullopt;
}

boost::json::object section_json(const content::Section& s) {
  return boost::json::object{{"id", s.id},
                             {"slug", s.slug},
                             {"name", s.name},
                             {"description", s.description}};
}

void apply_change(content::Section& s, const Desk::SectionChange& c) {
  if (c.name) s.name = *c.name;
  if (c.slug) s.slug = *c.slug;
  if (c.description) s.description = *c.description;
  if (c.position) s.position = *c.position;
}
}  // namespace

DeskResult Desk::add_section(const content::User& u, content::Id edition_id,
                             const SectionChange& c) {
  if (!can(u.role, Action::ManageSite)) return forbidden("desk_admin_sections", "Only administrators change sections.");
  bool edition = false;
  for (auto& e : news_.editions()) edition = edition || e.id == edition_id;
  if (!edition) return say(content::Outcome::Invalid, "invalid", "desk_section_edition", "Send the edition_id of the section.");
  content::Section s;
  s.edition_id = edition_id;
  apply_change(s, c);
  if (auto why = section_problem(s)) return say(content::Outcome::Invalid, "invalid", *why, *why);
  if (s.slug.empty()) s.slug = content::make_slug(s.name);
  auto w = news_.add_section(s);
  if (!w.ok()) return refused(w);
  s.id = w.id;
  DeskResult d;
  d.outcome = content::Outcome::Created;
  d.id = s.id;
  d.body = boost::json::object{{"id", s.id}, {"slug", s.slug}, {"name", s.name}};
  return d;
}

DeskResult Desk::update_section(const content::User& u, content::Id id, const SectionChange& c) {
  if (!can(u.role, Action::ManageSite)) return forbidden("desk_admin_sections", "Only administrators change sections.");
  std::optional<content::Section> cur;
  for (auto& s : news_.sections())
    if (s.id == id) cur = s;
  if (!cur) return say(content::Outcome::NotFound, "not_found", "desk_no_section", "There is no section with this number.");
  apply_change(*cur, c);
  if (auto why = section_problem(*cur)) return say(content::Outcome::Invalid, "invalid", *why, *why);
  auto w = desk_.update_section(*cur);
  if (!w.ok()) return refused(w);
  DeskResult d;
  d.id = id;
  d.body = section_json(*cur);
  return d;
}

DeskResult Desk::update_edition(const content::User& u, content::Id id, const EditionChange& c) {
  if (!can(u.role, Action::ManageSite)) return forbidden("desk_admin_editions", "Only administrators change editions.");
  std::optional<content::Edition> cur;
  for (auto& e : news_.editions())
    if (e.id == id) cur = e;
  if (!cur) return say(content::Outcome::NotFound, "not_found", "desk_no_edition", "There is no edition with this number.");
  for (auto [value, dst] : {std::pair{&c.site_name, &cur->site_name}, std::pair{&c.tagline, &cur->tagline},
                            std::pair{&c.time_zone, &cur->time_zone},
                            std::pair{&c.date_format, &cur->date_format}}) {
    if (!*value) continue;
    if ((*value)->size() > 200)
      return say(content::Outcome::Invalid, "invalid", "desk_setting_long", "Keep each setting under 200 characters.");
    *dst = **value;
  }
  // A zone or pattern ICU does not know would break every page's dates: check first.
  if (i18n::format_time_icu(0, cur->date_format, cur->locale, cur->time_zone).empty())
    return say(content::Outcome::Invalid, "invalid", "desk_zone_format", "The time zone or date format is not valid.");
  auto w = desk_.update_edition(*cur);
  if (!w.ok()) return refused(w);
  DeskResult d;
  d.id = id;
  d.body = boost::json::object{{"id", cur->id},
                               {"site_name", cur->site_name},
                               {"tagline", cur->tagline},
                               {"time_zone", cur->time_zone},
                               {"date_format", cur->date_format}};
  return d;
}

}  // namespace herald::newsroom
