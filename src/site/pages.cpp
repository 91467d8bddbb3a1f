// The reader's HTML pages: home, section, tag, author, newsfeed and article.
#include <ctemplate/template.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "content/body.hpp"
#include "site/internal.hpp"
#include "web/filling.hpp"
#include "web/template_names.hpp"

namespace herald::site {

using ctemplate::TemplateDictionary;
namespace json = boost::json;

namespace {

std::string host_of(const std::string& url) {
  auto p = url.find("://");
  if (p == std::string::npos) return {};
  auto rest = url.substr(p + 3);
  return rest.substr(0, rest.find('/'));
}

}  // namespace

Reply Site::Impl::home(const net::Request&, const http::Params& p, storage::NewsReader& news) {
  auto d = dir();
  const auto* e = d->edition(std::string(p.get("edition")));
  if (!e) return error_page(404, nullptr);
  TemplateDictionary dict("home");
  dict.SetValue(tn::kNEWSFEED_URL, "/" + e->code + "/newsfeed/");
  std::vector<std::string> keys = {"home:" + std::to_string(e->id)};
  std::int64_t newest = 0;

  storage::ArticleQuery q;
  q.edition_id = e->id;
  q.limit = 12;
  auto latest = news.articles(q);
  // The top story: the newest breaking story of the last day, else the newest with a photo.
  const content::Article* top = nullptr;
  for (auto& a : latest)
    if (a.breaking && latest.front().published_at - a.published_at < 86400) {
      top = &a;
      break;
    }
  if (!top)
    for (auto& a : latest)
      if (a.lead_media_id) {
        top = &a;
        break;
      }
  if (!top && !latest.empty()) top = &latest.front();
  if (top) {
    auto* t = dict.AddSectionDictionary(tn::kTOP);
    fill_story_item(t, *d, *e, *top);
    if (top->lead_media_id)
      if (auto m = media(top->lead_media_id))
        fill_image(t->AddSectionDictionary(tn::kPHOTO), *m, "(min-width: 1000px) 960px, 100vw");
    newest = std::max(newest, top->updated_at);
  }
  for (auto* s : d->sections_of(e->id)) {
    storage::ArticleQuery sq;
    sq.edition_id = e->id;
    sq.section_id = s->id;
    sq.limit = 5;
    auto items = news.articles(sq);
    if (items.empty()) continue;
    auto* b = dict.AddSectionDictionary(tn::kSECTION_BLOCK);
    b->SetValue(tn::kNAME, s->name);
    b->SetValue(tn::kDESCRIPTION, s->description);
    b->SetValue(tn::kURL, "/" + e->code + "/" + s->slug + "/");
    TemplateDictionary items_dict("items");
    for (auto& a : items) {
      if (top && a.id == top->id) continue;
      fill_story_item(items_dict.AddSectionDictionary(tn::kSTORY), *d, *e, a);
      newest = std::max(newest, a.updated_at);
    }
    b->SetValue(tn::kITEMS, render(e->language, "items.tpl", items_dict));
  }
  for (auto& a : latest) {
    auto* f = dict.AddSectionDictionary(tn::kFEED);
    fill_story_item(f, *d, *e, a);
    newest = std::max(newest, a.updated_at);
  }
  if (latest.empty()) dict.ShowSection(tn::kEMPTY);

  Chrome c;
  c.edition = e;
  c.canonical = "/" + e->code + "/";
  c.rss = "/" + e->code + "/rss.xml";
  c.description = e->tagline;
  for (auto& other : d->editions) c.alternates.emplace_back(other.language, "/" + other.code + "/");
  c.jsonld = ScriptJson()
                 .object()
                 .member("@context", "https://schema.org")
                 .member("@type", "WebSite")
                 .member("name", e->site_name)
                 .member("url", abs(c.canonical))
                 .member("inLanguage", e->language)
                 .end()
                 .take();
  Reply r;
  r.body = page(c, render(e->language, "home.tpl", dict));
  r.cache_keys = std::move(keys);
  r.last_modified = newest;
  r.cache_control = "public, max-age=30, stale-while-revalidate=30";
  return r;
}

Reply Site::Impl::listing(storage::NewsReader& news, const net::Request& req,
                          const content::Edition& e, storage::ArticleQuery q, Chrome chrome,
                          const std::string& heading, const std::string& description,
                          std::vector<std::string> keys, const std::string& list_class,
                          const std::string& count) {
  auto d = dir();
  std::string before = query_param(req.query, "before");
  if (!before.empty()) {
    auto cur = parse_cursor(before);
    if (!cur) return error_page(400, &e, catalog.text(e.language, "bad_cursor"));
    q.before = *cur;
  }
  bool fragment = query_param(req.query, "fragment") == "1";
  q.limit = 20;
  auto items = news.articles(q);
  TemplateDictionary items_dict("items");
  std::int64_t newest = 0;
  bool feed_style = list_class == "newsfeed";
  // Comment counts as the list is made (a new comment does not purge every list it is in).
  std::unordered_map<content::Id, int> comments;
  if (kit.comment_counts) {
    std::vector<content::Id> ids;
    for (auto& a : items) ids.push_back(a.id);
    comments = kit.comment_counts(ids);
  }
  for (auto& a : items) {
    auto* item = items_dict.AddSectionDictionary(feed_style ? "FEED_ITEM" : "STORY");
    fill_story_item(item, *d, e, a);
    const auto* sec = d->section(a.section_id);
    if (auto it = comments.find(a.id); sec && it != comments.end() && it->second > 0) {
      auto* c = item->AddSectionDictionary("COMMENTS");
      c->SetValue("URL", content::article_path(e, *sec, a) + "#comments");
      c->SetValue("LABEL", catalog.plural(e.language, "comments_count", it->second));
    }
    newest = std::max(newest, a.updated_at);
  }
  std::string more_url;
  if (items.size() == 20) more_url = req.path + "?before=" + cursor_string(items.back());
  std::string items_html = render(e.language, "items.tpl", items_dict);
  Reply r;
  r.cache_keys = std::move(keys);
  r.last_modified = newest;
  // Any cursor is served, but only those of real stories (the ones "Show more" links carry)
  // are cached: made-up ones would each take a copy of the page.
  if (q.before.valid() && !issued_cursor(news, q.before)) r.cacheable = false;
  TemplateDictionary dict(fragment ? "fragment" : "listing");
  dict.SetValueWithoutCopy(tn::kITEMS, items_html);
  if (!more_url.empty()) dict.AddSectionDictionary(tn::kMORE)->SetValue(tn::kURL, more_url);
  if (fragment) {
    r.body = render(e.language, "fragment.tpl", dict);
    r.headers.emplace_back("X-Robots-Tag", "noindex");
    return r;
  }
  dict.SetValue(tn::kHEADING, heading);
  if (!description.empty())
    dict.AddSectionDictionary(tn::kDESCRIPTION)->SetValue(tn::kTEXT, description);
  dict.SetValue(tn::kLIST_CLASS, list_class);
  if (!count.empty()) dict.AddSectionDictionary(tn::kCOUNT)->SetValue(tn::kTEXT, count);
  if (items.empty()) dict.ShowSection(tn::kEMPTY);
  if (!chrome.rss.empty())
    dict.AddSectionDictionary(tn::kFEED_LINK)->SetValue(tn::kURL, chrome.rss);
  if (!before.empty()) chrome.noindex = true;
  r.body = page(chrome, render(e.language, "listing.tpl", dict));
  return r;
}

Reply Site::Impl::section_page(const net::Request& req, const http::Params& p,
                               storage::NewsReader& news) {
  auto d = dir();
  const auto* e = d->edition(std::string(p.get("edition")));
  if (!e) return error_page(404, nullptr);
  if (p.get("section") == "feeds") {
    TemplateDictionary dict("feeds");
    auto add = [&](const std::string& name, const std::string& prefix) {
      auto* f = dict.AddSectionDictionary(tn::kFEED);
      f->SetValue(tn::kNAME, name);
      f->SetValue(tn::kRSS, prefix + "rss.xml");
      f->SetValue(tn::kATOM, prefix + "atom.xml");
    };
    add(e->site_name, "/" + e->code + "/");
    for (auto* s : d->sections_of(e->id)) add(s->name, "/" + e->code + "/" + s->slug + "/");
    Chrome c;
    c.edition = e;
    c.title = catalog.text(e->language, "feeds_title");
    c.canonical = "/" + e->code + "/feeds/";
    c.rss = "/" + e->code + "/rss.xml";
    Reply r;
    r.body = page(c, render(e->language, "feeds.tpl", dict));
    r.cache_keys = {"catalog"};
    return r;
  }
  const auto* s = d->section(e->id, p.get("section"));
  if (!s) return error_page(404, e);
  storage::ArticleQuery q;
  q.edition_id = e->id;
  q.section_id = s->id;
  Chrome c;
  c.edition = e;
  c.title = s->name;
  c.description = s->description;
  c.canonical = "/" + e->code + "/" + s->slug + "/";
  c.rss = c.canonical + "rss.xml";
  c.active_section = s->id;
  c.jsonld = ScriptJson()
                 .object()
                 .member("@context", "https://schema.org")
                 .member("@type", "CollectionPage")
                 .member("name", s->name)
                 .member("description", s->description)
                 .member("url", abs(c.canonical))
                 .end()
                 .take();
  std::string count =
      catalog.plural(e->language, "stories_count", news.count_published_in_section(s->id));
  return listing(news, req, *e, q, c, s->name, s->description, {"section:" + std::to_string(s->id)},
                 "section", count);
}

Reply Site::Impl::tag_page(const net::Request& req, const http::Params& p,
                           storage::NewsReader& news) {
  auto d = dir();
  const auto* e = d->edition(std::string(p.get("edition")));
  if (!e) return error_page(404, nullptr);
  const auto* t = d->tag(e->id, p.get("tag"));
  if (!t) return error_page(404, e);
  storage::ArticleQuery q;
  q.edition_id = e->id;
  q.tag_id = t->id;
  Chrome c;
  c.edition = e;
  c.title = t->name;
  c.canonical = "/" + e->code + "/tag/" + t->slug + "/";
  c.rss = c.canonical + "rss.xml";
  return listing(news, req, *e, q, c, t->name, catalog.text(e->language, "tag_description"),
                 {"tag:" + std::to_string(t->id)}, "tag");
}

Reply Site::Impl::author_page(const net::Request& req, const http::Params& p,
                              storage::NewsReader& news) {
  auto d = dir();
  const auto* e = d->edition(std::string(p.get("edition")));
  if (!e) return error_page(404, nullptr);
  const auto* a = d->author(p.get("author"));
  if (!a) return error_page(404, e);
  storage::ArticleQuery q;
  q.edition_id = e->id;
  q.author_id = a->id;
  Chrome c;
  c.edition = e;
  c.title = a->name;
  c.description = a->bio;
  c.canonical = "/" + e->code + "/author/" + a->slug + "/";
  c.jsonld = ScriptJson()
                 .object()
                 .member("@context", "https://schema.org")
                 .member("@type", "ProfilePage")
                 .object("mainEntity")
                 .member("@type", "Person")
                 .member("name", a->name)
                 .end()
                 .end()
                 .take();
  return listing(news, req, *e, q, c, a->name, a->bio, {"author:" + std::to_string(a->id)},
                 "author");
}

Reply Site::Impl::newsfeed(const net::Request& req, const http::Params& p,
                           storage::NewsReader& news) {
  auto d = dir();
  const auto* e = d->edition(std::string(p.get("edition")));
  if (!e) return error_page(404, nullptr);
  storage::ArticleQuery q;
  q.edition_id = e->id;
  Chrome c;
  c.edition = e;
  c.title = catalog.text(e->language, "newsfeed");
  c.canonical = "/" + e->code + "/newsfeed/";
  c.rss = "/" + e->code + "/rss.xml";
  for (auto& other : d->editions)
    c.alternates.emplace_back(other.language, "/" + other.code + "/newsfeed/");
  Reply r = listing(news, req, *e, q, c, catalog.text(e->language, "newsfeed"),
                    catalog.text(e->language, "newsfeed_description"),
                    {"newsfeed:" + std::to_string(e->id)}, "newsfeed");
  r.cache_control = "public, max-age=15, stale-while-revalidate=15";
  return r;
}

std::string Site::Impl::render_body(content::Article& story) const {
  std::string error;
  if (!content::ensure_body(story, error)) spdlog::error("story {}: {}", story.id, error);
  const content::Article& a = story;
  TemplateDictionary dict("b");
  bool first_paragraph = true;
  for (const auto& b : a.body) {
    auto* bd = dict.AddSectionDictionary(tn::kBLOCK);
    using T = content::Block::Type;
    switch (b.type) {
      case T::Paragraph: {
        auto* x = bd->AddSectionDictionary(tn::kP);
        if (b.spans.empty())
          x->SetValue(tn::kTEXT, b.text);
        else
          x->SetValue("RICH", content::spans_to_html(b.spans));
        if (first_paragraph && !a.dateline.empty())
          x->AddSectionDictionary(tn::kDATELINE)->SetValue(tn::kTEXT, a.dateline);
        first_paragraph = false;
        break;
      }
      case T::Subheading:
        bd->AddSectionDictionary(tn::kH2)->SetValue(tn::kTEXT, b.text);
        break;
      case T::Quote: {
        auto* x = bd->AddSectionDictionary(tn::kQUOTE);
        if (b.spans.empty())
          x->SetValue(tn::kTEXT, b.text);
        else
          x->SetValue("RICH", content::spans_to_html(b.spans));
        if (!b.cite.empty()) x->AddSectionDictionary(tn::kCITE)->SetValue(tn::kNAME, b.cite);
        break;
      }
      case T::List: {
        auto* x = bd->AddSectionDictionary(b.ordered ? "OL" : "UL");
        for (auto& item : b.items) x->AddSectionDictionary(tn::kITEM)->SetValue(tn::kTEXT, item);
        break;
      }
      case T::Image: {
        auto m = media(b.media_id);
        if (!m) break;
        auto* x = bd->AddSectionDictionary(tn::kIMAGE);
        fill_image(x, *m, "(min-width: 800px) 760px, 100vw");
        x->SetValue(tn::kCAPTION, b.caption.empty() ? m->caption : b.caption);
        x->SetValue(tn::kCREDIT, b.credit.empty() ? m->credit : b.credit);
        x->SetValue(tn::kLOADING, "lazy");
        break;
      }
      case T::Embed: {
        auto* x = bd->AddSectionDictionary(tn::kEMBED);
        x->SetValue(tn::kURL, b.url);
        x->SetValue(tn::kTITLE, b.text.empty() ? b.url : b.text);
        x->SetValue(tn::kHOST, host_of(b.url));
        break;
      }
    }
  }
  return render("body.tpl", dict);
}

std::shared_ptr<const std::vector<Site::Impl::LatestItem>> Site::Impl::latest_in(
    storage::NewsReader& news, const content::Edition& e, const content::Section& s) const {
  {
    std::shared_lock lock(latest_mu);
    if (auto it = latest_cache.find(s.id); it != latest_cache.end()) return it->second;
  }
  storage::ArticleQuery q;
  q.edition_id = e.id;
  q.section_id = s.id;
  q.limit = 6;
  auto items = std::make_shared<std::vector<LatestItem>>();
  for (auto& x : news.articles(q)) {
    TemplateDictionary d("i");
    d.SetValue(tn::kURL, content::article_path(e, s, x));
    d.SetValue(tn::kHEADLINE, x.headline);
    d.SetValue(tn::kISO, i18n::iso8601(x.published_at));
    d.SetValue(tn::kTIME, fmt_date(e, x.published_at, "date_short"));
    items->push_back({x.id, render(e.language, "latest_item.tpl", d)});
  }
  std::unique_lock lock(latest_mu);
  latest_cache[s.id] = items;
  return items;
}

Reply Site::Impl::article_page(const net::Request& req, const http::Params& p,
                               storage::NewsReader& news) {
  auto d = dir();
  const auto* e = d->edition(std::string(p.get("edition")));
  if (!e) return error_page(404, nullptr);
  auto ref = p.get("article");
  content::Id id = 0;
  std::size_t i = 0;
  for (; i < ref.size() && ref[i] >= '0' && ref[i] <= '9' && i < 18; ++i)
    id = id * 10 + (ref[i] - '0');
  if (id == 0 || (i < ref.size() && ref[i] != '-')) return error_page(404, e);
  auto a = news.article(id, body_version);
  if (!a || a->status != content::Status::Published || a->edition_id != e->id)
    return error_page(404, e);
  const auto* s = d->section(a->section_id);
  if (!s) return error_page(404, e);
  std::string path = content::article_path(*e, *s, *a);
  bool fragment = query_param(req.query, "fragment") == "1";
  if (path != req.path) {
    Reply r;
    r.status = 301;
    r.location = path + (fragment ? "?fragment=1" : "");
    return r;
  }
  return story_reply(news, *e, *s, *a, path, fragment, false);
}

Reply Site::Impl::story_reply(storage::NewsReader& news, const content::Edition& ed,
                              const content::Section& sec, content::Article& art,
                              const std::string& path, bool fragment, bool preview) {
  auto d = dir();
  const auto* e = &ed;
  const auto* s = &sec;
  auto* a = &art;
  // Recorded rather than built: pages of the same shape fill one cut copy of the template.
  web::Filling dict;
  dict.set(tn::kPATH, path);
  dict.set(tn::kDOC_TITLE, a->headline + " — " + e->site_name);
  dict.set(tn::kHEADLINE, a->headline);
  dict.set(tn::kSUMMARY, a->summary);
  dict.set(tn::kSECTION_NAME, s->name);
  dict.set(tn::kSECTION_URL, "/" + e->code + "/" + s->slug + "/");
  dict.set(tn::kPUBLISHED, fmt_date(*e, a->published_at, "date_long"));
  std::string published_iso = i18n::iso8601(a->published_at);
  dict.set(tn::kPUBLISHED_ISO, published_iso);
  if (a->breaking) dict.show(tn::kBREAKING);
  if (!a->correction.empty())
    dict.add("CORRECTION").set(tn::kTEXT, a->correction);
  if (kit.chats && a->chat_enabled)
    dict.add("STORY_CHAT").set(tn::kURL, "/" + e->code + "/chats/story." + std::to_string(a->id));
  if (a->updated_at > a->published_at + 60) {
    auto& u = dict.add(tn::kUPDATED);
    u.set(tn::kISO, i18n::iso8601(a->updated_at));
    u.set(tn::kTEXT, fmt_date(*e, a->updated_at, "date_long"));
  }
  std::vector<std::pair<const content::Author*, std::string>> authors;  // and their pages
  for (auto aid : a->author_ids)
    if (const auto* au = d->author(aid)) {
      auto& [who, url] = authors.emplace_back(au, "/" + e->code + "/author/" + au->slug + "/");
      auto& x = dict.add(tn::kAUTHOR);
      x.set(tn::kNAME, who->name);
      x.set(tn::kURL, url);
    }
  if (!a->author_ids.empty()) dict.show(tn::kBYLINE);
  std::string caption_date =
      i18n::format_time(a->published_at, e->date_format, e->locale, e->time_zone);
  std::string og_image;
  std::shared_ptr<const content::Media> lead;
  if (a->lead_media_id) lead = media(a->lead_media_id);
  if (lead) {
    auto& l = dict.add(tn::kLEAD);
    fill_image(l, *lead, "(min-width: 800px) 760px, 100vw");
    l.set(tn::kCAPTION, lead->caption);
    l.set(tn::kCREDIT, lead->credit);
    l.set(tn::kCAPTION_LINE, e->site_name + ", " + caption_date);
    l.set(tn::kLOADING, "eager");
    og_image = abs(media_url(lead->file));
  }
  // The body as rendered when the story was saved, unless the body template changed since.
  std::string body_html;
  if (a->body_html_version == body_version && !a->body_html.empty()) {
    body_html = std::move(a->body_html);
  } else {
    body_html = render_body(*a);
  }
  dict.set(tn::kBODY, std::move(body_html));
  for (auto tid : a->tag_ids)
    if (const auto* t = d->tag(tid)) {
      auto& x = dict.add(tn::kTAG);
      x.set(tn::kNAME, t->name);
      x.set(tn::kURL, "/" + e->code + "/tag/" + t->slug + "/");
    }
  if (!a->tag_ids.empty()) dict.show(tn::kTAGS);
  dict.set(tn::kSUBSCRIBE_URL, "/" + e->code + "/feeds/");

  Chrome c;
  c.edition = e;
  c.alternates.emplace_back(e->language, path);
  for (auto& t : a->translations) {
    const auto* te = d->edition(t.edition_id);
    const auto* ts = d->section(t.section_id);
    if (!te || !ts) continue;
    std::string tpath = content::article_path(*te, *ts, t);
    c.alternates.emplace_back(te->language, tpath);
    auto& x = dict.add(tn::kTRANSLATION);
    x.set(tn::kURL, tpath);
    x.set(tn::kLANG, te->language);
    x.set(tn::kNAME, catalog.text(te->language, "lang_" + te->language));
    x.set(tn::kHEADLINE, t.headline);
  }
  if (c.alternates.size() == 1) c.alternates.clear();

  // The next story of the section loads below this one as the reader reaches the end.
  storage::ArticleQuery nq;
  nq.edition_id = e->id;
  nq.section_id = s->id;
  nq.before = storage::Cursor{a->published_at, a->id};
  nq.limit = 1;
  auto next = news.articles(nq);
  if (!next.empty()) {
    dict.show(tn::kNEXT);
    dict.set(tn::kNEXT_URL, content::article_path(*e, *s, next.front()));
    dict.set(tn::kNEXT_HEADLINE, next.front().headline);
  }
  // "More from the section": the section's newest stories, this one left out.
  auto latest = latest_in(news, *e, *s);
  std::string latest_html;
  int shown = 0;
  for (auto& item : *latest) {
    if (item.id == a->id || shown == 5) continue;
    latest_html += item.html;
    ++shown;
  }
  if (shown) {
    auto& l = dict.add(tn::kLATEST);
    l.set(tn::kSECTION_NAME, s->name);
    l.set(tn::kITEMS, std::move(latest_html));
  }

  // The discussion under the story (cached with the page: its changes purge "article:<id>").
  std::string discussion_html;
  if (kit.under_story && !preview) discussion_html = kit.under_story(*e, *a, fragment, news);
  dict.set("DISCUSSION", std::move(discussion_html));

  Reply r;
  r.cache_keys = {"article:" + std::to_string(a->id)};
  r.last_modified = a->updated_at;
  r.cache_control = "public, max-age=60, stale-while-revalidate=60";
  std::string content_html = render(e->language, "article.tpl", dict);
  if (fragment) {
    r.body = std::move(content_html);
    r.headers.emplace_back("X-Robots-Tag", "noindex");
    return r;
  }
  c.title = a->headline;
  c.description = a->summary;
  c.canonical = path;
  c.og_type = "article";
  c.og_image = og_image;
  c.active_section = s->id;
  c.rss = "/" + e->code + "/" + s->slug + "/rss.xml";
  ScriptJson ld;
  ld.object()
      .member("@context", "https://schema.org")
      .member("@type", "NewsArticle")
      .member("headline", a->headline)
      .member("description", a->summary)
      .member("inLanguage", e->language)
      .member("mainEntityOfPage", abs(path))
      .member("datePublished", published_iso)
      .member("dateModified",
              a->updated_at > a->published_at ? i18n::iso8601(a->updated_at) : published_iso)
      .member("articleSection", s->name)
      .array("author");
  for (auto& [who, url] : authors)
    ld.object().member("@type", "Person").member("name", who->name).member("url", abs(url)).end();
  ld.end()
      .object("publisher")
      .member("@type", "NewsMediaOrganization")
      .member("name", e->site_name)
      .member("url", abs("/" + e->code + "/"))
      .object("logo")
      .member("@type", "ImageObject")
      .member("url", abs(kit.static_urls.at("favicon.svg")))
      .end()
      .end();
  if (lead) ld.array("image").item(abs(media_url(lead->file))).end();
  c.jsonld = ld.end().take();
  if (preview) {
    r.cache_keys.clear();
    c.noindex = true;
    content_html = "<p class=\"preview-banner\" role=\"note\">" +
                   catalog.text(e->language, "preview_banner") + "</p>\n" + content_html;
  }
  r.body = page(c, content_html);
  return r;
}

}  // namespace herald::site