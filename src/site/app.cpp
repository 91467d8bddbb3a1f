// The site's request pipeline: route table, page cache, conditional requests, gzip,
// static assets with content-hashed names, and media files.
#include <ctemplate/template.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "http/compress.hpp"
#include "http/forms.hpp"
#include "site/internal.hpp"
#include "util/assets.hpp"
#include "util/text.hpp"

namespace herald::site {

namespace {

std::string hex8(std::string_view data) {
  std::string e = http::etag_of(data);  // "\"0123456789abcdef\""
  return e.substr(1, 8);
}

std::string type_for(std::string_view name) {
  auto ends = [&](std::string_view s) {
    return name.size() >= s.size() && name.substr(name.size() - s.size()) == s;
  };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  if (ends(".jpg") || ends(".jpeg")) return "image/jpeg";
  if (ends(".webp")) return "image/webp";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

bool is_text_type(std::string_view ct) {
  return ct.rfind("text/", 0) == 0 || ct.find("json") != std::string_view::npos ||
         ct.find("xml") != std::string_view::npos ||
         ct.find("javascript") != std::string_view::npos ||
         ct.find("svg") != std::string_view::npos;
}

constexpr std::string_view kCsp =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'";

void security_headers(net::Response& r, bool html) {
  r.set_header("X-Content-Type-Options", "nosniff");
  if (html) {
    r.set_header("Referrer-Policy", "strict-origin-when-cross-origin");
    r.set_header("X-Frame-Options", "SAMEORIGIN");
    r.set_header("Content-Security-Policy", std::string(kCsp));
  }
}

// The headers a page answered from the cache carries (all but Content-Length/-Encoding).
net::Headers cached_headers(const http::CachedPage& p) {
  net::Headers h;
  h.reserve(10);
  h.emplace_back("Content-Type", p.content_type);
  h.emplace_back("Cache-Control", p.cache_control);
  h.emplace_back("ETag", p.etag);
  if (!p.last_modified.empty()) h.emplace_back("Last-Modified", p.last_modified);
  h.emplace_back("X-Cache", "hit");
  h.emplace_back("X-Content-Type-Options", "nosniff");
  if (p.content_type.rfind("text/html", 0) == 0) {
    h.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
    h.emplace_back("X-Frame-Options", "SAMEORIGIN");
    h.emplace_back("Content-Security-Policy", std::string(kCsp));
  }
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

}  // namespace

std::string query_param(std::string_view query, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    auto part =
        query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    auto eq = part.find('=');
    if (part.substr(0, eq) == name)
      return eq == std::string_view::npos ? std::string() : http::form_decode(part.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return {};
}

std::string slash_location(const net::Request& req) {
  std::string_view raw(req.target);
  auto q = raw.find('?');
  std::string loc(raw.substr(0, q));
  loc += '/';
  if (q != std::string_view::npos) loc.append(raw.substr(q));
  return loc;
}

std::int64_t parse_int(std::string_view s) { return util::to_int(s).value_or(0); }

namespace {
bool slug_value(std::string_view v) {
  if (v.empty() || v.size() > 100) return false;
  for (char c : v)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          static_cast<unsigned char>(c) >= 0x80 || c == '%'))
      return false;
  return true;
}

// Whether `value` is one that parameter `name` takes as it is (the cache keys on it).
bool accepted_value(std::string_view name, std::string_view value) {
  if (name == "before" || name == "cursor") return parse_cursor(value).has_value();
  if (name == "fragment") return value == "1";
  if (name == "limit") {
    auto n = parse_int(value);
    return n >= 1 && n <= 100 && std::to_string(n) == value;
  }
  if (name == "edition" || name == "section" || name == "tag") return slug_value(value);
  return false;
}
}  // namespace

bool query_fits(std::string_view query, std::span<const std::string_view> accepted) {
  if (query.size() > 256) return false;
  std::vector<std::string_view> seen;
  std::size_t pos = 0;
  while (pos < query.size()) {
    auto amp = query.find('&', pos);
    auto part =
        query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    auto eq = part.find('=');
    auto name = part.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    bool known = false;
    for (auto k : accepted) known = known || name == k;
    if (!known || !accepted_value(name, value)) return false;
    for (auto s : seen)
      if (s == name) return false;  // a repeated name: one copy per spelling otherwise
    seen.push_back(name);
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return true;
}

bool query_is_cacheable(std::string_view query) {
  static constexpr std::string_view kKnown[] = {"before", "fragment", "edition", "section",
                                                "tag",    "limit",    "cursor"};
  return query_fits(query, kKnown);
}

std::optional<storage::Cursor> parse_cursor(std::string_view s) {
  auto dot = s.find('.');
  // At most 18 digits on each side: no overflow.
  if (dot == std::string_view::npos || dot == 0 || dot > 18 || dot + 1 >= s.size() ||
      s.size() - dot - 1 > 18)
    return std::nullopt;
  storage::Cursor c;
  for (char ch : s.substr(0, dot)) {
    if (ch < '0' || ch > '9') return std::nullopt;
    c.published_at = c.published_at * 10 + (ch - '0');
  }
  for (char ch : s.substr(dot + 1)) {
    if (ch < '0' || ch > '9') return std::nullopt;
    c.id = c.id * 10 + (ch - '0');
  }
  if (c.id <= 0) return std::nullopt;
  return c;
}

std::string cursor_string(const content::Article& a) {
  return std::to_string(a.published_at) + "." + std::to_string(a.id);
}

std::string json_for_script(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 16);
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char* rep = nullptr;
    std::size_t skip = 1;
    switch (json[i]) {
      case '<':
        rep = "\\u003c";
        break;
      case '>':
        rep = "\\u003e";
        break;
      case '&':
        rep = "\\u0026";
        break;
      case '\xe2':  // U+2028 and U+2029 end a JavaScript string
        if (i + 2 < json.size() && json[i + 1] == '\x80' &&
            (json[i + 2] == '\xa8' || json[i + 2] == '\xa9')) {
          rep = json[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
          skip = 3;
        }
        break;
      default:
        break;
    }
    if (!rep) continue;
    out.append(json.substr(run, i - run));
    out += rep;
    i += skip - 1;
    run = i + 1;
  }
  out.append(json.substr(run));
  return out;
}

Site::Impl::Impl(SiteOptions o, storage::NewsStore& s)
    : options(std::move(o)),
      store(s),
      catalog(i18n::Catalog::load_embedded()),
      cache(options.cache_bytes) {
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  directory.store(Directory::load(store));
  for (const auto& [path, data] : assets::all()) {
    const std::string_view tp = "web/templates/", sp = "web/static/";
    if (path.substr(0, tp.size()) == tp) {
      std::string name(path.substr(tp.size()));
      ctemplate::StringToTemplateCache(name, data.data(), data.size(), ctemplate::DO_NOT_STRIP);
      for (const auto& lang : catalog.languages()) {
        std::string text = localize_template(data, catalog, lang);
        ctemplate::StringToTemplateCache(lang + "/" + name, text.data(), text.size(),
                                         ctemplate::DO_NOT_STRIP);
      }
    } else if (path.substr(0, sp.size()) == sp) {
      std::string name(path.substr(sp.size()));
      auto dot = name.rfind('.');
      std::string hashed = "/static/" + name.substr(0, dot) + "." + hex8(data) + name.substr(dot);
      static_urls[name] = hashed;
      static_files[hashed] = {type_for(name), data};
    }
  }
  // Stored body HTML is reused while body.tpl stays the same (and the rendering code with it:
  // bump the salt when render_body changes what it puts in the dictionary).
  {
    constexpr std::string_view kRenderBodySalt = "render_body v1";
    std::string basis =
        std::string(assets::get("web/templates/body.tpl")) + std::string(kRenderBodySalt);
    body_version = static_cast<std::int64_t>(std::hash<std::string>{}(basis)&0x7fffffffffffffffULL);
    if (body_version == 0) body_version = 1;
  }
  add_routes();
}

std::shared_ptr<const content::Media> Site::Impl::media(content::Id id) const {
  {
    std::shared_lock lock(media_mu);
    if (auto it = media_cache.find(id); it != media_cache.end()) return it->second;
  }
  auto m = store.media(id);
  if (!m) return nullptr;
  auto p = std::make_shared<const content::Media>(std::move(*m));
  std::unique_lock lock(media_mu);
  if (media_cache.size() > 100000) media_cache.clear();
  media_cache.emplace(id, p);
  return p;
}

Reply Site::Impl::failure(const net::Request& req, bool api, const content::Edition* e,
                          const std::exception& ex) const {
  spdlog::error("{} {} failed: {}", req.method, req.target, ex.what());
  const auto* se = dynamic_cast<const storage::StorageError*>(&ex);
  auto kind = se ? se->kind : storage::StorageError::Kind::Failed;
  if (kind == storage::StorageError::Kind::Failed)
    return api ? api_error(500, "internal", "The server failed to answer; try again shortly.")
               : error_page(500, e);
  bool full = kind == storage::StorageError::Kind::Full;
  std::string lang = e ? e->language : "en";
  std::string text = catalog.text(lang, full ? "err_full" : "err_busy");
  Reply r = api ? api_error(503, full ? "storage_full" : "busy", text) : error_page(503, e, text);
  r.headers.emplace_back("Retry-After", full ? "60" : "5");
  return r;
}

bool Site::Impl::issued_cursor(const storage::Cursor& c) const {
  auto a = store.article(c.id);
  return a && a->status == content::Status::Published && a->published_at == c.published_at;
}

void Site::Impl::add_routes() {
  // Each route names the query parameters it reads; an answer to any other query, or to a
  // value the route would not accept as it is, is served but not kept in the page cache.
  using Accepts = std::initializer_list<std::string_view>;
  auto on = [this](const char* pattern, Reply (Impl::*fn)(const net::Request&, const http::Params&),
                   Accepts accepts = {}) {
    auto& table = std::string_view(pattern).substr(0, 5) == "/api/" ? api_router : router;
    std::vector<std::string_view> names(accepts);
    table.add("GET", pattern, [this, fn, names](const net::Request& r, const http::Params& p) {
      Reply reply = (this->*fn)(r, p);
      if (!r.query.empty() && !query_fits(r.query, names)) reply.cacheable = false;
      return reply;
    });
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
  on("/api/v1/newsfeed/count", &Impl::api_newsfeed_count);
  on("/api/v1/openapi.json", &Impl::api_openapi);
  // Editions.
  on("/:edition/", &Impl::home);
  auto feeds = [this](const std::string& prefix) {
    router.add("GET", prefix + "rss.xml",
               [this](const net::Request& r, const http::Params& p) { return feed(r, p, false); });
    router.add("GET", prefix + "atom.xml",
               [this](const net::Request& r, const http::Params& p) { return feed(r, p, true); });
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

net::Response Site::Impl::handle(const net::Request& req) {
  if (is_private_path(req.path)) return handle_private(req);
  if (req.method != "GET" && req.method != "HEAD") {
    bool api = req.path.rfind("/api/", 0) == 0;
    Reply r = api ? api_error(405, "method_not_allowed", "This address only answers GET and HEAD.")
                  : error_page(405, dir()->default_edition());
    r.headers.emplace_back("Allow", "GET, HEAD");
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
    auto it = static_files.find(req.path);
    if (it == static_files.end())
      return finish(req, error_page(404, dir()->default_edition()), false, 0, {});
    Reply r;
    r.content_type = it->second.first;
    r.body = std::string(it->second.second);
    r.cache_control = "public, max-age=31536000, immutable";
    return finish(req, std::move(r), true, cache.generation(), req.path);
  }
  if (req.path == "/") {
    auto d = dir();
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
  if (auto page = cache.get(url)) {
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
        return resp;
      }
    resp.head = page->head;
    resp.body = page->body;
    return resp;
  }

  if (req.path.rfind("/media/", 0) == 0) return serve_media(req);
  std::uint64_t gen = cache.generation();
  http::Params params;
  bool wrong_method = false;
  bool api = req.path.rfind("/api/", 0) == 0;
  auto* fn = (api ? api_router : router).match(req.method, req.path, params, wrong_method);
  Reply reply;
  if (!fn) {
    reply = api ? api_error(404, "not_found", "There is no API endpoint at this address.")
                : error_page(404, nullptr);
    // A path without its trailing slash: send the reader to the page, if there is one there
    // (a pattern such as /:edition/ matches anything; only a page that answers counts). The
    // address is the request's own, still percent-encoded: nothing decoded goes back out.
    if (!api && req.path.back() != '/' && req.path.find('.') == std::string::npos) {
      bool mm = false;
      http::Params p2;
      net::Request slashed = req;
      slashed.path += '/';
      if (auto* page = router.match("GET", slashed.path, p2, mm)) {
        bool exists = false;
        try {
          auto snapshot = store.snapshot();
          exists = (*page)(slashed, p2).status == 200;
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
      auto snapshot = store.snapshot();
      reply = (*fn)(req, params);
    } catch (const std::exception& ex) {
      reply = failure(req, api, dir()->default_edition(), ex);
    }
  }
  return finish(req, std::move(reply), cacheable && reply.cacheable, gen, url);
}

net::Response Site::Impl::finish(const net::Request& req, Reply reply, bool cacheable,
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
  if (cacheable && reply.status == 200 &&
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
    auto ttl = reply.ttl.count() ? reply.ttl : options.page_ttl;
    if (cache_url.rfind("/static/", 0) == 0) ttl = std::chrono::hours(24 * 365);
    page->expires = std::chrono::steady_clock::now() + ttl;
    page->headers = cached_headers(*page);
    auto head = net::ready_head(200, page->headers, body->size());
    if (!head.empty()) {  // (a header that fails the check is refused below, never cached)
      page->head = std::make_shared<const std::string>(std::move(head));
      cache.put(cache_url, page, gen);
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

net::Response Site::Impl::serve_media(const net::Request& req) {
  std::string name = req.path.substr(7);
  bool ok = !name.empty() && name.size() < 128 && name[0] != '.';
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      ok = false;
  if (ok && name.find("..") != std::string::npos) ok = false;
  if (!ok) return finish(req, error_page(404, dir()->default_edition()), false, 0, {});
  std::string url = req.path;
  std::ifstream in(options.data_dir + "/media/" + name, std::ios::binary);
  if (!in) return finish(req, error_page(404, dir()->default_edition()), false, 0, {});
  std::ostringstream ss;
  ss << in.rdbuf();
  Reply r;
  r.content_type = type_for(name);
  r.body = ss.str();
  r.cache_control = "public, max-age=31536000, immutable";
  r.cache_keys = {"media:" + name};
  r.ttl = std::chrono::hours(24);
  return finish(req, std::move(r), true, cache.generation(), url);
}

Site::Site(SiteOptions options, storage::NewsStore& store)
    : impl_(new Impl(std::move(options), store)) {}
Site::Site(SiteOptions options, storage::NewsStore& store, accounts::Accounts& accounts,
           storage::DeskStore& desk)
    : impl_(new Impl(std::move(options), store)) {
  impl_->accounts = &accounts;
  impl_->desk_store = &desk;
  impl_->desk = std::make_unique<newsroom::Desk>(
      store, desk, accounts.store(), [this](content::Article& a) { prepare_body(a); },
      *impl_->options.clock);
  impl_->add_account_routes();
  impl_->add_newsroom_routes();
}
Site::~Site() = default;

net::Response Site::handle(const net::Request& req) { return impl_->handle(req); }

http::PageCache& Site::cache() { return impl_->cache; }

void Site::prepare_body(content::Article& a) const {
  a.body_html = impl_->render_body(a);
  a.body_html_version = impl_->body_version;
}

int Site::publish_due() {
  if (!impl_->desk) return 0;
  return impl_->desk->publish_due(impl_->now_unix());
}

void Site::after_writes(std::function<void()> fn) { impl_->after_writes = std::move(fn); }

void Site::apply(const events::Event& ev) { impl_->apply(ev); }

void Site::Impl::apply(const events::Event& ev) {
  // Directory first: a page re-rendered right after its purge must already see new tags,
  // authors and sections.
  bool catalog = ev.kind == events::Kind::CatalogChanged;
  if (catalog || ev.kind == events::Kind::DirectoryChanged) directory.store(Directory::load(store));
  if (catalog) {
    {
      std::unique_lock lock(media_mu);
      media_cache.clear();
    }
    {
      std::unique_lock lock(frame_mu);
      frames.clear();
    }
  }
  cache.purge(ev.purge_keys);
  {
    std::unique_lock lock(latest_mu);
    for (const auto& k : ev.purge_keys) {
      if (k == "*")
        latest_cache.clear();
      else if (auto id = util::int_after(k, "section:"))
        latest_cache.erase(id);
    }
  }
  if (catalog) cache.purge({"*"});
}

}  // namespace herald::site
