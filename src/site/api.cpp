// The read API under /api/v1: editions, sections, articles (filtered, cursor-paginated),
// one article, the newsfeed, and its OpenAPI description. Errors are
// {"error": {"code": ..., "message": ...}} with the matching status.
#include <boost/json.hpp>

#include "content/body.hpp"
#include "site/internal.hpp"
#include "util/assets.hpp"

namespace herald::site {

namespace json = boost::json;

namespace {

Reply json_reply(const json::value& v, std::vector<std::string> keys,
                 std::int64_t last_modified = 0) {
  Reply r;
  r.content_type = "application/json; charset=utf-8";
  r.body = json::serialize(v);
  r.cache_keys = std::move(keys);
  r.last_modified = last_modified;
  r.cache_control = "public, max-age=30";
  r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return r;
}

}  // namespace

namespace {
// The parameters every list endpoint shares: ?edition= (default edition when absent) and
// ?cursor= (the next_cursor of the previous page). Returns the error reply when one is bad.
std::optional<Reply> list_params(const net::Request& req, const Directory& d,
                                 storage::ArticleQuery& q, const content::Edition*& e) {
  std::string code = query_param(req.query, "edition");
  e = code.empty() ? d.default_edition() : d.edition(code);
  if (!e)
    return api_error(404, "not_found", "There is no edition '" + code + "'; see /api/v1/editions.");
  q.edition_id = e->id;
  if (auto c = query_param(req.query, "cursor"); !c.empty()) {
    auto cur = parse_cursor(c);
    if (!cur)
      return api_error(400, "bad_request",
                       "cursor is malformed; pass the next_cursor of a previous page.");
    q.before = *cur;
  }
  return std::nullopt;
}
}  // namespace

Reply Site::Impl::api_editions(const net::Request&, const http::Params&, storage::NewsReader&) {
  auto d = dir();
  json::array arr;
  for (auto& e : d->editions)
    arr.emplace_back(json::object{{"code", e.code},
                                  {"language", e.language},
                                  {"locale", e.locale},
                                  {"site_name", e.site_name},
                                  {"tagline", e.tagline},
                                  {"time_zone", e.time_zone},
                                  {"default", e.is_default},
                                  {"url", abs("/" + e.code + "/")}});
  return json_reply(json::object{{"editions", arr}}, {"catalog"});
}

Reply Site::Impl::api_sections(const net::Request&, const http::Params& p, storage::NewsReader&) {
  auto d = dir();
  const auto* e = d->edition(std::string(p.get("edition")));
  if (!e)
    return api_error(404, "not_found", "There is no edition with this code; see /api/v1/editions.");
  json::array arr;
  for (auto* s : d->sections_of(e->id))
    arr.emplace_back(json::object{{"slug", s->slug},
                                  {"name", s->name},
                                  {"description", s->description},
                                  {"url", abs("/" + e->code + "/" + s->slug + "/")}});
  return json_reply(json::object{{"edition", e->code}, {"sections", arr}}, {"catalog"});
}

namespace {
json::object article_summary(const Directory& d, const content::Edition& e,
                             const content::Section& s, const content::Article& a,
                             const std::string& base) {
  json::array tags, authors;
  for (auto t : a.tag_ids)
    if (auto* tg = d.tag(t))
      tags.emplace_back(json::object{{"slug", tg->slug}, {"name", tg->name}});
  for (auto au : a.author_ids)
    if (auto* x = d.author(au))
      authors.emplace_back(json::object{{"slug", x->slug}, {"name", x->name}});
  return json::object{{"id", a.id},
                      {"edition", e.code},
                      {"section", s.slug},
                      {"slug", a.slug},
                      {"headline", a.headline},
                      {"summary", a.summary},
                      {"breaking", a.breaking},
                      {"published_at", i18n::iso8601(a.published_at)},
                      {"updated_at", i18n::iso8601(std::max(a.updated_at, a.published_at))},
                      {"url", base + content::article_path(e, s, a)},
                      {"tags", tags},
                      {"authors", authors}};
}
}  // namespace

Reply Site::Impl::api_articles(const net::Request& req, const http::Params&, storage::NewsReader& news) {
  auto d = dir();
  storage::ArticleQuery q;
  const content::Edition* e = nullptr;
  if (auto err = list_params(req, *d, q, e)) return std::move(*err);
  q.with_links = true;  // tags and authors
  std::vector<std::string> keys;
  if (auto s = query_param(req.query, "section"); !s.empty()) {
    const auto* sec = d->section(e->id, s);
    if (!sec)
      return api_error(404, "not_found",
                       "There is no section '" + s + "' in edition '" + e->code + "'.");
    q.section_id = sec->id;
    keys.push_back("section:" + std::to_string(sec->id));
  }
  if (auto t = query_param(req.query, "tag"); !t.empty()) {
    const auto* tag = d->tag(e->id, t);
    if (!tag)
      return api_error(404, "not_found",
                       "There is no tag '" + t + "' in edition '" + e->code + "'.");
    if (q.section_id)
      return api_error(400, "bad_request", "Filter by section or by tag, not both.");
    q.tag_id = tag->id;
    keys.push_back("tag:" + std::to_string(tag->id));
  }
  if (keys.empty()) keys.push_back("newsfeed:" + std::to_string(e->id));
  if (auto l = query_param(req.query, "limit"); !l.empty()) {
    int n = 0;
    for (char c : l) {
      if (c < '0' || c > '9' || n > 1000)
        return api_error(400, "bad_request", "limit must be a number from 1 to 100.");
      n = n * 10 + (c - '0');
    }
    if (n < 1 || n > 100)
      return api_error(400, "bad_request", "limit must be a number from 1 to 100.");
    q.limit = n;
  }
  auto items = news.articles(q);
  json::array arr;
  std::int64_t newest = 0;
  std::unordered_map<content::Id, int> comments;
  if (kit.comment_counts) {
    std::vector<content::Id> ids;
    for (auto& a : items) ids.push_back(a.id);
    comments = kit.comment_counts(ids);
  }
  for (auto& a : items) {
    const auto* s = d->section(a.section_id);
    if (!s) continue;
    auto o = article_summary(*d, *e, *s, a, options.base_url);
    if (kit.comment_counts) o["comments"] = comments.count(a.id) ? comments[a.id] : 0;
    arr.emplace_back(std::move(o));
    newest = std::max(newest, a.updated_at);
  }
  json::value next = nullptr;
  if (static_cast<int>(items.size()) == q.limit) next = cursor_string(items.back());
  Reply r = json_reply(json::object{{"articles", arr}, {"next_cursor", next}}, keys, newest);
  if (q.before.valid() && !issued_cursor(news, q.before)) r.cacheable = false;  // see listing()
  return r;
}

Reply Site::Impl::api_article(const net::Request&, const http::Params& p, storage::NewsReader& news) {
  auto d = dir();
  auto ids = p.get("id");
  content::Id id = 0;
  for (char c : ids) {
    if (c < '0' || c > '9' || id > 100000000000LL)
      return api_error(400, "bad_request", "The article id must be a number.");
    id = id * 10 + (c - '0');
  }
  auto a = news.article(id);
  if (!a || a->status != content::Status::Published)
    return api_error(404, "not_found", "There is no published article with this id.");
  const auto* e = d->edition(a->edition_id);
  const auto* s = d->section(a->section_id);
  if (!e || !s) return api_error(404, "not_found", "There is no published article with this id.");
  auto media_json = [&](const content::Media& m) {
    json::array rs;
    for (auto& r : m.renditions)
      rs.emplace_back(json::object{{"width", r.width},
                                   {"height", r.height},
                                   {"format", r.format},
                                   {"url", abs(media_url(r.file))}});
    return json::object{{"id", m.id},           {"url", abs(media_url(m.file))},
                        {"width", m.width},     {"height", m.height},
                        {"caption", m.caption}, {"credit", m.credit},
                        {"alt", m.alt},         {"renditions", rs}};
  };
  json::object o = article_summary(*d, *e, *s, *a, options.base_url);
  o["dateline"] = a->dateline;
  if (kit.comment_counts) {
    auto n = kit.comment_counts({a->id});
    o["comments"] = n.count(a->id) ? n[a->id] : 0;
  }
  std::string body_error;
  if (!content::ensure_body(*a, body_error))
    return api_error(500, "internal",
                     "The story's stored body is damaged; an editor needs to re-save it.");
  json::value body = json::parse(content::body_to_json(a->body));
  for (auto& b : body.as_array()) {
    auto& bo = b.as_object();
    if (bo["type"] == "image")
      if (auto m = media(bo["media_id"].as_int64())) bo["media"] = media_json(*m);
  }
  o["body"] = body;
  if (a->lead_media_id)
    if (auto m = media(a->lead_media_id)) o["lead_image"] = media_json(*m);
  json::array tr;
  for (auto& t : a->translations) {
    auto* te = d->edition(t.edition_id);
    auto* ts = d->section(t.section_id);
    if (te && ts)
      tr.emplace_back(json::object{
          {"id", t.id}, {"edition", te->code}, {"url", abs(content::article_path(*te, *ts, t))}});
  }
  o["translations"] = tr;
  return json_reply(o, {"article:" + std::to_string(a->id)}, a->updated_at);
}

Reply Site::Impl::api_newsfeed(const net::Request& req, const http::Params&, storage::NewsReader& news) {
  auto d = dir();
  storage::ArticleQuery q;
  const content::Edition* e = nullptr;
  if (auto err = list_params(req, *d, q, e)) return std::move(*err);
  q.limit = 30;
  auto items = news.articles(q);
  json::array arr;
  for (auto& a : items) {
    const auto* s = d->section(a.section_id);
    if (!s) continue;
    arr.emplace_back(json::object{{"id", a.id},
                                  {"headline", a.headline},
                                  {"section", json::object{{"slug", s->slug}, {"name", s->name}}},
                                  {"breaking", a.breaking},
                                  {"published_at", i18n::iso8601(a.published_at)},
                                  {"url", abs(content::article_path(*e, *s, a))}});
  }
  json::value next = nullptr;
  if (static_cast<int>(items.size()) == q.limit) next = cursor_string(items.back());
  Reply r = json_reply(json::object{{"edition", e->code}, {"items", arr}, {"next_cursor", next}},
                       {"newsfeed:" + std::to_string(e->id)});
  if (q.before.valid() && !issued_cursor(news, q.before)) r.cacheable = false;  // see listing()
  return r;
}

Reply Site::Impl::api_openapi(const net::Request&, const http::Params&, storage::NewsReader&) {
  Reply r;
  r.content_type = "application/json; charset=utf-8";
  r.body = std::string(assets::get("docs/openapi.json"));
  r.cache_keys = {"openapi"};
  r.cache_control = "public, max-age=3600";
  return r;
}

}  // namespace herald::site
