// The web kit: what every capability's pages share. A reply, who is asking (Ctx), a route's
// row, the page frame (layout, masthead, footer), error pages in the site's style, catalog
// text, JSON answers, cookies of a session. One Kit serves every module; modules hold it
// through web::Handlers and never reach into one another.
// Thread safety: a Kit is used by every I/O and blocking thread at once; its caches lock.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "accounts/service.hpp"
#include "content/outcome.hpp"
#include "http/forms.hpp"
#include "http/page_cache.hpp"
#include "http/router.hpp"
#include "i18n/i18n.hpp"
#include "net/message.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"
#include "web/directory.hpp"

namespace boost::json {
class value;
}
namespace ctemplate {
class TemplateDictionary;
}

namespace herald::web {

struct Options {
  std::string base_url = "http://127.0.0.1:8080";  // absolute links in feeds, canonical, OG
  std::string data_dir = "var";                    // caches, outbox
  std::string media_dir;  // photos and renditions (empty: <data_dir>/media); shared by nodes
  std::string media() const { return media_dir.empty() ? data_dir + "/media" : media_dir; }
  std::size_t cache_bytes = 256u << 20;            // page cache budget
  std::chrono::seconds page_ttl{300};              // longest a cached page lives unpurged
  bool secure_cookies = false;  // served over TLS: Secure, __Host- cookies
  std::string outbox_dir;       // development mail folder listed at /newsroom/outbox
  const util::Clock* clock = &util::system_clock();  // must outlive the kit
};

// What a handler produces; the app turns it into a cached, compressed response.
struct Reply {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::string cache_control;            // empty: chosen from the status
  std::vector<std::string> cache_keys;  // non-empty and status 200: kept in the page cache
  std::int64_t last_modified = 0;       // Unix time of the newest content shown
  std::string location;                 // redirects
  std::chrono::seconds ttl{0};          // 0: the site's default
  net::Headers headers;
  // False when this answer must not be kept in the page cache even though it could be: its
  // query holds values the route does not accept as they are (a cursor no page ever linked).
  bool cacheable = true;
};

// The request's own address (still percent-encoded) with a slash after its path.
std::string slash_location(const net::Request& req);
// A whole decimal number from a form field, path segment or query value; 0 when it is not one.
std::int64_t parse_int(std::string_view s);
// The same for ids: positive, else 0.
inline std::int64_t parse_id(std::string_view s) {
  auto v = parse_int(s);
  return v > 0 ? v : 0;
}

// The Content-Type of a static or media file by its name's ending.
std::string content_type_for(std::string_view name);

// Query string helpers.
std::string query_param(std::string_view query, std::string_view name);
// True when every query parameter is one the site reads (the page may be cached under it).
bool query_is_cacheable(std::string_view query);
// Whether a query holds only parameters named in `accepted`, each once, each with a value the
// site takes as it is (cursors that parse, fragment=1, limit 1-100 written plainly, slugs).
bool query_fits(std::string_view query, std::span<const std::string_view> accepted);
// "1732800000.1234" -> cursor; invalid input -> nullopt.
std::optional<storage::Cursor> parse_cursor(std::string_view s);
std::string cursor_string(const content::Article& a);

// The HTTP status of a service's outcome: 200, 201, 400, 403, 404, 409, 422.
int status_of(content::Outcome o);
// The outcome an HTTP status stands for (for answers made by the module itself).
content::Outcome outcome_of(int status);

// An API error: {"error": {"code": ..., "message": ...}} with the given status.
Reply api_error(int status, const std::string& code, const std::string& message);
// A JSON answer.
Reply api_json(int status, const boost::json::value& v);

// Replaces {{T_KEY}} placeholders in a template with the catalog's text for `lang`, HTML-escaped.
std::string localize_template(std::string_view text, const i18n::Catalog& catalog,
                              const std::string& lang);

// Escapes a JSON text for a <script> data block: <, >, & and U+2028/9 become \u escapes.
std::string json_for_script(std::string_view json);

// JSON for a <script type="application/ld+json"> element, written as it is built: each string is
// escaped for JSON and for the element at once (as json_for_script(serialize(...)) would give),
// members in the order given. A page's structured data is a few small objects; building a
// document, serialising it and escaping the text took 5 % of a story page's cache miss.
class Stencil;
class Filling;

class ScriptJson {
 public:
  ScriptJson() { out_.reserve(1024); }  // a story's JSON-LD is some 800 bytes
  ScriptJson& object(std::string_view key = {});  // opens {...}, as a member when a key is given
  ScriptJson& array(std::string_view key = {});   // opens [...], likewise
  ScriptJson& end();                               // closes the innermost
  ScriptJson& member(std::string_view key, std::string_view text);
  ScriptJson& item(std::string_view text);  // a string in an array
  std::string take() { return std::move(out_); }

