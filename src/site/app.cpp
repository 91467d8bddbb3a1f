// The reader site as a module: its route table, the story body's HTML version, and the
// "More from" lists kept beside the page cache.
#include <functional>

#include "events/event.hpp"
#include "site/internal.hpp"
#include "util/assets.hpp"
#include "util/text.hpp"

namespace herald::site {

Site::Impl::Impl(web::App& app) : web::Handlers(app.kit()) {
  // Stored body HTML is reused while body.tpl stays the same (and the rendering code with it:
  // bump the salt when render_body changes what it puts in the dictionary).
  constexpr std::string_view kRenderBodySalt = "render_body v1";
  std::string basis =
      std::string(assets::get("web/templates/body.tpl")) + std::string(kRenderBodySalt);
  body_version = static_cast<std::int64_t>(std::hash<std::string>{}(basis)&0x7fffffffffffffffULL);
  if (body_version == 0) body_version = 1;
}

bool Site::Impl::issued_cursor(storage::NewsReader& news, const storage::Cursor& c) const {
  auto a = news.article(c.id);
  return a && a->status == content::Status::Published && a->published_at == c.published_at;
}

void Site::Impl::add_routes(web::App& app) {
  // Each route names the query parameters it reads; an answer to any other query, or to a
  // value the route would not accept as it is, is served but not kept in the page cache.
  using Accepts = std::initializer_list<std::string_view>;
  auto on = [this, &app](const char* pattern,
                         Reply (Impl::*fn)(const net::Request&, const http::Params&,
                                           storage::NewsReader&),
                         Accepts accepts = {}) {
    app.page(
        pattern, [this, fn](const net::Request& r, const http::Params& p, storage::NewsReader& news) {
          return (this->*fn)(r, p, news);
        },
        accepts);
  };
  const Accepts lists = {"before", "fragment"};
  const Accepts api_lists = {"edition", "cursor", "section", "tag", "limit"};
  // Site-wide documents.
  on("/robots.txt", &Impl::robots);
  on("/sitemap.xml", &Impl::sitemap_index);
  on("/sitemaps/:file", &Impl::sitemap_file);
  // Read API.
  on("/api/v1/editions", &Impl::api_editions);
  on("/api/v1/editions/:edition/sections", &Impl::api_sections);
  on("/api/v1/articles", &Impl::api_articles, api_lists);
  on("/api/v1/articles/:id", &Impl::api_article);
  on("/api/v1/newsfeed", &Impl::api_newsfeed, {"edition", "cursor"});
  on("/api/v1/openapi.json", &Impl::api_openapi);
  // Editions.
  on("/:edition/", &Impl::home);
  auto feeds = [this, &app](const std::string& prefix) {
    app.page(prefix + "rss.xml",
             [this](const net::Request& r, const http::Params& p, storage::NewsReader& news) {
               return feed(r, p, news, false);
             });
    app.page(prefix + "atom.xml",
             [this](const net::Request& r, const http::Params& p, storage::NewsReader& news) {
               return feed(r, p, news, true);
             });
  };
  feeds("/:edition/");
  on("/:edition/newsfeed/", &Impl::newsfeed, lists);
  on("/:edition/tag/:tag/", &Impl::tag_page, lists);
  feeds("/:edition/tag/:tag/");
  on("/:edition/author/:author/", &Impl::author_page, lists);
  on("/:edition/:section/", &Impl::section_page, lists);
  feeds("/:edition/:section/");
  on("/:edition/:section/:article", &Impl::article_page, {"fragment"});
}

Site::Site(web::App& app) : impl_(new Impl(app)) { impl_->add_routes(app); }
Site::~Site() = default;

void Site::prepare_body(content::Article& a) const {
  a.body_html = impl_->render_body(a);
  a.body_html_version = impl_->body_version;
}

web::Reply Site::preview(const content::Edition& e, const content::Section& s, content::Article& a,
                         const std::string& path) {
  return impl_->preview(e, s, a, path);
}

void Site::apply(const events::Event& ev) { impl_->apply(ev); }

void Site::Impl::apply(const events::Event& ev) {
  std::unique_lock lock(latest_mu);
  for (const auto& k : ev.purge_keys) {
    if (k == "*")
      latest_cache.clear();
    else if (auto id = util::int_after(k, "section:"))
      latest_cache.erase(id);
  }
}

}  // namespace herald::site
