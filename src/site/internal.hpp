// Shared by the reader site's translation units (pages, feeds, api, app). Not a public
// interface: other capabilities use site/site.hpp.
#pragma once
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "site/site.hpp"
#include "web/app.hpp"
#include "web/kit.hpp"
#include "web/template_names.hpp"

namespace ctemplate {
class TemplateDictionary;
}

namespace herald::site {

using web::api_error;
using web::api_json;
using web::Chrome;
using web::cursor_string;
using web::Directory;
using web::ScriptJson;
using web::parse_cursor;
using web::parse_id;
using web::parse_int;
using web::query_fits;
using web::query_param;
using web::Reply;
using web::slash_location;
namespace tn = web::tn;

struct Site::Impl : web::Handlers {
  explicit Impl(web::App& app);
  void add_routes(web::App& app);
  // Whether a list cursor is one the site hands out: the time and number of a published story.
  bool issued_cursor(storage::NewsReader& news, const storage::Cursor& c) const;
  void fill_story_item(ctemplate::TemplateDictionary* d, const Directory& dir,
                       const content::Edition& e, const content::Article& a) const;
  void fill_image(ctemplate::TemplateDictionary* d, const content::Media& m,
                  const std::string& sizes) const {
    kit.fill_image(d, m, sizes);
  }
  void fill_image(web::Filling& d, const content::Media& m, const std::string& sizes) const {
    kit.fill_image(d, m, sizes);
  }
  std::string media_url(const std::string& file) const { return kit.media_url(file); }
  std::string abs(const std::string& path) const { return kit.abs(path); }
  // Each section's newest stories as ready list items, for the "More from" box on story pages.
  // Dropped when an event purges the section (apply), like the section page itself.
  struct LatestItem {
    content::Id id;
    std::string html;
  };
  mutable std::shared_mutex latest_mu;
  mutable std::unordered_map<content::Id, std::shared_ptr<const std::vector<LatestItem>>>
      latest_cache;
  std::shared_ptr<const std::vector<LatestItem>> latest_in(storage::NewsReader& news, const content::Edition& e,
                                                           const content::Section& s) const;
  void apply(const events::Event& ev);

  // The story body through body.tpl; parses the stored blocks when needed.
  std::string render_body(content::Article& a) const;
  std::int64_t body_version =
      0;  // of body.tpl and what it shows: stored HTML of another version is redone

  // Pages (pages.cpp)
  Reply home(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply section_page(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply tag_page(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply author_page(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply newsfeed(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply article_page(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  // A story's page for readers, or (preview) for the newsroom: not cached, not indexed.
  Reply story_reply(storage::NewsReader& news, const content::Edition& e, const content::Section& s, content::Article& a,
                    const std::string& path, bool fragment, bool preview);
  Reply preview(const content::Edition& e, const content::Section& s, content::Article& a,
                const std::string& path) {
    auto news = store.snapshot();
    return story_reply(*news, e, s, a, path, false, true);
  }
  Reply listing(storage::NewsReader& news, const net::Request& r, const content::Edition& e, storage::ArticleQuery q,
                Chrome chrome, const std::string& heading, const std::string& description,
                std::vector<std::string> keys, const std::string& list_class,
                const std::string& count = {});

  // Feeds and sitemaps (feeds.cpp)
  Reply feed(const net::Request& r, const http::Params& p, storage::NewsReader& news, bool atom);
  Reply sitemap_index(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply sitemap_file(const net::Request& r, const http::Params& p, storage::NewsReader& news);  // dispatches the three below
  Reply sitemap_pages(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply sitemap_articles(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply sitemap_news(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply robots(const net::Request& r, const http::Params& p, storage::NewsReader& news);

  // JSON API (api.cpp)
  Reply api_editions(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply api_sections(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply api_articles(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply api_article(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply api_newsfeed(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply api_openapi(const net::Request& r, const http::Params& p, storage::NewsReader& news);
};

}  // namespace herald::site