 private:
  void open(std::string_view key, char bracket);
  void string(std::string_view s);
  std::string out_;
  std::string closers_;
  bool first_ = true;
};

// What a page of the account or newsroom area knows about its request: who asks, the CSRF
// token their forms carry, the parsed form, and cookies to set on the answer.
struct Ctx {
  std::optional<accounts::Visitor> visitor;
  std::string session_token;  // from the cookie; empty when none
  std::string csrf;           // the token forms must carry
  http::Form form;            // POST body (application/x-www-form-urlencoded) or query
  std::vector<std::string> set_cookies;
  const content::Edition* edition = nullptr;  // the language of the page
  std::string lang = "en";
  std::string next;  // where to return after logging in: a path on this site
  std::string ip;
  bool api = false;
  const content::User* user() const { return visitor ? &visitor->user : nullptr; }
};

// Who may use a route: checked before the handler runs.
enum class Need { Anyone, Login, Staff };

// The page around the content: head, masthead, navigation, footer.
struct Chrome {
  const content::Edition* edition = nullptr;
  std::string title;
  std::string description;
  std::string canonical;  // path
  std::string og_type = "website";
  std::string og_image;  // absolute URL
  std::string jsonld;    // JSON text safe inside a <script> element (ScriptJson)
  std::string rss;       // path of the page's feed
  std::vector<std::pair<std::string, std::string>> alternates;  // hreflang -> path
  content::Id active_section = 0;
  bool noindex = false;
  std::vector<std::string> scripts;  // more static scripts by name ("editor.js")
};

class Kit {
 public:
  // Loads templates, catalogs, static files and the directory; throws std::runtime_error with
  // a message when an embedded asset is broken. `store` (and `accounts`, when given) must
  // outlive the kit.
  Kit(Options o, storage::NewsStore& store, accounts::Accounts* accounts);

  Options options;
  storage::NewsStore& store;
  accounts::Accounts* accounts;  // null: no accounts (tools that only render)
  i18n::Catalog catalog;
  http::PageCache cache;
  std::map<std::string, std::string> static_urls;  // "site.css" -> "/static/site.1a2b3c4d.css"
  std::map<std::string, std::pair<std::string, std::string_view>>
      static_files;  // url -> (type, bytes)
  bool chats = false;  // the chat module is on: story pages link their rooms
  // Set by the discussion module when it is on: what a story page shows under the story (the
  // count and the first page of comments; in a fragment, the count and a link), and the
  // comment counts of stories, for lists and the API.
  // `news`: the page's snapshot (its comment reads join its read transaction).
  std::function<std::string(const content::Edition&, const content::Article&, bool fragment,
                            storage::NewsReader& news)>
      under_story;
  std::function<std::unordered_map<content::Id, int>(const std::vector<content::Id>&)>
      comment_counts;

  std::int64_t now_unix() const { return options.clock->now(); }
  std::shared_ptr<const Directory> dir() const { return directory_.load(); }
  // An event changed the catalog (or only names): the directory is read again; on catalog
  // changes frames and photos too.
  void reload(bool catalog_changed);
  // Media rows are read on every page that shows a photo: kept in memory once read.
  std::shared_ptr<const content::Media> media(content::Id id) const;
  void forget_media(content::Id id) const {
    std::unique_lock lock(media_mu_);
    media_cache_.erase(id);
  }

  std::string t(const Ctx& c, const std::string& key) const { return catalog.text(c.lang, key); }
  // The catalog's text for `key` with its {name}s filled in from `args`.
  std::string t(const std::string& lang, const std::string& key,
                const std::vector<std::pair<std::string, std::string>>& args) const;
  std::string render(const std::string& tpl, ctemplate::TemplateDictionary& dict) const;
  // The template in one language: {{T_KEY}} strings were filled in from the catalog at load.
  std::string render(const std::string& lang, const std::string& tpl,
                     ctemplate::TemplateDictionary& dict) const;
  // The same from a recorded filling: the template is cut once per language and shape of page
  // (web::Stencil), checked against its first full render, and filled in for every page of
  // that shape; a shape it cannot be cut for renders in full.
  std::string render(const std::string& lang, const std::string& tpl, const Filling& f) const;
  std::string page(const Chrome& c, const std::string& content_html) const;
  Reply error_page(int status, const content::Edition* e, const std::string& detail = {}) const;
  // The answer to a request whose handler threw: 503 with what to do when the database was
  // busy or full (nothing was changed), else 500. Logs it with the request.
  Reply failure(const net::Request& req, bool api, const content::Edition* e,
                const std::exception& ex) const;
  std::string fmt_date(const content::Edition& e, std::int64_t t, const std::string& key) const;
  void fill_image(ctemplate::TemplateDictionary* d, const content::Media& m,
                  const std::string& sizes) const;
  void fill_image(Filling& d, const content::Media& m, const std::string& sizes) const;
  std::string media_url(const std::string& file) const { return "/media/" + file; }
  std::string abs(const std::string& path) const { return options.base_url + path; }

