// The reader site: home, section, tag and author pages, stories, the newsfeed page, feeds,
// sitemaps and the read API, all behind the page cache. One Site serves every edition.
// Thread safety: its pages are called from every thread at once; apply() by the event relay.
#pragma once
#include <memory>
#include <string>

#include "content/model.hpp"
#include "web/kit.hpp"

namespace herald::events {
struct Event;
}
namespace herald::web {
class App;
}

namespace herald::site {

class Site {
 public:
  // Adds the reader routes to `app`, which must outlive the Site.
  explicit Site(web::App& app);
  ~Site();
  // Renders a story's body to HTML for storing with it (writers call this before saving).
  void prepare_body(content::Article& a) const;
  // A story's reader page for the newsroom's preview: not cached, not indexed.
  web::Reply preview(const content::Edition& e, const content::Section& s, content::Article& a,
                     const std::string& path);
  // An every-node listener of content events: drops the "More from" lists the event names.
  void apply(const events::Event& ev);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::site
