// Shared by the site's translation units (pages, feeds, api, app). Not a public interface.
#pragma once
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "accounts/service.hpp"
#include "live/hub.hpp"
#include "newsroom/desk.hpp"
#include "http/forms.hpp"
#include "http/page_cache.hpp"
#include "http/router.hpp"
#include "i18n/i18n.hpp"
#include "net/message.hpp"
#include "site/directory.hpp"
#include "events/event.hpp"
#include "site/site.hpp"

namespace boost::json {
class value;
class object;
}

namespace ctemplate {
class TemplateDictionary;
}
namespace herald::chat {
class ChatService;
}

namespace herald::site {

// What a page handler produces; the app turns it into a cached, compressed response.
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

// An API error: {"error": {"code": ..., "message": ...}} with the given status.
Reply api_error(int status, const std::string& code, const std::string& message);

// Replaces {{T_KEY}} placeholders in a template with the catalog's text for `lang`, HTML-escaped.
std::string localize_template(std::string_view text, const i18n::Catalog& catalog,
                              const std::string& lang);

// Chat text as HTML: escaped, http(s) links clickable with rel="nofollow ugc noopener".
std::string chat_text_html(std::string_view text);

// Escapes a JSON text for a <script> data block: <, >, & and U+2028/9 become \u escapes.
std::string json_for_script(std::string_view json);

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

// Who may use a private route: checked before the handler runs.
enum class Need { Anyone, Login, Staff };

struct PrivateRequest {
  const net::Request& req;
  Ctx* ctx;
};

struct Site::Impl {
  SiteOptions options;
  std::int64_t now_unix() const { return options.clock->now(); }
  storage::NewsStore& store;
  i18n::Catalog catalog;
  http::PageCache cache;
  std::atomic<std::shared_ptr<const Directory>> directory;
  std::map<std::string, std::string> static_urls;  // "site.css" -> "/static/site.1a2b3c4d.css"
  std::map<std::string, std::pair<std::string, std::string_view>>
      static_files;                              // url -> (type, bytes)
  http::Router<net::Request, Reply> router;      // reader pages, feeds, sitemaps
  http::Router<net::Request, Reply> api_router;  // /api/v1

  // Media rows are read on every page that shows a photo: kept in memory once read.
  mutable std::shared_mutex media_mu;
  mutable std::unordered_map<content::Id, std::shared_ptr<const content::Media>> media_cache;
  // Whether a list cursor is one the site hands out: the time and number of a published story.
  bool issued_cursor(const storage::Cursor& c) const;
  std::shared_ptr<const content::Media> media(content::Id id) const;

