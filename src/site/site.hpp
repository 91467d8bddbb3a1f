// The reader site: HTML pages, feeds, sitemaps, the read API, static files and media, behind
// the anonymous page cache. One Site serves every edition.
// Thread safety: handle() is called concurrently from all I/O threads; apply() by the event
// relay, one event at a time.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/message.hpp"
#include "net/server.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"

namespace herald::http {
class PageCache;
}
namespace herald::events {
struct Event;
}
namespace herald::accounts {
class Accounts;
}
namespace herald::live {
class Hub;
}
namespace herald::chat {
class ChatService;
}

namespace herald::site {

struct SiteOptions {
  std::string base_url = "http://127.0.0.1:8080";  // absolute links in feeds, canonical, OG
  std::string data_dir = "var";                    // media files live in <data_dir>/media
  std::size_t cache_bytes = 256u << 20;            // page cache budget
  std::chrono::seconds page_ttl{300};              // longest a cached page lives unpurged
  bool secure_cookies = false;  // served over TLS: Secure, __Host- cookies
  std::string outbox_dir;       // development mail folder listed at /newsroom/outbox
  const util::Clock* clock = &util::system_clock();  // must outlive the Site
};

class Site {
 public:
  // `store` must outlive the Site. Loads templates, catalogs and the directory; throws
  // std::runtime_error with a message when an embedded asset is broken.
  Site(SiteOptions options, storage::NewsStore& store);
  // With accounts: the account pages and the newsroom. `accounts` and `desk` must outlive the
  // Site.
  Site(SiteOptions options, storage::NewsStore& store, accounts::Accounts& accounts,
       storage::DeskStore& desk);
  // Publishes scheduled stories whose time has come (the server calls it every second).
  int publish_due();
  // Called after each write made through the site (newsroom, chats), before its answer goes
  // out: the composition root applies the write's events there (events::Relay::apply_local),
  // so that the writer's next read shows the change.
  void after_writes(std::function<void()> fn);
  // Live features: the WebSocket endpoint /live (Origin must be one of `origins`, the site's
  // own always included) and the chat pages and API. Call before serving; both must outlive
  // the Site.
  void set_live(live::Hub& hub, chat::ChatService& chat, std::vector<std::string> origins);
  // Decides on a WebSocket upgrade request (net::ServerOptions::ws_accept).
  net::WsDecision ws_accept(const net::Request& req);
  // Every route: "METHOD PATTERN", reader routes, API and private ones (herald serve
  // --print-routes; the role-by-route test checks each mutating one has its row).
  std::vector<std::string> routes() const;
  // Whether the answer to `path` depends on who asks (accounts, newsroom, chat pages): such
  // requests read the session, which may write, so they run on the blocking pool.
  bool per_person(std::string_view path) const;
  // Who may send a large body (net::ServerOptions::authorize_body): staff who may write
  // stories (photo uploads). 0, or 401 / 403 from the request head alone.
  int authorize_body(const net::Request& head);
  ~Site();

  net::Response handle(const net::Request& req);
  // An every-node listener of the content events (events::Relay): purges the cached pages the
  // event names and reloads the directory, frames and photos on catalog changes.
  void apply(const events::Event& ev);
  http::PageCache& cache();
  // Renders a story's body to HTML for storing with it (writers call this before saving).
  void prepare_body(content::Article& a) const;

  struct Impl;  // (internal: the handlers of every capability extend it)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::site
