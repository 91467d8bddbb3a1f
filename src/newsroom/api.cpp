// The newsroom's JSON API (/api/v1/newsroom/...). Every route declares who may call it; the
// rules about stories live in Desk. Browser clients send the session cookie and
// X-CSRF-Token; scripts send "Authorization: Bearer <token>".
#include "util/durable.hpp"
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <charconv>

#include "accounts/password.hpp"
#include "content/body.hpp"
#include "content/slug.hpp"
#include "media/images.hpp"
#include "newsroom/pages.hpp"

namespace herald::newsroom {

namespace json = boost::json;
using content::Action;

namespace {
json::object media_json(const content::Media& m, const std::string& base) {
  json::object o;
  o["id"] = m.id;
  o["url"] = base + "/media/" + m.file;
  o["width"] = m.width;
  o["height"] = m.height;
  o["caption"] = m.caption;
  o["credit"] = m.credit;
  o["alt"] = m.alt;
  json::array r;
  for (auto& x : m.renditions) {
    json::object ro;
    ro["width"] = x.width;
    ro["height"] = x.height;
    ro["format"] = x.format;
    ro["url"] = base + "/media/" + x.file;
    r.emplace_back(std::move(ro));
  }
  o["renditions"] = std::move(r);
  return o;
}
}  // namespace

void Pages::add_api_routes(web::App& app) {
  using A = Pages;
  web::Rows<A> private_route(app, this);

  auto staff = Need::Staff;
  auto write = Action::WriteDraft;
  auto admin = Action::ManageSite;
  private_route("GET", "/api/v1/newsroom/stories", staff, write, &A::api_stories);
  private_route("POST", "/api/v1/newsroom/stories", staff, write, &A::api_story_create);
  private_route("GET", "/api/v1/newsroom/stories/:id", staff, write, &A::api_story);
  private_route("PUT", "/api/v1/newsroom/stories/:id", staff, write, &A::api_story_save);
  private_route("POST", "/api/v1/newsroom/stories/:id/:action", staff, write,
                &A::api_story_action);
  private_route("GET", "/api/v1/newsroom/stories/:id/revisions", staff, write, &A::api_revisions);
  private_route("GET", "/api/v1/newsroom/stories/:id/revisions/:rev", staff, write,
                &A::api_revision);
  private_route("POST", "/api/v1/newsroom/stories/:id/revisions/:rev/restore", staff, write,
                &A::api_revision_restore);
  private_route("GET", "/api/v1/newsroom/media", staff, write, &A::api_media_list);
  private_route("POST", "/api/v1/newsroom/media", staff, write, &A::api_media_upload, kUploadBody);
  private_route("PATCH", "/api/v1/newsroom/media/:id", staff, write, &A::api_media_update);
  private_route("GET", "/api/v1/newsroom/catalog", staff, write, &A::api_catalog);
  private_route("POST", "/api/v1/newsroom/sections", staff, admin, &A::api_section_create);
  private_route("PATCH", "/api/v1/newsroom/sections/:id", staff, admin, &A::api_section_update);
  private_route("PATCH", "/api/v1/newsroom/editions/:id", staff, admin, &A::api_edition_update);
  private_route("GET", "/api/v1/newsroom/users", staff, admin, &A::api_users);
  private_route("PATCH", "/api/v1/newsroom/users/:id", staff, admin, &A::api_user_update);
  if (tools.chats)
    private_route("POST", "/api/v1/newsroom/stories/:id/chat", staff, write, &A::api_story_chat);
}

std::string Pages::desk_text(const Ctx& c, const DeskResult& d) const {
  if (d.key.empty()) return d.message;
  return kit.t(c.lang, d.key, d.args);
}

Reply Pages::desk_reply(const Ctx& c, const DeskResult& d) const {
  int status = web::status_of(d.outcome);
  if (d.ok()) return api_json(status, d.body);
  json::object err;
  err["code"] = d.code;
  err["message"] = desk_text(c, d);
  json::object o;
  o["error"] = std::move(err);
  if (d.outcome == content::Outcome::Conflict && !d.body.is_null()) o["current"] = d.body;
  return api_json(status, o);
}

Reply Pages::api_stories(const net::Request&, const http::Params&, Ctx& c) {
  storage::StoryListQuery q;
  q.status = c.form.get("status");
  if (!q.status.empty() && !content::status_from_string(q.status))
    return api_error(400, "bad_request", "Unknown status '" + q.status + "'.");
  q.section_id = parse_id(c.form.get("section"));
  q.created_by = parse_id(c.form.get("author"));
  q.edition_id = parse_id(c.form.get("edition"));
  q.headline = c.form.get("q").substr(0, 200);
  if (auto l = parse_id(c.form.get("limit"))) q.limit = static_cast<int>(std::min<std::int64_t>(l, 200));
  q.offset = static_cast<int>(std::min<std::int64_t>(parse_id(c.form.get("offset")), 1000000));
  return desk_reply(c, desk->list(*c.user(), q));
}

Reply Pages::api_story_create(const net::Request& r, const http::Params&, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  return desk_reply(c, desk->create(*c.user(), *v));
}

Reply Pages::api_story(const net::Request&, const http::Params& p, Ctx& c) {
  return desk_reply(c, desk->get(*c.user(), parse_id(p.get("id"))));
}

Reply Pages::api_story_save(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  return desk_reply(c, desk->save(*c.user(), parse_id(p.get("id")), *v));
}

Reply Pages::api_story_action(const net::Request& r, const http::Params& p, Ctx& c) {
  std::string action(p.get("action"));
  auto id = parse_id(p.get("id"));
  if (action == "heartbeat") {
    desk->heartbeat(*c.user(), id);
    return api_json(200, json::object{{"ok", true}});
  }
  content::UnixTime at = 0;
  if (action == "schedule") {
    Reply err;
    auto v = json_body(r, err);
    if (!v) return err;
    auto* a = v->is_object() ? v->get_object().if_contains("at") : nullptr;
    if (!a || !a->is_int64())
      return api_error(422, "invalid", "Send the time to publish as {\"at\": <Unix time>}.");
    at = a->get_int64();
  }
  return desk_reply(c, desk->workflow(*c.user(), id, action, at));
}

Reply Pages::api_revisions(const net::Request&, const http::Params& p, Ctx& c) {
  return desk_reply(c, desk->revisions(*c.user(), parse_id(p.get("id"))));
}

Reply Pages::api_revision(const net::Request&, const http::Params& p, Ctx& c) {
  return desk_reply(c, desk->revision(*c.user(), parse_id(p.get("id")), parse_id(p.get("rev"))));
}

Reply Pages::api_revision_restore(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  auto* ver = v->is_object() ? v->get_object().if_contains("version") : nullptr;
  if (!ver || !ver->is_int64())
    return api_error(422, "invalid", "Send the version the restore is based on ('version').");
  return desk_reply(c, 
      desk->restore(*c.user(), parse_id(p.get("id")), parse_id(p.get("rev")), ver->get_int64()));
}

Reply Pages::api_media_list(const net::Request&, const http::Params&, Ctx& c) {
  json::array items;
  for (auto& m : desk_store->media_list(c.form.get("q").substr(0, 200), 60,
                                        static_cast<int>(parse_id(c.form.get("offset")))))
    items.emplace_back(media_json(m, ""));
  return api_json(200, json::object{{"media", std::move(items)}});
}

Pages::Upload Pages::store_upload(const net::Request& r, const Ctx& c) {
  Upload up;
  auto parts = http::parse_multipart(r.header("Content-Type"), r.body);
  if (!parts) {
    up.status = 400;
    up.error = "Send the photo as multipart/form-data with a 'file' field.";
    return up;
  }
  const http::Part* file = nullptr;
  std::string caption, credit, alt;
  for (auto& part : *parts) {
    if (part.name == "file") file = &part;
    if (part.name == "caption") caption = std::string(part.data);
    if (part.name == "credit") credit = std::string(part.data);
    if (part.name == "alt") alt = std::string(part.data);
  }
  if (!file || file->data.empty()) {
    up.status = 422;
    up.error = "Choose a photo to upload.";
    return up;
  }
  // The name is never used, but one that tries to climb folders is a sign of a broken or
  // hostile client: refuse it plainly.
  if (file->filename.find('/') != std::string::npos ||
      file->filename.find('\\') != std::string::npos ||
      file->filename.find("..") != std::string::npos) {
    up.status = 422;
    up.error = "The file name must not contain a folder path ('/', '\\' or '..'); rename the file.";
    return up;
  }
  if (auto why = photo_text_problem(caption, credit, alt); !why.empty()) {
    up.status = 422;
    up.error = t(c, why);
    return up;
  }
  if (file->data.size() > media::kMaxUploadBytes) {
    up.status = 413;
    up.error = "The file is larger than 20 MB. Export it smaller and upload it again.";
    return up;
  }
  // Stored under a random name: nothing of the uploaded file name reaches the disk.
  std::string name = "u" + accounts::random_token().substr(0, 22);
  for (auto& ch : name)
    if (ch == '-' || ch == '_') ch = 'x';
  for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::string dir = options.media();
  auto files = media::import_upload(dir, name, file->data);
  if (!files.error.empty()) {
    up.status = 422;
    up.error = files.error;
    for (auto& ch : up.error)
      if (ch == '\n') ch = ' ';
    return up;
  }
  // The row that names the files is committed only once they are on disk.
  try {
    util::sync_file(dir + "/" + files.file);
    for (auto& r : files.renditions) util::sync_file(dir + "/" + r.file);
  } catch (const std::exception& e) {
    up.status = 503;
    up.error = "The photo could not be stored safely; try again in a moment.";
    spdlog::error("media upload: {}", e.what());
    return up;
  }
  content::Media m;
  m.file = files.file;
  m.mime = "image/jpeg";
  m.width = files.width;
  m.height = files.height;
  m.caption = caption;
  m.credit = credit;
  m.alt = alt;
  m.renditions = files.renditions;
  m.created_by = c.user()->id;
  auto res = store.add_media(m);
  if (!res.ok()) {
    up.status = 422;
    up.error = t(c, res.reason);
    return up;
  }
  m.id = res.id;
  spdlog::info("media {} uploaded by account {} ({}x{})", m.id, c.user()->id, m.width, m.height);
  up.media = m;
  return up;
}

Reply Pages::api_media_upload(const net::Request& r, const http::Params&, Ctx& c) {
  auto up = store_upload(r, c);
  if (!up.media) return api_error(up.status, up.status == 413 ? "too_large" : "invalid_upload", up.error);
  return api_json(201, media_json(*up.media, ""));
}

Reply Pages::api_media_update(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object.");
  auto& o = v->get_object();
  auto field = [&](const char* k) -> std::optional<std::string> {
    if (auto* x = o.if_contains(k); x && x->is_string()) return std::string(x->get_string());
    return std::nullopt;
  };
  auto id = parse_id(p.get("id"));
  auto d = desk->edit_photo(*c.user(), id, field("caption"), field("credit"), field("alt"));
  if (!d.ok()) return desk_reply(c, d);
  kit.forget_media(id);
  return api_json(200, media_json(*store.media(id), ""));
}

Reply Pages::api_catalog(const net::Request&, const http::Params&, Ctx&) {
  json::array eds, secs, auths;
  for (auto& e : store.editions())
    eds.emplace_back(json::object{{"id", e.id}, {"code", e.code}, {"site_name", e.site_name},
                                  {"tagline", e.tagline}, {"time_zone", e.time_zone},
                                  {"date_format", e.date_format}, {"language", e.language}});
  for (auto& s : store.sections())
    secs.emplace_back(json::object{{"id", s.id}, {"edition_id", s.edition_id}, {"slug", s.slug},
                                   {"name", s.name}, {"description", s.description},
                                   {"position", s.position}});
  for (auto& a : store.authors())
    auths.emplace_back(json::object{{"id", a.id}, {"slug", a.slug}, {"name", a.name}});
  return api_json(200, json::object{{"editions", std::move(eds)}, {"sections", std::move(secs)},
                                      {"authors", std::move(auths)}});
}

namespace {
// The fields of a section in a JSON object; false with `err` when one has the wrong type.
bool read_section(const json::object& o, Desk::SectionChange& c, std::string& err) {
  for (auto [k, dst] : {std::pair<const char*, std::optional<std::string>*>{"name", &c.name},
                        {"slug", &c.slug}, {"description", &c.description}}) {
    if (auto* x = o.if_contains(k)) {
      if (!x->is_string()) {
        err = std::string("'") + k + "' must be text.";
        return false;
      }
      *dst = std::string(x->get_string());
    }
  }
  if (auto* x = o.if_contains("position")) {
    if (!x->is_int64()) {
      err = "'position' must be a number.";
      return false;
    }
    c.position = static_cast<int>(x->get_int64());
  }
  return true;
}
}  // namespace

Reply Pages::api_section_create(const net::Request& r, const http::Params&, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object.");
  auto* ed = v->get_object().if_contains("edition_id");
  if (!ed || !ed->is_int64()) return api_error(422, "invalid", "Send the edition_id of the section.");
  Desk::SectionChange change;
  std::string e;
  if (!read_section(v->get_object(), change, e)) return api_error(422, "invalid", e);
  return desk_reply(c, desk->add_section(*c.user(), ed->get_int64(), change));
}

Reply Pages::api_section_update(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object.");
  Desk::SectionChange change;
  std::string e;
  if (!read_section(v->get_object(), change, e)) return api_error(422, "invalid", e);
  return desk_reply(c, desk->update_section(*c.user(), parse_id(p.get("id")), change));
}

Reply Pages::api_edition_update(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object.");
  auto& o = v->get_object();
  Desk::EditionChange change;
  for (auto [k, dst] : {std::pair<const char*, std::optional<std::string>*>{"site_name", &change.site_name},
                        {"tagline", &change.tagline}, {"time_zone", &change.time_zone},
                        {"date_format", &change.date_format}}) {
    if (auto* x = o.if_contains(k)) {
      if (!x->is_string() || x->get_string().size() > 200)
        return api_error(422, "invalid", std::string("'") + k + "' must be text of at most 200 characters.");
      *dst = std::string(x->get_string());
    }
  }
  return desk_reply(c, desk->update_edition(*c.user(), parse_id(p.get("id")), change));
}

Reply Pages::api_users(const net::Request&, const http::Params&, Ctx& c) {
  json::array items;
  for (auto& u : accounts->store().list_users(c.form.get("q").substr(0, 200), 100,
                                              static_cast<int>(parse_id(c.form.get("offset")))))
    items.emplace_back(json::object{{"id", u.id}, {"email", u.email}, {"name", u.display_name},
                                    {"role", content::to_string(u.role)}, {"disabled", u.disabled},
                                    {"verified", u.email_verified_at != 0}});
  return api_json(200, json::object{{"users", std::move(items)}});
}

Reply Pages::api_user_update(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object.");
  auto id = parse_id(p.get("id"));
  auto& o = v->get_object();
  std::optional<content::Role> role;
  std::optional<bool> disabled;
  if (auto* x = o.if_contains("role")) {
    role = x->is_string() ? content::role_from_string(x->get_string()) : std::nullopt;
    if (!role)
      return api_error(422, "invalid", "The role must be reader, contributor, author, editor, moderator or admin.");
  }
  if (auto* x = o.if_contains("disabled")) {
    if (!x->is_bool()) return api_error(422, "invalid", "'disabled' must be true or false.");
    disabled = x->get_bool();
  }
  auto out = accounts->manage(*c.user(), id, role, disabled);
  if (!out.ok)
    return api_error(out.message == "err_no_user" ? 404 : 422, out.message == "err_no_user" ? "not_found" : "invalid",
                     t(c, out.message));
  auto u = accounts->store().user_by_id(id);
  return api_json(200, json::object{{"id", u->id}, {"email", u->email}, {"name", u->display_name},
                                      {"role", content::to_string(u->role)}, {"disabled", u->disabled}});
}

DeskResult Pages::story_chat(const Ctx& c, content::Id id, bool on) {
  auto a = desk->for_preview(*c.user(), id);
  if (!a) return story_not_found();
  if (!desk->can_edit(*c.user(), *a))
    return error(content::Outcome::Forbidden, "forbidden", "You may not change this story.");
  tools.chats->set_chat_enabled(id, on, now_unix());
  if (on) {
    // The editor who opened the room looks after it.
    auto s = tools.chats->room("story." + std::to_string(id));
    if (!s.owner_id) {
      s.owner_id = c.user()->id;
      tools.chats->set_room(s);
    }
  }
  DeskResult d;
  d.id = id;
  d.body = json::object{{"id", id}, {"chat_enabled", on}};
  return d;
}

Reply Pages::api_story_chat(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  bool on = v->is_object() && v->get_object().contains("enabled") && v->get_object().at("enabled").is_bool() &&
            v->get_object().at("enabled").as_bool();
  return desk_reply(c, story_chat(c, parse_int(p.get("id")), on));
}

}  // namespace herald::newsroom
