// The newsroom's pages (/newsroom, staff only): the story list, new story, the editor with its
// workflow buttons, preview, revisions and their comparison, the photo library, the site's
// administration and the development outbox. Forms post here (and work without JavaScript
// except for the body editor, which saves through the JSON API).
#include <boost/json.hpp>
#include <ctemplate/template.h>
#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <set>

#include "content/body.hpp"
#include "i18n/i18n.hpp"
#include "mail/mail.hpp"
#include "newsroom/pages.hpp"

namespace herald::newsroom {

using ctemplate::TemplateDictionary;
namespace json = boost::json;
using content::Action;

namespace {
// "2026-11-28T15:04" (datetime-local, UTC) <-> Unix time.
std::int64_t parse_local_utc(const std::string& s) {
  std::tm tm{};
  if (s.size() < 16 || !strptime(s.c_str(), "%Y-%m-%dT%H:%M", &tm)) return -1;
  return timegm(&tm);
}
std::string local_utc(std::int64_t t) {
  if (t <= 0) return {};
  return i18n::iso8601(t).substr(0, 16);
}

void nav(TemplateDictionary& dict, const Ctx& c) {
  if (content::can(c.user()->role, Action::WriteDraft)) dict.ShowSection("WRITER");
  if (content::can(c.user()->role, Action::ManageSite)) dict.ShowSection("ADMIN");
}

void option(TemplateDictionary* parent, const char* section, const std::string& value,
            const std::string& label, bool selected) {
  auto* o = parent->AddSectionDictionary(section);
  o->SetValue("VALUE", value);
  o->SetValue("LABEL", label);
  if (selected) o->ShowSection("SEL");
}

// The plain text of a story's blocks, one line each (for comparing versions).
std::vector<std::string> block_lines(const json::value& body) {
  std::vector<std::string> out;
  if (!body.is_array()) return out;
  for (auto& b : body.get_array()) {
    if (!b.is_object()) continue;
    auto& o = b.get_object();
    auto type = o.contains("type") && o.at("type").is_string() ? std::string(o.at("type").get_string()) : "";
    std::string text;
    if (auto* t = o.if_contains("text"); t && t->is_string()) text = std::string(t->get_string());
    if (auto* sp = o.if_contains("spans"); sp && sp->is_array())
      for (auto& x : sp->get_array())
        if (x.is_object() && x.get_object().contains("text") && x.get_object().at("text").is_string())
          text += std::string(x.get_object().at("text").get_string());
    if (auto* it = o.if_contains("items"); it && it->is_array())
      for (auto& x : it->get_array())
        if (x.is_string()) text += (text.empty() ? "• " : " • ") + std::string(x.get_string());
    if (type == "image") text = "[photo " + json::serialize(o.contains("media_id") ? o.at("media_id") : json::value()) + "]";
    if (type == "embed" && o.contains("url") && o.at("url").is_string()) text = "[" + std::string(o.at("url").get_string()) + "]";
    if (type == "subheading") text = "## " + text;
    if (type == "quote") text = "> " + text;
    out.push_back(text);
  }
  return out;
}
}  // namespace

std::unique_ptr<web::Module> pages(web::App& app, Desk& desk, Tools tools) {
  return std::make_unique<Pages>(app, desk, std::move(tools));
}

Pages::Pages(web::App& app, Desk& d, Tools t)
    : web::Handlers(app.kit()),
      desk(&d),
      desk_store(t.desk_store),
      accounts(t.accounts),
      tools(std::move(t)) {
  app.owns("/newsroom/");
  app.owns("/newsroom");
  app.owns("/api/v1/newsroom/");
  add_page_routes(app);
  add_api_routes(app);
}

void Pages::add_page_routes(web::App& app) {
  using A = Pages;
  web::Rows<A> private_route(app, this);

  auto staff = Need::Staff;
  auto write = Action::WriteDraft;
  auto admin = Action::ManageSite;
  private_route("GET", "/newsroom/", staff, {}, &A::newsroom_home);
  private_route("GET", "/newsroom/stories/new", staff, write, &A::nr_new_page);
  private_route("POST", "/newsroom/stories", staff, write, &A::nr_create_post);
  private_route("GET", "/newsroom/stories/:id", staff, write, &A::nr_editor_page);
  private_route("POST", "/newsroom/stories/:id", staff, write, &A::nr_save_post);
  private_route("GET", "/newsroom/stories/:id/preview", staff, write, &A::nr_preview);
  private_route("GET", "/newsroom/stories/:id/revisions", staff, write, &A::nr_revisions_page);
  private_route("POST", "/newsroom/stories/:id/revisions/:rev/restore", staff, write,
                &A::nr_restore_post);
  private_route("POST", "/newsroom/stories/:id/:action", staff, write, &A::nr_workflow_post);
  private_route("GET", "/newsroom/media", staff, write, &A::nr_media_page);
  private_route("POST", "/newsroom/media", staff, write, &A::nr_media_upload_post, kUploadBody);
  private_route("POST", "/newsroom/media/:id", staff, write, &A::nr_media_edit_post);
  private_route("GET", "/newsroom/admin/sections", staff, admin, &A::nr_sections_page);
  private_route("POST", "/newsroom/admin/sections", staff, admin, &A::nr_section_add_post);
  private_route("POST", "/newsroom/admin/sections/:id", staff, admin, &A::nr_section_edit_post);
  private_route("GET", "/newsroom/admin/editions", staff, admin, &A::nr_editions_page);
  private_route("POST", "/newsroom/admin/editions/:id", staff, admin, &A::nr_edition_edit_post);
  private_route("GET", "/newsroom/admin/users", staff, admin, &A::nr_users_page);
  private_route("POST", "/newsroom/admin/users/:id", staff, admin, &A::nr_user_edit_post);
  private_route("GET", "/newsroom/outbox", staff, admin, &A::newsroom_outbox);
}

Reply Pages::newsroom_page(const Ctx& c, const std::string& title,
                                ctemplate::TemplateDictionary& dict, int status,
                                std::vector<std::string> scripts) {
  nav(dict, c);
  std::string done = c.form.get("done");
  if (done.rfind("nr_", 0) == 0 || done.rfind("msg_", 0) == 0)
    if (catalog.text(c.lang, done) != done)
      dict.AddSectionDictionary("NOTICE")->SetValue("TEXT", t(c, done));
  return private_page(c, title, render(c.lang, "newsroom.tpl", dict), status, std::move(scripts));
}

Reply Pages::newsroom_error(const Ctx& c, const DeskResult& d) {
  const std::string text = desk_text(c, d);
  if (d.outcome == content::Outcome::NotFound) return error_page(404, c.edition, text);
  if (d.outcome == content::Outcome::Forbidden) return error_page(403, c.edition, text);
  TemplateDictionary dict("newsroom");
  dict.AddSectionDictionary("ERROR")->SetValue("TEXT", text);
  return newsroom_page(c, t(c, "newsroom"), dict, web::status_of(d.outcome));
}

Reply Pages::newsroom_home(const net::Request&, const http::Params&, Ctx& c) {
  TemplateDictionary dict("newsroom");
  auto* home = dict.AddSectionDictionary("HOME");
  home->SetValue("NAME", c.user()->display_name);
  if (!content::can(c.user()->role, Action::WriteDraft))
    return newsroom_page(c, t(c, "newsroom"), dict);
  storage::StoryListQuery q;
  q.status = c.form.get("status");
  if (!q.status.empty() && !content::status_from_string(q.status)) q.status.clear();
  q.section_id = parse_int(c.form.get("section"));
  q.created_by = parse_int(c.form.get("author"));
  q.headline = c.form.get("q").substr(0, 200);
  q.offset = static_cast<int>(std::clamp<std::int64_t>(parse_int(c.form.get("offset")), 0, 1000000));
  q.limit = 50;
  auto res = desk->list(*c.user(), q);
  auto* list = home->AddSectionDictionary("LIST");
  for (auto st : {"draft", "review", "scheduled", "published", "unpublished"})
    option(list, "STATUS_OPT", st, t(c, std::string("nr_status_") + st), q.status == st);
  auto d = dir();
  for (auto& e : store.editions())
    for (auto& s : store.sections())
      if (s.edition_id == e.id)
        option(list, "SECTION_OPT", std::to_string(s.id), e.code + " · " + s.name, q.section_id == s.id);
  for (auto& u : accounts->store().list_users("", 200, 0))
    if (content::can(u.role, Action::WriteDraft))
      option(list, "AUTHOR_OPT", std::to_string(u.id), u.display_name, q.created_by == u.id);
  list->SetValue("Q", q.headline);
  auto total = res.body.at("total").as_int64();
  list->SetValue("COUNT", catalog.plural(c.lang, "nr_count", total));
  std::map<content::Id, std::string> section_names;
  for (auto& s : store.sections()) section_names[s.id] = s.name;
  for (auto& s : res.body.at("stories").as_array()) {
    auto& o = s.as_object();
    auto* row = list->AddSectionDictionary("STORY");
    row->SetIntValue("ID", static_cast<long>(o.at("id").as_int64()));
    row->SetValue("HEADLINE", std::string(o.at("headline").as_string()));
    std::string st(o.at("status").as_string());
    row->SetValue("STATUS", st);
    row->SetValue("STATUS_LABEL", t(c, "nr_status_" + st));
    row->SetValue("SECTION", section_names[o.at("section_id").as_int64()]);
    auto when = o.at("updated_at").as_int64();
    row->SetValue("ISO", i18n::iso8601(when));
    row->SetValue("WHEN", c.edition ? fmt_date(*c.edition, when, "date_short") : i18n::iso8601(when));
    if (o.at("breaking").as_bool()) row->ShowSection("BREAKING");
    if (auto* e = o.if_contains("editing"))
      row->AddSectionDictionary("EDITING")->SetValue("NAME", std::string(e->at("name").as_string()));
  }
  if (q.offset + 50 < total) {
    std::string url = "/newsroom/?offset=" + std::to_string(q.offset + 50);
    for (auto k : {"status", "section", "author", "q"})
      if (!c.form.get(k).empty()) url += std::string("&") + k + "=" + http::url_encode(c.form.get(k));
    list->AddSectionDictionary("MORE")->SetValue("URL", url);
  }
  return newsroom_page(c, t(c, "newsroom"), dict);
}

Reply Pages::nr_new_page(const net::Request&, const http::Params&, Ctx& c) {
  TemplateDictionary dict("newsroom");
  auto* s = dict.AddSectionDictionary("NEW");
  s->SetValue("CSRF", c.csrf);
  for (auto& e : store.editions())
    for (auto& sec : store.sections())
      if (sec.edition_id == e.id)
        option(s, "SECTION_OPT", std::to_string(sec.id), e.code + " · " + sec.name, false);
  return newsroom_page(c, t(c, "nr_new_story"), dict);
}

Reply Pages::nr_create_post(const net::Request&, const http::Params&, Ctx& c) {
  json::object in;
  in["headline"] = c.form.get("headline");
  in["section_id"] = parse_int(c.form.get("section_id"));
  auto res = desk->create(*c.user(), in);
  if (!res.ok()) return newsroom_error(c, res);
  return redirect("/newsroom/stories/" + std::to_string(res.id));
}

Reply Pages::nr_editor_page(const net::Request&, const http::Params& p, Ctx& c) {
  auto art = desk->for_preview(*c.user(), parse_int(p.get("id")));
  if (!art) return newsroom_error(c, story_not_found());
  auto o = desk->to_json(*art, true);
  auto id = art->id;
  TemplateDictionary dict("newsroom");
  auto* s = dict.AddSectionDictionary("EDITOR");
  s->SetIntValue("ID", static_cast<long>(id));
  s->SetValue("CSRF", c.csrf);
  s->SetIntValue("VERSION", static_cast<long>(o.at("version").as_int64()));
  std::string st(o.at("status").as_string());
  s->SetValue("STATUS", st);
  s->SetValue("STATUS_LABEL", t(c, "nr_status_" + st));
  s->SetValue("HEADLINE", std::string(o.at("headline").as_string()));
  s->SetValue("SUMMARY", std::string(o.at("summary").as_string()));
  s->SetValue("DATELINE", std::string(o.at("dateline").as_string()));
  s->SetValue("CORRECTION", std::string(o.at("correction").as_string()));
  s->SetValue("EMBARGO", local_utc(o.at("embargo_until").as_int64()));
  if (o.at("breaking").as_bool()) s->ShowSection("IS_BREAKING");
  if (auto sched = o.at("scheduled_at").as_int64()) {
    auto* x = s->AddSectionDictionary("SCHEDULED");
    x->SetValue("ISO", i18n::iso8601(sched));
    x->SetValue("WHEN", local_utc(sched) + " UTC");
  }
  if (auto* u = o.if_contains("url")) s->AddSectionDictionary("URL")->SetValue("URL", std::string(u->as_string()));
  if (auto* e = o.if_contains("editing"); e && e->at("id").as_int64() != c.user()->id)
    s->AddSectionDictionary("EDITING_OTHER")->SetValue("NAME", std::string(e->at("name").as_string()));
  std::string tags;
  for (auto& tg : o.at("tags").as_array()) tags += (tags.empty() ? "" : ", ") + std::string(tg.as_string());
  s->SetValue("TAGS", tags);
  auto section_id = o.at("section_id").as_int64();
  for (auto& e : store.editions())
    for (auto& sec : store.sections())
      if (sec.edition_id == e.id)
        option(s, "SECTION_OPT", std::to_string(sec.id), e.code + " · " + sec.name, sec.id == section_id);
  // Photos for the lead and the body: the library's newest, and those the story uses.
  auto lead = o.at("lead_media_id").as_int64();
  auto library = desk_store->media_list("", 60, 0);
  std::set<content::Id> listed;
  for (auto& m : library) listed.insert(m.id);
  auto add_used = [&](content::Id mid) {
    if (mid && !listed.count(mid))
      if (auto m = store.media(mid)) {
        library.push_back(*m);
        listed.insert(mid);
      }
  };
  add_used(lead);
  if (art)
    for (auto& b : art->body)
      if (b.type == content::Block::Type::Image) add_used(b.media_id);
  json::array media;
  for (auto& m : library) {
    option(s, "MEDIA_OPT", std::to_string(m.id),
           fmt::format("#{} {}", m.id, m.caption.substr(0, 60)), m.id == lead);
    std::string thumb = m.file;
    for (auto& r : m.renditions)
      if (r.format == "jpeg" && r.width == 320) thumb = r.file;
    media.emplace_back(json::object{{"id", m.id}, {"url", "/media/" + thumb}, {"caption", m.caption},
                                    {"credit", m.credit}, {"alt", m.alt}});
  }
  s->SetValue("MEDIA_JSON", json_for_script(json::serialize(media)));
  s->SetValue("BODY_JSON", json::serialize(o.at("body")));
  bool editable = art && desk->can_edit(*c.user(), *art);
  bool publishable = art && desk->can_publish(*c.user(), *art);
  if (editable && (st == "draft" || st == "unpublished")) s->ShowSection("CAN_SUBMIT");
  if (editable && (st == "review" || st == "scheduled" || st == "unpublished")) s->ShowSection("CAN_DRAFT");
  if (publishable && st != "published") s->ShowSection("CAN_PUBLISH");
  if (publishable && st == "published") s->ShowSection("CAN_UNPUBLISH");
  if (tools.chats && editable) {  // (editable implies art)
    auto* ch = s->AddSectionDictionary(art->chat_enabled ? "CHAT_ON" : "CHAT_OFF");
    const auto* ed = dir()->edition(art->edition_id);
    ch->SetValue("ROOM_URL", "/" + (ed ? ed->code : std::string()) + "/chats/story." + std::to_string(id));
  }
  return newsroom_page(c, std::string(o.at("headline").as_string()), dict, 200, {"editor.js"});
}

Reply Pages::nr_save_post(const net::Request&, const http::Params& p, Ctx& c) {
  auto id = parse_int(p.get("id"));
  json::object in;
  in["version"] = parse_int(c.form.get("version"));
  for (auto k : {"headline", "summary", "dateline", "correction"}) in[k] = c.form.get(k);
  in["section_id"] = parse_int(c.form.get("section_id"));
  in["lead_media_id"] = parse_int(c.form.get("lead_media_id"));
  in["breaking"] = c.form.get("breaking") == "1";
  auto emb = c.form.get("embargo");
  in["embargo_until"] = emb.empty() ? 0 : std::max<std::int64_t>(0, parse_local_utc(emb));
  json::array tags;
  std::string tl = c.form.get("tags");
  std::size_t pos = 0;
  while (pos <= tl.size()) {
    auto comma = tl.find(',', pos);
    std::string tag = tl.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    while (!tag.empty() && tag.front() == ' ') tag.erase(tag.begin());
    while (!tag.empty() && tag.back() == ' ') tag.pop_back();
    if (!tag.empty()) tags.emplace_back(tag);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  in["tags"] = std::move(tags);
  if (c.form.has("body") && !c.form.get("body").empty()) {
    boost::system::error_code ec;
    auto body = json::parse(c.form.get("body"), ec);
    if (ec) return newsroom_error(c, error(content::Outcome::Invalid, "invalid_body", "The story text could not be read; reload the editor."));
    in["body"] = body;
  }
  auto res = desk->save(*c.user(), id, in);
  if (res.outcome == content::Outcome::Conflict) {
    // Both versions side by side; nothing is overwritten.
    TemplateDictionary dict("newsroom");
    auto* s = dict.AddSectionDictionary("CONFLICT");
    s->SetIntValue("ID", static_cast<long>(id));
    s->SetValue("MESSAGE", desk_text(c, res));
    s->SetValue("MINE_HEADLINE", c.form.get("headline"));
    std::string mine, theirs;
    if (in.contains("body"))
      for (auto& l : block_lines(in["body"])) mine += l + "\n";
    auto& cur = res.body.as_object();
    for (auto& l : block_lines(cur.at("body"))) theirs += l + "\n";
    s->SetValue("MINE_TEXT", mine);
    s->SetValue("THEIR_HEADLINE", std::string(cur.at("headline").as_string()));
    s->SetValue("THEIR_TEXT", theirs);
    s->SetIntValue("THEIR_VERSION", static_cast<long>(cur.at("version").as_int64()));
    return newsroom_page(c, t(c, "conflict_title"), dict, 409);
  }
  if (!res.ok()) return newsroom_error(c, res);
  return redirect("/newsroom/stories/" + std::to_string(id) + "?done=nr_saved");
}

Reply Pages::nr_workflow_post(const net::Request&, const http::Params& p, Ctx& c) {
  auto id = parse_int(p.get("id"));
  std::string action(p.get("action"));
  if (action == "chat-on" || action == "chat-off") {
    // The chat room under the story: the same rule as the API's.
    if (!tools.chats) return error_page(404, c.edition);
    auto res = story_chat(c, id, action == "chat-on");
    if (!res.ok()) return newsroom_error(c, res);
    return redirect("/newsroom/stories/" + std::to_string(id) + "?done=nr_saved");
  }
  std::int64_t at = 0;
  if (action == "schedule") {
    at = parse_local_utc(c.form.get("at"));
    if (at <= 0) return newsroom_error(c, error(content::Outcome::Invalid, "invalid", "Choose the date and time to publish."));
  }
  auto res = desk->workflow(*c.user(), id, action, at);
  if (!res.ok()) return newsroom_error(c, res);
  return redirect("/newsroom/stories/" + std::to_string(id) + "?done=nr_status_" +
                  std::string(res.body.at("status").as_string()));
}

Reply Pages::nr_preview(const net::Request&, const http::Params& p, Ctx& c) {
  auto a = desk->for_preview(*c.user(), parse_int(p.get("id")));
  if (!a) return error_page(404, c.edition);
  auto d = dir();
  const auto* e = d->edition(a->edition_id);
  const auto* s = d->section(a->section_id);
  if (!e || !s) return error_page(404, c.edition);
  if (!a->published_at) a->published_at = now_unix();
  a->body_html.clear();  // render the current blocks
  Reply r = tools.preview(*e, *s, *a, content::article_path(*e, *s, *a));
  r.headers.emplace_back("X-Robots-Tag", "noindex");
  return r;
}

Reply Pages::nr_revisions_page(const net::Request&, const http::Params& p, Ctx& c) {
  auto id = parse_int(p.get("id"));
  auto story = desk->get(*c.user(), id);
  if (!story.ok()) return newsroom_error(c, story);
  auto revs = desk->revisions(*c.user(), id);
  if (!revs.ok()) return newsroom_error(c, revs);
  TemplateDictionary dict("newsroom");
  auto* s = dict.AddSectionDictionary("REVISIONS");
  s->SetIntValue("ID", static_cast<long>(id));
  s->SetValue("CSRF", c.csrf);
  s->SetValue("HEADLINE", std::string(story.body.at("headline").as_string()));
  s->SetIntValue("CURRENT_VERSION", static_cast<long>(story.body.at("version").as_int64()));
  auto& list = revs.body.at("revisions").as_array();
  auto a = parse_int(c.form.get("a")), b = parse_int(c.form.get("b"));
  if (!a && list.size() >= 2) a = list[1].at("id").as_int64();
  if (!b && !list.empty()) b = list[0].at("id").as_int64();
  for (auto& r : list) {
    auto* row = s->AddSectionDictionary("REV");
    auto rid = r.at("id").as_int64();
    row->SetIntValue("RID", static_cast<long>(rid));
    row->SetIntValue("VERSION", static_cast<long>(r.at("version").as_int64()));
    row->SetValue("ISO", i18n::iso8601(r.at("saved_at").as_int64()));
    row->SetValue("WHEN", local_utc(r.at("saved_at").as_int64()));
    row->SetValue("NOTE", std::string(r.at("note").as_string()));
    row->SetValue("WHO", std::string(r.at("saved_by_name").as_string()));
    if (rid == a) row->ShowSection("A");
    if (rid == b) row->ShowSection("B");
  }
  if (a && b) {
    auto ra = desk->revision(*c.user(), id, a), rb = desk->revision(*c.user(), id, b);
    if (ra.ok() && rb.ok()) {
      auto* cmp = s->AddSectionDictionary("COMPARE");
      auto la = block_lines(ra.body.at("story").as_object().at("body"));
      auto lb = block_lines(rb.body.at("story").as_object().at("body"));
      for (auto* side : {&ra, &rb}) {
        auto* sd = cmp->AddSectionDictionary("SIDE");
        auto& st = side->body.at("story").as_object();
        sd->SetIntValue("VERSION", static_cast<long>(side->body.at("version").as_int64()));
        sd->SetValue("WHEN", local_utc(side->body.at("saved_at").as_int64()));
        sd->SetValue("HEADLINE", std::string(st.at("headline").as_string()));
        sd->SetValue("SUMMARY", std::string(st.at("summary").as_string()));
        auto& mine = side == &ra ? la : lb;
        auto& other = side == &ra ? lb : la;
        for (std::size_t i = 0; i < mine.size(); ++i) {
          auto* line = sd->AddSectionDictionary("LINE");
          line->SetValue("TEXT", mine[i]);
          if (i >= other.size() || other[i] != mine[i]) line->ShowSection("CHANGED");
        }
      }
    }
  }
  return newsroom_page(c, t(c, "nr_revisions"), dict);
}

Reply Pages::nr_restore_post(const net::Request&, const http::Params& p, Ctx& c) {
  auto id = parse_int(p.get("id"));
  auto res = desk->restore(*c.user(), id, parse_int(p.get("rev")), parse_int(c.form.get("version")));
  if (!res.ok()) return newsroom_error(c, res);
  return redirect("/newsroom/stories/" + std::to_string(id) + "?done=nr_saved");
}

Reply Pages::nr_media_page(const net::Request&, const http::Params&, Ctx& c) {
  TemplateDictionary dict("newsroom");
  auto* s = dict.AddSectionDictionary("MEDIA");
  s->SetValue("CSRF", c.csrf);
  std::string q = c.form.get("q").substr(0, 200);
  s->SetValue("Q", q);
  for (auto& m : desk_store->media_list(q, 60, static_cast<int>(std::max<std::int64_t>(0, parse_int(c.form.get("offset")))))) {
    auto* it = s->AddSectionDictionary("ITEM");
    it->SetIntValue("MID", static_cast<long>(m.id));
    std::string thumb = m.file;
    int h = m.width ? m.height * 320 / m.width : 180;
    for (auto& r : m.renditions)
      if (r.format == "jpeg" && r.width == 320) thumb = r.file;
    it->SetValue("THUMB", "/media/" + thumb);
    it->SetIntValue("H", h);
    it->SetIntValue("W", m.width);
    it->SetIntValue("FULL_H", m.height);
    it->SetValue("CAPTION", m.caption);
    it->SetValue("CREDIT", m.credit);
    it->SetValue("ALT", m.alt);
  }
  return newsroom_page(c, t(c, "nr_media"), dict);
}

Reply Pages::nr_media_upload_post(const net::Request& r, const http::Params&, Ctx& c) {
  auto up = store_upload(r, c);
  if (!up.media) return newsroom_error(c, error(web::outcome_of(up.status), "invalid_upload", up.error));
  return redirect("/newsroom/media?done=nr_saved");
}

Reply Pages::nr_media_edit_post(const net::Request&, const http::Params& p, Ctx& c) {
  auto id = parse_id(p.get("id"));
  auto d = desk->edit_photo(*c.user(), id, c.form.get("caption"), c.form.get("credit"),
                            c.form.get("alt"));
  if (d.ok()) kit.forget_media(id);
  return after_form(c, d, "/newsroom/media");
}

Reply Pages::nr_sections_page(const net::Request&, const http::Params&, Ctx& c) {
  TemplateDictionary dict("newsroom");
  auto* s = dict.AddSectionDictionary("SECTIONS_ADMIN");
  s->SetValue("CSRF", c.csrf);
  for (auto& e : store.editions()) {
    auto* ed = s->AddSectionDictionary("EDITION");
    ed->SetValue("NAME", e.site_name + " (" + e.code + ")");
    ed->SetIntValue("EID", static_cast<long>(e.id));
    for (auto& sec : store.sections())
      if (sec.edition_id == e.id) {
        auto* row = ed->AddSectionDictionary("SEC");
        row->SetIntValue("SID", static_cast<long>(sec.id));
        row->SetValue("SNAME", sec.name);
        row->SetValue("SLUG", sec.slug);
        row->SetValue("SDESC", sec.description);
        row->SetIntValue("POS", sec.position);
      }
  }
  return newsroom_page(c, t(c, "nr_sections"), dict);
}

Reply Pages::after_form(const Ctx& c, const DeskResult& d, const std::string& back) {
  if (!d.ok()) return newsroom_error(c, d);
  return redirect(back + "?done=nr_saved");
}

Reply Pages::nr_section_add_post(const net::Request&, const http::Params&, Ctx& c) {
  Desk::SectionChange change{c.form.get("name"), std::nullopt, c.form.get("description"),
                             std::nullopt};
  return after_form(c, desk->add_section(*c.user(), parse_int(c.form.get("edition_id")), change),
                    "/newsroom/admin/sections");
}

Reply Pages::nr_section_edit_post(const net::Request&, const http::Params& p, Ctx& c) {
  Desk::SectionChange change{c.form.get("name"), c.form.get("slug"), c.form.get("description"),
                             static_cast<int>(parse_int(c.form.get("position")))};
  return after_form(c, desk->update_section(*c.user(), parse_id(p.get("id")), change),
                    "/newsroom/admin/sections");
}

Reply Pages::nr_editions_page(const net::Request&, const http::Params&, Ctx& c) {
  TemplateDictionary dict("newsroom");
  auto* s = dict.AddSectionDictionary("EDITIONS_ADMIN");
  s->SetValue("CSRF", c.csrf);
  for (auto& e : store.editions()) {
    auto* ed = s->AddSectionDictionary("EDITION");
    ed->SetIntValue("EID", static_cast<long>(e.id));
    ed->SetValue("CODE", e.code);
    ed->SetValue("SITE_NAME", e.site_name);
    ed->SetValue("TAGLINE", e.tagline);
    ed->SetValue("TIME_ZONE", e.time_zone);
    ed->SetValue("DATE_FORMAT", e.date_format);
  }
  return newsroom_page(c, t(c, "nr_editions"), dict);
}

Reply Pages::nr_edition_edit_post(const net::Request&, const http::Params& p, Ctx& c) {
  Desk::EditionChange change{c.form.get("site_name"), c.form.get("tagline"),
                             c.form.get("time_zone"), c.form.get("date_format")};
  return after_form(c, desk->update_edition(*c.user(), parse_id(p.get("id")), change),
                    "/newsroom/admin/editions");
}

Reply Pages::nr_users_page(const net::Request&, const http::Params&, Ctx& c) {
  TemplateDictionary dict("newsroom");
  auto* s = dict.AddSectionDictionary("USERS_ADMIN");
  s->SetValue("CSRF", c.csrf);
  std::string q = c.form.get("q").substr(0, 200);
  s->SetValue("Q", q);
  for (auto& u : accounts->store().list_users(q, 200, 0)) {
    auto* row = s->AddSectionDictionary("USER");
    row->SetIntValue("UID", static_cast<long>(u.id));
    row->SetValue("NAME", u.display_name);
    row->SetValue("EMAIL", u.email);
    if (u.disabled) row->ShowSection("DISABLED");
    for (auto role : {"reader", "contributor", "author", "editor", "moderator", "admin"})
      option(row, "ROLE_OPT", role, role, content::to_string(u.role) == std::string(role));
  }
  return newsroom_page(c, t(c, "nr_users"), dict);
}

Reply Pages::nr_user_edit_post(const net::Request&, const http::Params& p, Ctx& c) {
  auto id = parse_int(p.get("id"));
  auto role = content::role_from_string(c.form.get("role"));
  std::optional<bool> disabled;
  if (id != c.user()->id) disabled = c.form.get("disabled") == "1";
  if (!role) return newsroom_error(c, error(content::Outcome::Invalid, "invalid", t(c, "err_bad_role")));
  auto out = accounts->manage(*c.user(), id, role, disabled);
  if (!out.ok) {
    auto d = error(out.message == "err_no_user" ? content::Outcome::NotFound : content::Outcome::Invalid,
                   "invalid", "");
    d.key = out.message;
    return newsroom_error(c, d);
  }
  return redirect("/newsroom/admin/users?done=nr_saved");
}

Reply Pages::newsroom_outbox(const net::Request&, const http::Params&, Ctx& c) {
  TemplateDictionary dict("newsroom");
  auto* s = dict.AddSectionDictionary("OUTBOX");
  auto mails = options.outbox_dir.empty() ? std::vector<mail::OutboxEntry>{}
                                          : mail::read_outbox(options.outbox_dir, 100);
  if (mails.empty()) s->ShowSection("EMPTY");
  for (auto& m : mails) {
    auto* d = s->AddSectionDictionary("MAIL");
    d->SetValue("SUBJECT", m.subject);
    d->SetValue("TO", m.to);
    d->SetValue("WHEN", i18n::iso8601(m.time));
    d->SetValue("TEXT", m.text);
  }
  return newsroom_page(c, t(c, "outbox"), dict);
}

}  // namespace herald::newsroom
