// The site's HTTP front: route tables, the page cache, conditional requests, gzip, static
// assets with content-hashed names, media files, and per-person routes (see app.hpp).
#include "web/app.hpp"

#include <boost/json.hpp>

#include <spdlog/spdlog.h>
#include <sodium.h>

#include <fstream>
#include <sstream>

#include "events/event.hpp"
#include "http/compress.hpp"
#include "util/text.hpp"
#include "util/thread_role.hpp"

namespace herald::web {

namespace {


bool is_text_type(std::string_view ct) {
  return ct.rfind("text/", 0) == 0 || ct.find("json") != std::string_view::npos ||
         ct.find("xml") != std::string_view::npos ||
         ct.find("javascript") != std::string_view::npos ||
         ct.find("svg") != std::string_view::npos;
}

constexpr std::string_view kCsp =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'";

// The security headers of every answer (more for HTML): one list for fresh and cached pages.
void add_security_headers(net::Headers& h, bool html) {
  h.emplace_back("X-Content-Type-Options", "nosniff");
  if (html) {
    h.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
    h.emplace_back("X-Frame-Options", "SAMEORIGIN");
    h.emplace_back("Content-Security-Policy", std::string(kCsp));
  }
}

void security_headers(net::Response& r, bool html) {
  net::Headers h;
  add_security_headers(h, html);
  for (auto& [k, v] : h) r.set_header(k, v);
}

// The headers a page answered from the cache carries (all but Content-Length/-Encoding).
constexpr std::string_view kHitMark = "\r\nX-Cache: hit\r\n";

// A cached page's serialised head as the answer to the request that stored it.
std::shared_ptr<const std::string> as_miss(const std::string& hit_head) {
  auto at = hit_head.find(kHitMark);
  if (at == std::string::npos) return std::make_shared<const std::string>(hit_head);
  std::string out;
  out.reserve(hit_head.size() + 1);
  out.append(hit_head, 0, at);
  out += "\r\nX-Cache: miss\r\n";
  out.append(hit_head, at + kHitMark.size());
  return std::make_shared<const std::string>(std::move(out));
}
// `extra` are the page's own headers (X-Robots-Tag, say).
net::Headers cached_headers(const http::CachedPage& p, const net::Headers& extra) {
  net::Headers h;
  h.reserve(12 + extra.size());
  h.emplace_back("Content-Type", p.content_type);
  h.emplace_back("Cache-Control", p.cache_control);
  h.emplace_back("ETag", p.etag);
  if (!p.last_modified.empty()) h.emplace_back("Last-Modified", p.last_modified);
  for (auto& kv : extra) h.push_back(kv);
  h.emplace_back("X-Cache", "hit");
  add_security_headers(h, p.content_type.rfind("text/html", 0) == 0);
  if (p.compressible) h.emplace_back("Vary", "Accept-Encoding");
  return h;
}

// Whether a conditional GET may be answered 304: its If-None-Match names `etag`, or (without
// one) its If-Modified-Since is no older than `last_modified`.
bool not_modified(const net::Request& req, std::string_view etag, std::int64_t last_modified) {
  auto inm = req.header("If-None-Match");
  if (!inm.empty()) return http::etag_matches(inm, etag);
  auto ims = req.header("If-Modified-Since");
  return !ims.empty() && last_modified && i18n::parse_http_date(ims) >= last_modified;
}

std::string default_cache_control(int status) {
  if (status == 200) return "public, max-age=60, stale-while-revalidate=30";
  if (status == 301) return "public, max-age=3600";
  if (status == 404 || status == 410) return "public, max-age=30";
  return "no-store";
}

bool same_token(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

App::App(Options options, storage::NewsStore& store, accounts::Accounts* accounts)
    : kit_(std::move(options), store, accounts) {}

void App::page(const std::string& pattern, PageFn fn, std::initializer_list<std::string_view> accepts) {
  // Each page names the query parameters it reads; an answer to any other query, or to a value
  // the page would not accept as it is, is served but not kept in the page cache.
  auto& table = pattern.rfind("/api/", 0) == 0 ? api_pages_ : pages_;
  std::vector<std::string_view> names(accepts);
  table.add("GET", pattern,
            [fn = std::move(fn), names](const net::Request& r, const http::Params& p,
                                        storage::NewsReader& news) {
    Reply reply = fn(r, p, news);
    if (!r.query.empty() && !query_fits(r.query, names)) reply.cacheable = false;
    return reply;
  });
}

void App::owns(std::string prefix) { prefixes_.push_back(std::move(prefix)); }

void App::owns_if(std::function<bool(std::string_view)> test) {
  owner_tests_.push_back(std::move(test));
}

bool App::per_person(std::string_view path) const {
  if (!kit_.accounts) return false;
  for (auto& p : prefixes_) {
    if (path == p) return true;
    if (!p.empty() && p.back() == '/' && path.substr(0, p.size()) == p) return true;
    if (!p.empty() && p.back() != '/' && path.substr(0, p.size()) == p &&
        (path.size() == p.size() || path[p.size()] == '/'))
      return true;
  }
  for (auto& t : owner_tests_)
    if (t(path)) return true;
  return false;
}

const Route* App::row_for(std::string_view method, std::string_view path) const {
  http::Params params;
  bool wrong = false;
  auto* fn = row_of_.match(method == "HEAD" ? "GET" : std::string(method), std::string(path),
                           params, wrong);
  return fn ? (*fn)(0, params) : nullptr;
}

bool App::hashes_passwords(const net::Request& r) const {
  if (r.method == "GET" || r.method == "HEAD" || !per_person(r.path)) return false;
  auto* row = row_for(r.method, r.path);
  return row && row->hashes_passwords;
}

std::size_t App::body_limit(std::string_view method, std::string_view path) const {
  if (method == "GET" || method == "HEAD" || !per_person(path)) return 0;
  auto* row = row_for(method, path);
  return row ? row->body_limit : 0;
}

int App::authorize_body(const net::Request& head) {
  if (!kit_.accounts) return 403;
  auto* row = row_for(head.method, head.path);
  if (!row || !row->body_limit) return 403;
  Ctx c;
  try {
    c = kit_.make_ctx(head);
  } catch (const std::exception& ex) {
    spdlog::warn("upload refused: the session could not be read: {}", ex.what());
    return 503;
  }
  const auto* u = c.user();
  if (!u) return 401;
  if (row->need == Need::Staff &&
      (!content::is_staff(u->role) || (row->action && !content::can(u->role, *row->action))))
    return 403;
  return 0;
}

std::vector<std::string> App::routes() const {
  std::vector<std::string> out;
  for (const auto* table : {&pages_, &api_pages_})
    for (auto& [m, p] : table->list()) out.push_back(m + " " + p);
  for (auto& [m, p] : person_.list()) out.push_back(m + " " + p);
  return out;
}

net::WsDecision App::ws_accept(const net::Request& req) {
  if (!ws_) return {nullptr, finish(req, kit_.error_page(404, nullptr), false, 0, {})};
  return ws_(req);
}

void App::apply(const events::Event& ev) {
  // Directory first: a page re-rendered right after its purge must already see new tags,
  // authors and sections.
  bool catalog = ev.kind == events::Kind::CatalogChanged;
  if (catalog || ev.kind == events::Kind::DirectoryChanged) kit_.reload(catalog);
  kit_.cache.purge(ev.purge_keys);
  if (catalog) kit_.cache.purge({"*"});
}

void App::route(Route r) {
  rows_.push_back(std::move(r));
  const Route* row = &rows_.back();
  row_of_.add(row->method, row->pattern, [row](const int&, const http::Params&) { return row; });
  person_.add(row->method, row->pattern, [this, row](const PersonRequest& pr, const http::Params& p) {
    Ctx& c = *pr.ctx;
    const auto& req = pr.req;
    const auto* u = c.user();
    if (row->need != Need::Anyone && !u) {
      if (c.api) return api_error(401, "unauthorized", "Log in first, or send an API token.");
      return kit_.redirect("/account/login?next=" + http::url_encode(req.target));
    }
    if (row->need == Need::Staff &&
        (!content::is_staff(u->role) || (row->action && !content::can(u->role, *row->action)))) {
      if (c.api) return api_error(403, "forbidden", "Your account cannot do this.");
      return kit_.forbidden(c);
    }
    return row->fn(req, p, c);
  });
}

bool App::answers_from_memory(const net::Request& req) const {
  if (req.method != "GET" && req.method != "HEAD") return false;
  if (req.path == "/healthz" || req.path == "/readyz" || req.path == "/" ||
      req.path.rfind("/static/", 0) == 0)
    return true;
  if (per_person(req.path)) return false;
  std::string url = req.path;
  if (!req.query.empty()) url += "?" + req.query;
  return kit_.cache.get(url) != nullptr;
}

net::Response App::handle(const net::Request& req) {
  if (per_person(req.path)) return handle_person(req);
  if (req.method != "GET" && req.method != "HEAD") {
    bool api = req.path.rfind("/api/", 0) == 0;
    Reply r = api ? api_error(405, "method_not_allowed", "This address only answers GET and HEAD.")
                  : kit_.error_page(405, kit_.dir()->default_edition());
    r.headers.emplace_back("Allow", "GET, HEAD");
    return finish(req, std::move(r), false, 0, {});
  }
  if (req.path == "/readyz") {
    // Ready when the database answers and the bus is connected; a balancer sends readers
    // elsewhere meanwhile (503). The process itself stays alive (/healthz).
    std::string db, bus;
    {
      std::lock_guard g(ready_mu_);
      db = ready_db_;
      bus = ready_bus_;
    }
    bool ready = db == "ok" && bus == "ok";
    Reply r = api_json(ready ? 200 : 503, boost::json::object{{"status", ready ? "ready" : "not ready"},
                                                              {"database", db},
                                                              {"bus", bus}});
    r.cache_control = "no-store";
    return finish(req, std::move(r), false, 0, {});
  }
  if (req.path == "/healthz") {
    Reply r;
    r.content_type = "application/json";
    r.cache_control = "no-store";
    r.body = "{\"status\":\"ok\"}";
    return finish(req, std::move(r), false, 0, {});
  }
  if (req.path.rfind("/static/", 0) == 0) {
    auto it = kit_.static_files.find(req.path);
    if (it == kit_.static_files.end())
      return finish(req, kit_.error_page(404, kit_.dir()->default_edition()), false, 0, {});
    Reply r;
    r.content_type = it->second.first;
    r.body = std::string(it->second.second);
    r.cache_control = "public, max-age=31536000, immutable";
    return finish(req, std::move(r), true, kit_.cache.generation(), req.path);
  }
  if (req.path == "/") {
    auto d = kit_.dir();
    Reply r;
    auto* e = d->default_edition();
    r.status = 302;
    r.location = e ? "/" + e->code + "/" : "/healthz";
    r.cache_control = "no-cache";
    return finish(req, std::move(r), false, 0, {});
  }

  // Anonymous pages: the cache first. Only queries made of parameters the site reads are cached,
  // so that random query strings cannot push real pages out of the cache (each route narrows
  // this to its own parameters and values; see add_routes).
  bool cacheable = query_is_cacheable(req.query);
  std::string url = req.path;
  if (!req.query.empty()) url += "?" + req.query;
  // A hit is one lookup and one write of the response made when the page was stored.
  if (auto page = kit_.cache.get(url)) {
    net::Response resp;
    resp.status = page->status;
    if (not_modified(req, page->etag, page->last_modified_unix)) {
      resp.status = 304;
      resp.headers = page->headers;
      return resp;
    }
    if (page->compressible && http::accepts_gzip(req.header("Accept-Encoding")))
      if (auto z = page->gzip_ready(); z && z->head) {
        resp.head = z->head;
        resp.body = z->body;
        if (z->wire) resp.wire = std::shared_ptr<const net::WireSpan>(z, &z->wire);
        return resp;
      }
    resp.head = page->head;
    resp.body = page->body;
    resp.wire = page->wire();
    return resp;
  }

  if (req.path.rfind("/media/", 0) == 0) return serve_media(req);
  std::uint64_t gen = kit_.cache.generation();
  http::Params params;
  bool wrong_method = false;
  bool api = req.path.rfind("/api/", 0) == 0;
  auto* fn = (api ? api_pages_ : pages_).match(req.method, req.path, params, wrong_method);
  Reply reply;
  if (!fn) {
    reply = api ? api_error(404, "not_found", "There is no API endpoint at this address.")
                : kit_.error_page(404, nullptr);
    // A path without its trailing slash: send the reader to the page, if there is one there
    // (a pattern such as /:edition/ matches anything; only a page that answers counts). The
    // address is the request's own, still percent-encoded: nothing decoded goes back out.
    if (!api && req.path.back() != '/' && req.path.find('.') == std::string::npos) {
      bool mm = false;
      http::Params p2;
      net::Request slashed = req;
      slashed.path += '/';
      if (auto* page = pages_.match("GET", slashed.path, p2, mm)) {
        bool exists = false;
        try {
          auto news = kit_.store.snapshot();
          exists = (*page)(slashed, p2, *news).status == 200;
        } catch (const std::exception&) {
        }
        if (exists) {
          reply = Reply{};
          reply.status = 301;
          reply.location = slash_location(req);
        }
      }
    }
  } else {
    try {
      auto news = kit_.store.snapshot();
      reply = (*fn)(req, params, *news);
    } catch (const std::exception& ex) {
      reply = kit_.failure(req, api, kit_.dir()->default_edition(), ex);
    }
  }
  return finish(req, std::move(reply), cacheable && reply.cacheable, gen, url);
}

void App::set_readiness(std::string database, std::string bus) {
  std::lock_guard g(ready_mu_);
  ready_db_ = std::move(database);
  ready_bus_ = std::move(bus);
}

net::Response App::finish(const net::Request& req, Reply reply, bool cacheable,
                                 std::uint64_t gen, const std::string& cache_url) {
  net::Response resp;
  resp.status = reply.status;
  bool html = reply.content_type.rfind("text/html", 0) == 0;
  std::string cc =
      reply.cache_control.empty() ? default_cache_control(reply.status) : reply.cache_control;
  auto body = std::make_shared<const std::string>(std::move(reply.body));
  std::string etag = http::etag_of(*body);
  bool compressible = is_text_type(reply.content_type) && body->size() >= 1024;
  bool wants_gzip = compressible && http::accepts_gzip(req.header("Accept-Encoding"));
  std::shared_ptr<http::CachedPage> page;
  bool sets_cookie = false;
  for (auto& [k, v] : reply.headers) sets_cookie = sets_cookie || net::iequals(k, "Set-Cookie");
  if (cacheable && reply.status == 200 && reply.location.empty() && !sets_cookie &&
      (!reply.cache_keys.empty() || cache_url.rfind("/static/", 0) == 0)) {
    page = std::make_shared<http::CachedPage>();
    page->status = 200;
    page->content_type = reply.content_type;
    page->cache_control = cc;
    page->etag = etag;
    page->last_modified_unix = reply.last_modified;
    if (reply.last_modified) page->last_modified = i18n::rfc1123(reply.last_modified);
    page->body = body;
    page->compressible = compressible;
    page->keys = std::move(reply.cache_keys);
    auto ttl = reply.ttl.count() ? reply.ttl : kit_.options.page_ttl;
    if (cache_url.rfind("/static/", 0) == 0) ttl = std::chrono::hours(24 * 365);
    page->expires = std::chrono::steady_clock::now() + ttl;
    page->headers = cached_headers(*page, reply.headers);
    auto head = net::ready_head(200, page->headers, body->size());
    if (!head.empty()) {  // (a header that fails the check is refused below, never cached)
      page->head = std::make_shared<const std::string>(std::move(head));
      kit_.cache.seal(*page);
      kit_.cache.put(cache_url, page, gen);
      // This request is answered as the next ones will be, from the serialised head.
      net::Response out;
      if (not_modified(req, etag, reply.last_modified)) {
        out.status = 304;
        out.headers = page->headers;
        for (auto& [k, v] : out.headers)
          if (k == "X-Cache") v = "miss";
        return out;
      }
      const auto* ready = page->head.get();
      out.body = body;
      std::shared_ptr<const http::CachedPage::Ready> z;
      if (wants_gzip && (z = page->gzip_ready()) && z->head) {
        ready = z->head.get();
        out.body = z->body;
      }
      out.head = as_miss(*ready);
      return out;
    }
  }
  resp.set_header("Content-Type", reply.content_type);
  resp.set_header("Cache-Control", cc);
  if (!reply.location.empty()) resp.set_header("Location", reply.location);
  for (auto& [k, v] : reply.headers) {
    if (net::iequals(k, "Set-Cookie"))
      resp.headers.emplace_back(k, v);  // one header per cookie
    else
      resp.set_header(k, v);
  }
  security_headers(resp, html);
  if (reply.status == 200) {
    resp.set_header("ETag", etag);
    if (reply.last_modified) resp.set_header("Last-Modified", i18n::rfc1123(reply.last_modified));
    if (cacheable) resp.set_header("X-Cache", "miss");
    if (not_modified(req, etag, reply.last_modified)) {
      resp.status = 304;
      return resp;
    }
  }
  if (compressible) {
    resp.set_header("Vary", "Accept-Encoding");
    if (wants_gzip) {
      std::shared_ptr<const std::string> z;
      if (page) {
        z = page->gzip_body();
      } else if (auto made = http::gzip(*body); !made.empty() && made.size() < body->size()) {
        z = std::make_shared<const std::string>(std::move(made));
      }
      if (z) {
        resp.set_header("Content-Encoding", "gzip");
        resp.body = std::move(z);
        return resp;
      }
    }
  }
  resp.body = body;
  return resp;
}

net::Response App::serve_media(const net::Request& req) {
  std::string name = req.path.substr(7);
  bool ok = !name.empty() && name.size() < 128 && name[0] != '.';
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      ok = false;
  if (ok && name.find("..") != std::string::npos) ok = false;
  if (!ok) return finish(req, kit_.error_page(404, kit_.dir()->default_edition()), false, 0, {});
  std::string url = req.path;
  // The file may be on a shared (network) folder: read on the blocking pool, never where
  // connections are served (the serve command's offload rule; the tests look for this line).
  if (util::on_io_thread()) spdlog::error("photo file read on an I/O thread: {}", name);
  std::ifstream in(kit_.options.media() + "/" + name, std::ios::binary);
  if (!in) return finish(req, kit_.error_page(404, kit_.dir()->default_edition()), false, 0, {});
  std::ostringstream ss;
  ss << in.rdbuf();
  Reply r;
  r.content_type = content_type_for(name);
  r.body = ss.str();
  r.cache_control = "public, max-age=31536000, immutable";
  r.cache_keys = {"media:" + name};
  r.ttl = std::chrono::hours(24);
  return finish(req, std::move(r), true, kit_.cache.generation(), url);
}

net::Response App::handle_person(const net::Request& req) {
  Ctx c;
  try {
    c = kit_.make_ctx(req);  // reads the session: the database may be away
  } catch (const std::exception& ex) {
    bool api = req.path.rfind("/api/", 0) == 0;
    return finish(req, kit_.failure(req, api, kit_.dir()->default_edition(), ex), false, 0, {});
  }
  http::Params params;
  bool wrong_method = false;
  PersonRequest pr{req, &c};
  auto* fn = person_.match(req.method == "HEAD" ? "GET" : req.method, req.path, params,
                                  wrong_method);
  Reply reply;
  if (!fn) {
    if (wrong_method) {
      reply = c.api ? api_error(405, "method_not_allowed", "This address does not take this method.")
                    : kit_.error_page(405, c.edition);
    } else {
      reply = c.api ? api_error(404, "not_found", "There is no API endpoint at this address.")
                    : kit_.error_page(404, c.edition);
      if (!c.api && !req.path.empty() && req.path.back() != '/') {
        bool mm = false;
        http::Params p2;
        if (person_.match("GET", req.path + "/", p2, mm))
          reply = kit_.redirect(slash_location(req), 301);
      }
    }
  } else if (c.api && !c.visitor && req.header("Authorization").size() > 0) {
    reply = api_error(401, "unauthorized", "The API token is not valid: it may be revoked or mistyped.");
  } else if (req.method != "GET" && req.method != "HEAD" &&
             !(c.visitor && c.visitor->via_api_token) &&
             !same_token(c.form.has("csrf") ? c.form.get("csrf")
                                            : std::string(req.header("X-CSRF-Token")),
                         c.csrf)) {
    // Every state change carries the token of this session (or of this browser).
    reply = c.api ? api_error(403, "csrf", kit_.t(c, "err_csrf")) : kit_.error_page(403, c.edition, kit_.t(c, "err_csrf"));
  } else {
    try {
      reply = (*fn)(pr, params);
      // A write from the newsroom is visible to readers when its answer arrives: purge now
      // rather than at the watcher's next poll.
      if (req.method != "GET" && req.method != "HEAD" && reply.status < 400 && after_writes_)
        after_writes_();
    } catch (const std::exception& ex) {
      reply = kit_.failure(req, c.api, c.edition, ex);
    }
  }
  reply.cache_control = "no-store";
  for (auto& sc : c.set_cookies) reply.headers.emplace_back("Set-Cookie", sc);
  return finish(req, std::move(reply), false, 0, {});
}

}  // namespace herald::web