  // Per-person pages (accounts, newsroom, chats).
  Ctx make_ctx(const net::Request& req) const;
  std::string session_cookie_name() const;
  void start_session_cookies(Ctx& ctx, const accounts::NewSession& ns) const;
  void end_session_cookies(Ctx& ctx) const;
  std::string outcome_text(const Ctx& c, const accounts::Outcome& o) const;
  Reply private_page(const Ctx& c, const std::string& title, const std::string& html,
                     int status = 200, std::vector<std::string> scripts = {}) const;
  Reply forbidden(const Ctx& c) const { return error_page(403, c.edition); }
  Reply redirect(const std::string& to, int status = 303) const;
  // The request's JSON body, or (nullopt) the error to answer.
  std::optional<boost::json::value> json_body(const net::Request& r, Reply& error) const;

 private:
  // What a page's layout has that a page's own values do not change: og:type, og:image or not,
  // noindex, the extra scripts, JSON-LD or not, a feed or not, how many alternate links.
  using LayoutShape = std::tuple<std::string, bool, bool, std::string, bool, bool, std::size_t>;
  struct Frame {
    std::string masthead;
    std::string footer;
    // The layout cut around a page's own values, per shape (null: it cannot be, render it).
    mutable std::shared_mutex mu;
    mutable std::map<LayoutShape, std::shared_ptr<const Stencil>> layouts;
  };
  using FrameKey = std::tuple<content::Id, content::Id, int>;  // edition, active section, year
  std::shared_ptr<const Frame> frame(const content::Edition* e, content::Id active_section) const;
  std::string render_layout(const content::Edition* e, const Frame& f, const Chrome& c,
                            const std::vector<std::string_view>& values) const;

  // Page templates cut per language, template and shape (null: render in full), bounded by
  // kTemplateShapes: past it a new shape renders in full, without being cut each time.
  mutable std::shared_mutex stencil_mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const Stencil>> stencils_;

  std::atomic<std::shared_ptr<const Directory>> directory_;
  // A photo's srcset and fallback src, worked out once when its row is read.
  struct ImageSet {
    std::string src, srcset_jpeg, srcset_webp;
  };
  struct CachedMedia {
    content::Media media;
    ImageSet set;
  };
  ImageSet image_set(const content::Media& m) const;
  mutable std::shared_mutex media_mu_;
  mutable std::unordered_map<content::Id, std::shared_ptr<const CachedMedia>> media_cache_;
  mutable std::shared_mutex frame_mu_;
  mutable std::map<FrameKey, std::shared_ptr<const Frame>> frames_;
};

// The base of every module's handler class: the kit's services under the names handlers use.
class Handlers {
 protected:
  explicit Handlers(Kit& k) : kit(k), options(k.options), store(k.store), catalog(k.catalog) {}
  Kit& kit;
  const Options& options;
  storage::NewsStore& store;
  const i18n::Catalog& catalog;

  std::shared_ptr<const Directory> dir() const { return kit.dir(); }
  std::int64_t now_unix() const { return kit.now_unix(); }
  std::shared_ptr<const content::Media> media(content::Id id) const { return kit.media(id); }
  std::string t(const Ctx& c, const std::string& key) const { return kit.t(c, key); }
  template <class... A>
  std::string render(A&&... a) const {
    return kit.render(std::forward<A>(a)...);
  }
  std::string page(const Chrome& c, const std::string& html) const { return kit.page(c, html); }
  Reply error_page(int status, const content::Edition* e, const std::string& detail = {}) const {
    return kit.error_page(status, e, detail);
  }
  std::string fmt_date(const content::Edition& e, std::int64_t t, const std::string& key) const {
    return kit.fmt_date(e, t, key);
  }
  Reply private_page(const Ctx& c, const std::string& title, const std::string& html,
                     int status = 200, std::vector<std::string> scripts = {}) const {
    return kit.private_page(c, title, html, status, std::move(scripts));
  }
  Reply forbidden(const Ctx& c) const { return kit.forbidden(c); }
  Reply redirect(const std::string& to, int status = 303) const { return kit.redirect(to, status); }
  std::string outcome_text(const Ctx& c, const accounts::Outcome& o) const {
    return kit.outcome_text(c, o);
  }
  std::optional<boost::json::value> json_body(const net::Request& r, Reply& error) const;
  void start_session_cookies(Ctx& c, const accounts::NewSession& ns) const {
    kit.start_session_cookies(c, ns);
  }
  void end_session_cookies(Ctx& c) const { kit.end_session_cookies(c); }
  Ctx make_ctx(const net::Request& req) const { return kit.make_ctx(req); }
};

// The kit's names every module's handlers use: `using namespace web::names;`.
namespace names {
using web::api_error;
using web::api_json;
using web::Chrome;
using web::Ctx;
using web::json_for_script;
using web::Need;
using web::parse_id;
using web::parse_int;
using web::query_param;
using web::Reply;
}  // namespace names

}  // namespace herald::web
