// The live side of the site: the /live WebSocket handshake (Origin, who is asking), chat pages
// (/<edition>/chats/...), the chat and moderation API, and the newsfeed counter's endpoints.
#include <boost/json.hpp>
#include <ctemplate/template.h>

#include <charconv>

#include "chat/pages.hpp"
#include "content/body.hpp"
#include "content/comment.hpp"
#include "i18n/i18n.hpp"
#include "util/text.hpp"

namespace herald::chat {

using ctemplate::TemplateDictionary;
namespace json = boost::json;

// Chat text as HTML: escaped, with http(s) links made clickable (rel="nofollow ugc noopener").
std::string chat_text_html(std::string_view text) {
  std::string out;
  content::linkify_into(out, text);
  return out;
}

std::unique_ptr<web::Module> pages(web::App& app, ChatService& chat) {
  return std::make_unique<Pages>(app, chat);
}

Pages::Pages(web::App& app, ChatService& c) : web::Handlers(app.kit()), chat(&c) {
  kit.chats = true;
  using A = Pages;
  web::Rows<A> private_route(app, this);
  app.owns("/api/v1/chat/");
  app.owns("/api/v1/me");
  // Chat pages show the composer or the log-in prompt: /<edition>/chats/...
  app.owns_if([](std::string_view path) {
    auto second = path.find('/', 1);
    return second != std::string_view::npos && path.substr(second, 7) == "/chats/";
  });
  private_route("GET", "/:edition/chats/", Need::Anyone, {}, &A::chat_list_page);
  private_route("GET", "/:edition/chats/:room", Need::Anyone, {}, &A::chat_room_page);
  private_route("GET", "/api/v1/chat/:room/messages", Need::Anyone, {}, &A::api_chat_messages);
  private_route("DELETE", "/api/v1/chat/messages/:id", Need::Login, {}, &A::api_chat_delete);
  private_route("POST", "/api/v1/chat/:room/sanctions", Need::Login, {}, &A::api_chat_sanction);
  private_route("PATCH", "/api/v1/chat/:room", Need::Login, {}, &A::api_chat_settings);
  private_route("POST", "/api/v1/me/newsfeed-seen", Need::Login, {}, &A::api_newsfeed_seen);
  // The newsfeed counter: the same for everyone, briefly cached.
  app.page("/api/v1/newsfeed/count",
           [this](const net::Request& r, const http::Params& p, storage::NewsReader&) {
             return api_newsfeed_count(r, p);
           });
}

live::Member Pages::member_of(const Ctx& c) const {
  if (!c.visitor) return {};
  return chat::member_for(c.visitor->user, c.visitor->token_digest, c.visitor->via_api_token);
}

Reply Pages::chat_list_page(const net::Request&, const http::Params& p, Ctx& c) {
  auto d = dir();
  const auto* e = d->edition(std::string(p.get("edition")));
  if (!e || !chat) return error_page(404, c.edition);
  c.edition = e;
  c.lang = e->language;
  TemplateDictionary dict("chats");
  auto* l = dict.AddSectionDictionary("LIST");
  auto add = [&](const std::string& room, const std::string& title) {
    auto* r = l->AddSectionDictionary("ROOM");
    r->SetValue("URL", "/" + e->code + "/chats/" + room);
    r->SetValue("TITLE", title);
  };
  add(e->code, e->site_name);
  for (auto& s : store.sections())
    if (s.edition_id == e->id) add(e->code + "." + s.slug, s.name);
  Chrome ch;
  ch.edition = e;
  ch.title = t(c, "chats");
  ch.canonical = "/" + e->code + "/chats/";
  Reply r;
  r.body = page(ch, render(e->language, "chats.tpl", dict));
  return r;
}

Reply Pages::chat_room_page(const net::Request& req, const http::Params& p, Ctx& c) {
  auto d = dir();
  const auto* e = d->edition(std::string(p.get("edition")));
  std::string room(p.get("room"));
  if (!e || !chat || !chat->room_exists(room)) return error_page(404, c.edition);
  c.edition = e;
  c.lang = e->language;
  auto member = member_of(c);
  auto why = chat->check_subscribe(member, "chat:" + room);
  if (!why.empty()) return error_page(member.user_id ? 403 : 404, e, why);
  auto settings = chat->store().room(room);
  TemplateDictionary dict("chats");
  auto* s = dict.AddSectionDictionary("ROOM_PAGE");
  s->SetValue("ROOM", room);
  s->SetValue("EDITION", e->code);
  s->SetValue("TITLE", chat->room_title(room));
  s->SetValue("LIST_URL", "/" + e->code + "/chats/");
  // The number the page's messages go up to: the live channel resumes from it.
  auto seq = chat->bus().last_seq("chat:" + room);
  s->SetIntValue("SEQ", static_cast<long>(seq));
  s->SetValue("CURSOR", live::cursor_text(chat->bus().epoch(), seq));
  auto msgs = chat->store().messages(room, 0, 100);
  if (msgs.size() < 100) s->ShowSection("NO_OLDER");
  if (msgs.empty()) s->ShowSection("EMPTY");
  for (auto it = msgs.rbegin(); it != msgs.rend(); ++it) {
    auto* m = s->AddSectionDictionary("MSG");
    m->SetIntValue("ID", static_cast<long>(it->id));
    m->SetIntValue("UID", static_cast<long>(it->user_id));
    m->SetValue("NAME", it->user_name);
    m->SetValue("ISO", i18n::iso8601(it->created_at));
    m->SetValue("TIME", fmt_date(*e, it->created_at, "time_only"));
    m->SetValue("HTML", chat_text_html(it->text));
  }
  if (settings.locked) s->ShowSection("LOCKED");
  if (settings.slow_mode_s > 0)
    s->AddSectionDictionary("SLOW")->SetIntValue("SECONDS", settings.slow_mode_s);
  if (chat->may_moderate(member, room)) s->ShowSection("MOD");
  if (member.user_id)
    s->AddSectionDictionary("ME")->SetIntValue("UID", static_cast<long>(member.user_id));
  else
    s->AddSectionDictionary("LOGIN")->SetValue("NEXT_Q", http::url_encode(req.path));
  Chrome ch;
  ch.edition = e;
  ch.title = chat->room_title(room) + " — " + t(c, "chats");
  ch.canonical = req.path;
  Reply r;
  r.body = page(ch, render(e->language, "chats.tpl", dict));
  return r;
}

Reply Pages::api_chat_messages(const net::Request&, const http::Params& p, Ctx& c) {
  std::string room(p.get("room"));
  if (!chat || !chat->room_exists(room)) return api_error(404, "not_found", "There is no such room.");
  auto why = chat->check_subscribe(member_of(c), "chat:" + room);
  if (!why.empty()) return api_error(403, "forbidden", why);
  auto seq = chat->bus().last_seq("chat:" + room);  // read first: the client dedupes by id
  json::array items;
  for (auto& m : chat->store().messages(room, parse_int(c.form.get("before")), 100))
    items.emplace_back(json::object{{"id", m.id},
                                    {"user", json::object{{"id", m.user_id}, {"name", m.user_name}}},
                                    {"text", m.text},
                                    {"at", m.created_at}});
  return api_json(200, json::object{{"room", room}, {"seq", seq}, {"messages", std::move(items)}});
}

namespace {
Reply mod_reply(const chat::ModResult& r) {
  if (!r.ok())
    return api_error(web::status_of(r.outcome),
                     r.outcome == content::Outcome::Forbidden  ? "forbidden"
                     : r.outcome == content::Outcome::NotFound ? "not_found"
                                                               : "invalid",
                     r.message);
  return api_json(200, json::object{{"ok", true}});
}
}  // namespace

Reply Pages::api_chat_delete(const net::Request&, const http::Params& p, Ctx& c) {
  return mod_reply(chat->delete_message(member_of(c), parse_int(p.get("id"))));
}

Reply Pages::api_chat_sanction(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object.");
  auto& o = v->get_object();
  auto user = o.contains("user_id") && o.at("user_id").is_int64() ? o.at("user_id").as_int64() : 0;
  std::string kind = o.contains("kind") && o.at("kind").is_string() ? std::string(o.at("kind").as_string()) : "";
  int minutes = o.contains("minutes") && o.at("minutes").is_int64() ? static_cast<int>(o.at("minutes").as_int64()) : 0;
  bool everywhere = o.contains("everywhere") && o.at("everywhere").is_bool() && o.at("everywhere").as_bool();
  if (kind == "lift") return mod_reply(chat->lift(member_of(c), std::string(p.get("room")), user));
  return mod_reply(chat->sanction(member_of(c), std::string(p.get("room")), user, kind, minutes,
                                         everywhere));
}

Reply Pages::api_chat_settings(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object.");
  std::string room(p.get("room"));
  if (!chat->room_exists(room)) return api_error(404, "not_found", "There is no such room.");
  auto s = chat->store().room(room);
  auto& o = v->get_object();
  if (auto* x = o.if_contains("locked"); x && x->is_bool()) s.locked = x->get_bool();
  if (auto* x = o.if_contains("public_read"); x && x->is_bool()) s.public_read = x->get_bool();
  if (auto* x = o.if_contains("slow_mode_s"); x && x->is_int64()) s.slow_mode_s = static_cast<int>(x->get_int64());
  return mod_reply(chat->settings(member_of(c), s));
}

Reply Pages::api_newsfeed_seen(const net::Request&, const http::Params&, Ctx& c) {
  auto now = now_unix();
  chat->store().set_newsfeed_seen(c.user()->id, now);
  return api_json(200, json::object{{"newsfeed_seen_at", now}});
}

Reply Pages::api_newsfeed_count(const net::Request& r, const http::Params&) {
  auto d = dir();
  const auto* e = d->edition(query_param(r.query, "edition"));
  if (!e) return api_error(404, "not_found", "There is no such edition.");
  std::int64_t since = util::to_int(query_param(r.query, "since")).value_or(0);
  storage::ArticleQuery q;
  q.edition_id = e->id;
  q.since = std::max<std::int64_t>(since + 1, 1);
  q.limit = 100;
  auto n = static_cast<std::int64_t>(store.articles(q).size());
  Reply rep;
  rep.content_type = "application/json";
  rep.cache_control = "public, max-age=5";
  rep.body = json::serialize(json::object{{"edition", e->code}, {"since", since}, {"count", n},
                                          {"more", n >= 100}});
  return rep;
}

}  // namespace herald::chat