  // Live (chat/pages.cpp)
  live::Hub* hub = nullptr;
  chat::ChatService* chat = nullptr;
  std::vector<std::string> live_origins;
  void add_live_routes();
  live::Member member_of(const Ctx& c) const;
  net::WsDecision ws_accept(const net::Request& req);
  Reply chat_list_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply chat_room_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_chat_messages(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_chat_delete(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_chat_sanction(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_chat_settings(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_newsfeed_seen(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_story_chat(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_newsfeed_count(const net::Request& r, const http::Params& p);
  std::function<void()> after_writes;  // applies this node's events after a write
  void apply(const events::Event& ev);
  accounts::Accounts* accounts = nullptr;  // null: no accounts (tools that only render)
  // Account and newsroom pages: never cached, session-aware, CSRF-checked.
  http::Router<PrivateRequest, Reply> private_router;
  bool is_private_path(std::string_view path) const;
  net::Response handle_private(const net::Request& req);
  Ctx make_ctx(const net::Request& req);
  std::string session_cookie_name() const;
  void start_session_cookies(Ctx& ctx, const accounts::NewSession& ns);
  void end_session_cookies(Ctx& ctx);
  // Adds a private route with its permission: `need` and, for staff, an action they must be
  // allowed (content::can) or nothing.
  using PrivateFn = Reply (Impl::*)(const net::Request&, const http::Params&, Ctx&);
  void private_route(const char* method, const char* pattern, Need need,
                     std::optional<content::Action> action, PrivateFn fn);
  std::string t(const Ctx& c, const std::string& key) const { return catalog.text(c.lang, key); }
  std::string outcome_text(const Ctx& c, const accounts::Outcome& o) const;
  Reply private_page(const Ctx& c, const std::string& title, const std::string& html,
                     int status = 200, std::vector<std::string> scripts = {}) const;
  Reply forbidden(const Ctx& c) const;
  Reply redirect(const std::string& to, int status = 303) const;

  // Accounts (accounts/pages.cpp)
  void add_account_routes();
  Reply account_form(const Ctx& c, const std::string& which, const std::string& error,
                     const std::string& email = {}, const std::string& name = {},
                     int status = 200);
  Reply account_message(const Ctx& c, const std::string& heading_key, const std::string& text,
                        const std::string& continue_url = {}, int status = 200);
  Reply too_many(const Ctx& c, const accounts::Outcome& o);
  Reply login_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply login_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply register_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply register_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply reset_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply reset_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply link_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply link_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply logout_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply account_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply account_name_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply account_password_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply account_email_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply account_delete_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply token_create_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply token_revoke_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply me_json(const net::Request& r, const http::Params& p, Ctx& c);
  Reply profile(const Ctx& c, const std::string& notice, const std::string& error,
                const std::string& new_token = {}, int status = 200);

  // Newsroom (newsroom/pages.cpp, newsroom/api.cpp, newsroom/media_pages.cpp)
  storage::DeskStore* desk_store = nullptr;
  std::unique_ptr<newsroom::Desk> desk;
  void add_newsroom_routes();
  void add_newsroom_api_routes();
  Reply desk_reply(const Ctx& c, const newsroom::DeskResult& d) const;
  Reply api_json(int status, const boost::json::value& v) const;
  std::optional<boost::json::value> json_body(const net::Request& r, Reply& error) const;
  Reply newsroom_page(const Ctx& c, const std::string& title, ctemplate::TemplateDictionary& dict,
                      int status = 200, std::vector<std::string> scripts = {});
  Reply newsroom_error(const Ctx& c, const newsroom::DeskResult& d);
  // Runs an API handler with a JSON body built from a form; back to `back` when it worked.
  Reply form_to_api(const net::Request& r, const http::Params& p, Ctx& c, PrivateFn api,
                    const boost::json::object& body, const std::string& back);
  Reply newsroom_home(const net::Request& r, const http::Params& p, Ctx& c);
  Reply newsroom_outbox(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_new_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_create_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_editor_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_save_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_workflow_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_preview(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_revisions_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_restore_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_media_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_media_upload_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_media_edit_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_sections_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_section_add_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_section_edit_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_editions_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_edition_edit_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_users_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_user_edit_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_stories(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_story_create(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_story(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_story_save(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_story_action(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_revisions(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_revision(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_revision_restore(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_media_list(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_media_upload(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_media_update(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_catalog(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_section_create(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_section_update(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_edition_update(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_users(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_user_update(const net::Request& r, const http::Params& p, Ctx& c);
  // Stores an uploaded photo (media library): the new media, or an error for the person.
  struct Upload {
    std::optional<content::Media> media;
    int status = 201;
    std::string error;
  };
  Upload store_upload(const net::Request& r, const Ctx& c);

  Impl(SiteOptions o, storage::NewsStore& s);
  std::shared_ptr<const Directory> dir() const { return directory.load(); }
  void add_routes();
  net::Response handle(const net::Request& req);
  net::Response serve_media(const net::Request& req);
  net::Response finish(const net::Request& req, Reply reply, bool cacheable, std::uint64_t gen,
                       const std::string& cache_url);

  // Rendering helpers (render.cpp)
  std::string render(const std::string& tpl, ctemplate::TemplateDictionary& dict) const;
  // The template in one language: {{T_KEY}} strings were filled in from the catalog at load.
  std::string render(const std::string& lang, const std::string& tpl,
                     ctemplate::TemplateDictionary& dict) const;
  // The page around the content: head, masthead, navigation, footer.
  struct Chrome {
    const content::Edition* edition = nullptr;
    std::string title;
    std::string description;
    std::string canonical;  // path
    std::string og_type = "website";
    std::string og_image;  // absolute URL
    std::string jsonld;    // JSON text, escaped when inserted
    std::string rss;       // path of the page's feed
    std::vector<std::pair<std::string, std::string>> alternates;  // hreflang -> path
    content::Id active_section = 0;
    bool noindex = false;
    std::vector<std::string> scripts;  // more static scripts by name ("editor.js")
  };
  std::string page(const Chrome& c, const std::string& content_html) const;
  // Masthead (navigation, edition switcher) and footer of one edition, one active section.
  struct Frame {
    std::string masthead;
    std::string footer;
  };
  using FrameKey = std::tuple<content::Id, content::Id, int>;  // edition, active section, year
  mutable std::shared_mutex frame_mu;
  mutable std::map<FrameKey, std::shared_ptr<const Frame>> frames;
  std::shared_ptr<const Frame> frame(const content::Edition* e, content::Id active_section) const;
  // Each section's newest stories as ready list items, for the "More from" box on story pages.
  // Dropped when an event purges the section (apply), like the section page itself.
  struct LatestItem {
    content::Id id;
    std::string html;
  };
  mutable std::shared_mutex latest_mu;
  mutable std::unordered_map<content::Id, std::shared_ptr<const std::vector<LatestItem>>>
      latest_cache;
  std::shared_ptr<const std::vector<LatestItem>> latest_in(const content::Edition& e,
                                                           const content::Section& s) const;
  Reply error_page(int status, const content::Edition* e, const std::string& detail = {}) const;
  // The answer to a request whose handler threw: 503 with what to do when the database was
  // busy or full (nothing was changed), else 500. Logs it with the request.
  Reply failure(const net::Request& req, bool api, const content::Edition* e,
                const std::exception& ex) const;
  std::string fmt_date(const content::Edition& e, std::int64_t t, const std::string& key) const;
  void fill_story_item(ctemplate::TemplateDictionary* d, const Directory& dir,
                       const content::Edition& e, const content::Article& a) const;
  void fill_image(ctemplate::TemplateDictionary* d, const content::Media& m,
                  const std::string& sizes) const;
  std::string media_url(const std::string& file) const { return "/media/" + file; }
  std::string abs(const std::string& path) const { return options.base_url + path; }

  // The story body through body.tpl; parses the stored blocks when needed.
  std::string render_body(content::Article& a) const;
  std::int64_t body_version =
      0;  // of body.tpl and what it shows: stored HTML of another version is redone

  // Pages (pages.cpp)
  Reply home(const net::Request& r, const http::Params& p);
  Reply section_page(const net::Request& r, const http::Params& p);
  Reply tag_page(const net::Request& r, const http::Params& p);
  Reply author_page(const net::Request& r, const http::Params& p);
  Reply newsfeed(const net::Request& r, const http::Params& p);
  Reply article_page(const net::Request& r, const http::Params& p);
  // A story's page for readers, or (preview) for the newsroom: not cached, not indexed.
  Reply story_reply(const content::Edition& e, const content::Section& s, content::Article& a,
                    const std::string& path, bool fragment, bool preview);
  Reply listing(const net::Request& r, const content::Edition& e, storage::ArticleQuery q,
                Chrome chrome, const std::string& heading, const std::string& description,
                std::vector<std::string> keys, const std::string& list_class,
                const std::string& count = {});

  // Feeds and sitemaps (feeds.cpp)
  Reply feed(const net::Request& r, const http::Params& p, bool atom);
  Reply sitemap_index(const net::Request& r, const http::Params& p);
  Reply sitemap_file(const net::Request& r, const http::Params& p);  // dispatches the three below
  Reply sitemap_pages(const net::Request& r, const http::Params& p);
  Reply sitemap_articles(const net::Request& r, const http::Params& p);
  Reply sitemap_news(const net::Request& r, const http::Params& p);
  Reply robots(const net::Request& r, const http::Params& p);

  // JSON API (api.cpp)
  Reply api_editions(const net::Request& r, const http::Params& p);
  Reply api_sections(const net::Request& r, const http::Params& p);
  Reply api_articles(const net::Request& r, const http::Params& p);
  Reply api_article(const net::Request& r, const http::Params& p);
  Reply api_newsfeed(const net::Request& r, const http::Params& p);
  Reply api_openapi(const net::Request& r, const http::Params& p);
};

}  // namespace herald::site
