// RSS 2.0 and Atom feeds, sitemaps (an index, pages, articles by id range, news of the last
// 48 hours) and robots.txt.
#include <ctemplate/template.h>

#include <chrono>

#include "site/internal.hpp"
#include "web/template_names.hpp"

namespace herald::site {

using ctemplate::TemplateDictionary;

namespace {
constexpr content::Id kSitemapChunk = 10000;

}  // namespace

Reply Site::Impl::feed(const net::Request&, const http::Params& p, storage::NewsReader& news, bool atom) {
  auto d = dir();
  const auto* e = d->edition(std::string(p.get("edition")));
  if (!e) return error_page(404, nullptr);
  storage::ArticleQuery q;
  q.edition_id = e->id;
  q.limit = 30;
  q.with_links = true;  // authors
  std::string title = e->site_name;
  std::string description = e->tagline;
  std::string link = "/" + e->code + "/";
  std::vector<std::string> keys = {"feed:" + std::to_string(e->id)};
  if (auto slug = p.get("section"); !slug.empty()) {
    const auto* s = d->section(e->id, slug);
    if (!s) return error_page(404, e);
    q.section_id = s->id;
    title = s->name + " — " + e->site_name;
    description = s->description;
    link += s->slug + "/";
  } else if (auto tslug = p.get("tag"); !tslug.empty()) {
    const auto* t = d->tag(e->id, tslug);
    if (!t) return error_page(404, e);
    q.tag_id = t->id;
    title = t->name + " — " + e->site_name;
    link += "tag/" + t->slug + "/";
  }
  auto items = news.articles(q);
  TemplateDictionary dict("feed");
  dict.SetValue(tn::kTITLE, title);
  dict.SetValue(tn::kDESCRIPTION, description);
  dict.SetValue(tn::kLINK, abs(link));
  dict.SetValue(tn::kSELF, abs(link + (atom ? "atom.xml" : "rss.xml")));
  dict.SetValue(tn::kLANG, e->language);
  std::int64_t newest = 0;
  for (auto& a : items) newest = std::max({newest, a.updated_at, a.published_at});
  dict.SetValue(tn::kBUILD_DATE, i18n::rfc1123(newest ? newest : now_unix()));
  dict.SetValue(tn::kUPDATED, i18n::iso8601(newest ? newest : now_unix()));
  for (auto& a : items) {
    const auto* s = d->section(a.section_id);
    if (!s) continue;
    auto* it = dict.AddSectionDictionary(tn::kITEM);
    it->SetValue(tn::kTITLE, a.headline);
    it->SetValue(tn::kLINK, abs(content::article_path(*e, *s, a)));
    it->SetValue(tn::kID, abs("/" + e->code + "/" + std::to_string(a.id)));
    it->SetValue(tn::kSUMMARY, a.summary);
    it->SetValue(tn::kSECTION, s->name);
    it->SetValue(tn::kPUB_DATE, i18n::rfc1123(a.published_at));
    it->SetValue(tn::kPUBLISHED, i18n::iso8601(a.published_at));
    it->SetValue(tn::kUPDATED, i18n::iso8601(std::max(a.updated_at, a.published_at)));
    for (auto aid : a.author_ids)
      if (const auto* au = d->author(aid))
        it->AddSectionDictionary(tn::kAUTHOR)->SetValue(tn::kNAME, au->name);
    if (a.lead_media_id)
      if (auto m = media(a.lead_media_id)) {
        auto* im = it->AddSectionDictionary(tn::kIMAGE);
        im->SetValue(tn::kURL, abs(media_url(m->file)));
        im->SetIntValue(tn::kW, m->width);
        im->SetIntValue(tn::kH, m->height);
        im->SetValue(tn::kCAPTION, m->caption);
        im->SetValue(tn::kCREDIT, m->credit);
      }
  }
  Reply r;
  r.content_type =
      atom ? "application/atom+xml; charset=utf-8" : "application/rss+xml; charset=utf-8";
  r.body = render(atom ? "atom.tpl" : "rss.tpl", dict);
  r.cache_keys = std::move(keys);
  r.last_modified = newest;
  r.cache_control = "public, max-age=60";
  return r;
}

Reply Site::Impl::sitemap_index(const net::Request&, const http::Params&, storage::NewsReader& news) {
  auto d = dir();
  TemplateDictionary dict("sitemap_index");
  std::vector<std::string> keys;
  for (auto& e : d->editions) {
    dict.AddSectionDictionary(tn::kMAP)->SetValue(tn::kLOC,
                                                  abs("/sitemaps/" + e.code + "-pages.xml"));
    keys.push_back("sitemap:" + std::to_string(e.id));
  }
  content::Id max_id = news.max_article_id();
  for (content::Id n = 1; (n - 1) * kSitemapChunk < max_id; ++n)
    dict.AddSectionDictionary(tn::kMAP)->SetValue(
        tn::kLOC, abs("/sitemaps/articles-" + std::to_string(n) + ".xml"));
  dict.AddSectionDictionary(tn::kMAP)->SetValue(tn::kLOC, abs("/sitemaps/news.xml"));
  Reply r;
  r.content_type = "application/xml; charset=utf-8";
  r.body = render("sitemap_index.tpl", dict);
  r.cache_keys = std::move(keys);
  r.cache_control = "public, max-age=300";
  return r;
}

Reply Site::Impl::sitemap_file(const net::Request& r, const http::Params& p, storage::NewsReader& news) {
  std::string_view file = p.get("file");
  auto strip = [&](std::string_view prefix,
                   std::string_view suffix) -> std::optional<std::string_view> {
    if (file.size() <= prefix.size() + suffix.size() || file.substr(0, prefix.size()) != prefix ||
        file.substr(file.size() - suffix.size()) != suffix)
      return std::nullopt;
    return file.substr(prefix.size(), file.size() - prefix.size() - suffix.size());
  };
  http::Params q;
  if (file == "news.xml") return sitemap_news(r, q, news);
  if (auto n = strip("articles-", ".xml")) {
    q.add("n", *n);
    return sitemap_articles(r, q, news);
  }
  if (auto code = strip("", "-pages.xml")) {
    q.add("edition", *code);
    return sitemap_pages(r, q, news);
  }
  return error_page(404, nullptr);
}

Reply Site::Impl::sitemap_pages(const net::Request&, const http::Params& p, storage::NewsReader&) {
  auto d = dir();
  const auto* e = d->edition(std::string(p.get("edition")));
  if (!e) return error_page(404, nullptr);
  TemplateDictionary dict("urlset");
  auto add = [&](const std::string& path) {
    dict.AddSectionDictionary(tn::kURL)->SetValue(tn::kLOC, abs(path));
  };
  add("/" + e->code + "/");
  add("/" + e->code + "/newsfeed/");
  for (auto* s : d->sections_of(e->id)) add("/" + e->code + "/" + s->slug + "/");
  for (auto& t : d->tags)
    if (t.edition_id == e->id) add("/" + e->code + "/tag/" + t.slug + "/");
  Reply r;
  r.content_type = "application/xml; charset=utf-8";
  r.body = render("urlset.tpl", dict);
  r.cache_keys = {"sitemap:" + std::to_string(e->id)};
  r.cache_control = "public, max-age=300";
  return r;
}

Reply Site::Impl::sitemap_articles(const net::Request&, const http::Params& p, storage::NewsReader& news) {
  auto d = dir();
  auto ns = p.get("n");
  content::Id n = 0;
  for (char c : ns) {
    if (c < '0' || c > '9' || n > 1000000) return error_page(404, nullptr);
    n = n * 10 + (c - '0');
  }
  if (n == 0) return error_page(404, nullptr);
  auto items = news.published_in_id_range((n - 1) * kSitemapChunk + 1, n * kSitemapChunk + 1);
  TemplateDictionary dict("urlset");
  std::vector<std::string> keys;
  for (auto& e : d->editions) keys.push_back("sitemap:" + std::to_string(e.id));
  for (auto& a : items) {
    const auto* e = d->edition(a.edition_id);
    const auto* s = d->section(a.section_id);
    if (!e || !s) continue;
    auto* u = dict.AddSectionDictionary(tn::kURL);
    u->SetValue(tn::kLOC, abs(content::article_path(*e, *s, a)));
    u->AddSectionDictionary(tn::kLASTMOD)
        ->SetValue(tn::kDATE, i18n::iso8601(std::max(a.updated_at, a.published_at)));
  }
  Reply r;
  r.content_type = "application/xml; charset=utf-8";
  r.body = render("urlset.tpl", dict);
  r.cache_keys = std::move(keys);
  r.cache_control = "public, max-age=300";
  return r;
}

Reply Site::Impl::sitemap_news(const net::Request&, const http::Params&, storage::NewsReader& news) {
  auto d = dir();
  TemplateDictionary dict("urlset");
  dict.ShowSection(tn::kNEWS_NS);
  std::vector<std::string> keys;
  std::int64_t since = now_unix() - 48 * 3600;
  for (auto& e : d->editions) {
    keys.push_back("sitemap:" + std::to_string(e.id));
    storage::ArticleQuery q;
    q.edition_id = e.id;
    q.since = since;
    q.limit = 200;
    storage::Cursor cur;
    for (int page = 0; page < 5; ++page) {  // Google reads at most 1,000 news URLs per map
      q.before = cur;
      auto items = news.articles(q);
      for (auto& a : items) {
        const auto* s = d->section(a.section_id);
        if (!s) continue;
        auto* u = dict.AddSectionDictionary(tn::kURL);
        u->SetValue(tn::kLOC, abs(content::article_path(e, *s, a)));
        auto* nw = u->AddSectionDictionary(tn::kNEWS);
        nw->SetValue(tn::kNAME, e.site_name);
        nw->SetValue(tn::kLANG, e.language);
        nw->SetValue(tn::kDATE, i18n::iso8601(a.published_at));
        nw->SetValue(tn::kTITLE, a.headline);
      }
      if (items.size() < 200) break;
      cur = storage::Cursor{items.back().published_at, items.back().id};
    }
  }
  Reply r;
  r.content_type = "application/xml; charset=utf-8";
  r.body = render("urlset.tpl", dict);
  r.cache_keys = std::move(keys);
  r.cache_control = "public, max-age=120";
  r.ttl = std::chrono::seconds(600);  // stories age out of the 48-hour window
  return r;
}

Reply Site::Impl::robots(const net::Request&, const http::Params&, storage::NewsReader&) {
  Reply r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /*?fragment=1\n\nSitemap: " +
           abs("/sitemap.xml") + "\n";
  r.cache_keys = {"robots"};
  r.cache_control = "public, max-age=3600";
  return r;
}

}  // namespace herald::site
