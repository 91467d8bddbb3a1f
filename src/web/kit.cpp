// The web kit: templates, static files, the page frame, error pages, sessions' cookies and
// forms, JSON answers (see kit.hpp).
#include "web/kit.hpp"

#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_emitter.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <ctime>
#include <unordered_map>

#include "http/compress.hpp"
#include "util/assets.hpp"
#include "util/text.hpp"
#include "util/token.hpp"
#include "web/filling.hpp"
#include "web/stencil.hpp"
#include "web/template_names.hpp"

namespace herald::web {

using ctemplate::TemplateDictionary;
namespace json = boost::json;

namespace {

std::string hex8(std::string_view data) {
  std::string e = http::etag_of(data);  // "\"0123456789abcdef\""
  return e.substr(1, 8);
}

}  // namespace

std::string content_type_for(std::string_view name) {
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

int status_of(content::Outcome o) {
  switch (o) {
    case content::Outcome::Done:
      return 200;
    case content::Outcome::Created:
      return 201;
    case content::Outcome::BadInput:
      return 400;
    case content::Outcome::Forbidden:
      return 403;
    case content::Outcome::NotFound:
      return 404;
    case content::Outcome::Conflict:
      return 409;
    case content::Outcome::Invalid:
      return 422;
    case content::Outcome::TooSoon:
      return 429;
  }
  return 500;
}

content::Outcome outcome_of(int status) {
  switch (status) {
    case 200:
      return content::Outcome::Done;
    case 201:
      return content::Outcome::Created;
    case 400:
      return content::Outcome::BadInput;
    case 403:
      return content::Outcome::Forbidden;
    case 404:
      return content::Outcome::NotFound;
    case 409:
      return content::Outcome::Conflict;
    case 429:
      return content::Outcome::TooSoon;
    default:
      return content::Outcome::Invalid;
  }
}

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

std::string Kit::t(const std::string& lang, const std::string& key,
                   const std::vector<std::pair<std::string, std::string>>& args) const {
  return i18n::fill(catalog.text(lang, key), args);
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
  // A discussion's order, keyset position ("id", or "key.id" for the best order) and thread.
  if (name == "sort") return value == "best" || value == "newest" || value == "oldest";
  if (name == "after" || name == "thread") {
    auto dot = value.find('.');
    if (dot != std::string_view::npos && name != "after") return false;
    auto plain = [](std::string_view n) {  // digits written plainly: no sign, no leading zero
      if (n.empty() || n.size() > 18 || (n.size() > 1 && n[0] == '0')) return false;
      for (char c : n)
        if (c < '0' || c > '9') return false;
      return true;
    };
    if (dot == std::string_view::npos) return plain(value);
    return plain(value.substr(0, dot)) && plain(value.substr(dot + 1));
  }
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

void ScriptJson::open(std::string_view key, char bracket) {
  if (!first_) out_ += ',';
  if (!key.empty()) {
    string(key);
    out_ += ':';
  }
  out_ += bracket;
  closers_ += bracket == '{' ? '}' : ']';
  first_ = true;
}

ScriptJson& ScriptJson::object(std::string_view key) {
  open(key, '{');
  return *this;
}

ScriptJson& ScriptJson::array(std::string_view key) {
  open(key, '[');
  return *this;
}

ScriptJson& ScriptJson::end() {
  if (closers_.empty()) throw std::logic_error("ScriptJson: end() without an open object");
  out_ += closers_.back();
  closers_.pop_back();
  first_ = false;
  return *this;
}

ScriptJson& ScriptJson::member(std::string_view key, std::string_view text) {
  if (!first_) out_ += ',';
  string(key);
  out_ += ':';
  string(text);
  first_ = false;
  return *this;
}

ScriptJson& ScriptJson::item(std::string_view text) {
  if (!first_) out_ += ',';
  string(text);
  first_ = false;
  return *this;
}

void ScriptJson::string(std::string_view s) {
  // The bytes JSON or the <script> element treat specially; every other byte is copied in runs.
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c : {int{'"'}, int{'\\'}, int{'<'}, int{'>'}, int{'&'}, 0xe2})
      t[static_cast<std::size_t>(c)] = true;
    return t;
  }();
  static constexpr char kHex[] = "0123456789abcdef";
  out_ += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (!kSpecial[c]) continue;
    const char* rep = nullptr;  // a two-character escape
    switch (c) {
      case '"':
        rep = "\\\"";
        break;
      case '\\':
        rep = "\\\\";
        break;
      case '\b':
        rep = "\\b";
        break;
      case '\f':
        rep = "\\f";
        break;
      case '\n':
        rep = "\\n";
        break;
      case '\r':
        rep = "\\r";
        break;
      case '\t':
        rep = "\\t";
        break;
      case 0xe2:  // U+2028 and U+2029 end a JavaScript string; other characters stay as they are
        if (i + 2 < s.size() && s[i + 1] == '\x80' && (s[i + 2] == '\xa8' || s[i + 2] == '\xa9')) {
          out_.append(s.substr(run, i - run));
          out_ += s[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
          i += 2;
          run = i + 1;
        }
        continue;
      default:
        break;
    }
    out_.append(s.substr(run, i - run));
    if (rep) {
      out_.append(rep, 2);
    } else {  // <, >, & and the other control bytes
      const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out_.append(u, 6);
    }
    run = i + 1;
  }
  out_.append(s.substr(run));
  out_ += '"';
}

Reply api_error(int status, const std::string& code, const std::string& message) {
  Reply r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body =
      json::serialize(json::object{{"error", json::object{{"code", code}, {"message", message}}}});
  r.cache_control = "no-store";
  return r;
}

Reply api_json(int status, const json::value& v) {
  Reply r;
  r.status = status;
  r.content_type = "application/json";
  r.body = json::serialize(v);
  return r;
}

Kit::Kit(Options o, storage::NewsStore& s, accounts::Accounts* a)
    : options(std::move(o)),
      store(s),
      accounts(a),
      catalog(i18n::Catalog::load_embedded()),
      cache(options.cache_bytes) {
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  directory_.store(Directory::load(store));
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
      static_files[hashed] = {content_type_for(name), data};
    }
  }
}

void Kit::reload(bool catalog_changed) {
  directory_.store(Directory::load(store));
  if (!catalog_changed) return;
  {
    std::unique_lock lock(media_mu_);
    media_cache_.clear();
  }
  std::unique_lock lock(frame_mu_);
  frames_.clear();
}

std::optional<json::value> Handlers::json_body(const net::Request& r, Reply& error) const {
  return kit.json_body(r, error);
}

std::shared_ptr<const content::Media> Kit::media(content::Id id) const {
  {
    std::shared_lock lock(media_mu_);
    if (auto it = media_cache_.find(id); it != media_cache_.end())
      return std::shared_ptr<const content::Media>(it->second, &it->second->media);
  }
  auto m = store.media(id);
  if (!m) return nullptr;
  auto c = std::make_shared<CachedMedia>();
  c->media = std::move(*m);
  c->set = image_set(c->media);
  std::shared_ptr<const CachedMedia> p = std::move(c);
  std::unique_lock lock(media_mu_);
  if (media_cache_.size() > 100000) media_cache_.clear();
  media_cache_.emplace(id, p);
  return std::shared_ptr<const content::Media>(p, &p->media);
}

Reply Kit::failure(const net::Request& req, bool api, const content::Edition* e,
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

std::string Kit::render(const std::string& tpl, TemplateDictionary& dict) const {
  // ctemplate's shared cache takes one lock per expansion; each I/O thread expands from its
  // own frozen copy instead (all templates are registered before the threads start).
  thread_local std::unique_ptr<ctemplate::TemplateCache> cache = [] {
    std::unique_ptr<ctemplate::TemplateCache> c(
        ctemplate::mutable_default_template_cache()->Clone());
    c->Freeze();
    return c;
  }();
  // Room for what this template gave last time on this thread, so that the output is not
  // copied again as it grows (a story page is some 30 KB).
  thread_local std::unordered_map<std::string, std::size_t> last_size;
  auto& hint = last_size[tpl];
  std::string out;
  out.reserve(hint + hint / 8);
  ctemplate::StringEmitter emitter(&out);
  if (!cache->ExpandWithData(tpl, ctemplate::DO_NOT_STRIP, &dict, nullptr, &emitter))
    throw std::runtime_error("template " + tpl + " failed to expand");
  hint = std::max(hint - hint / 4, out.size());  // (a large page is forgotten slowly)
  return out;
}

std::string Kit::render(const std::string& lang, const std::string& tpl,
                        TemplateDictionary& dict) const {
  return render(lang + "/" + tpl, dict);
}

namespace {
// Shapes of page templates kept cut. A story page's shape is its sections: breaking or not, a
// correction, so many authors and tags, a photo with or without WebP, and so on: a few dozen.
constexpr std::size_t kTemplateShapes = 512;
}  // namespace

std::string Kit::render(const std::string& lang, const std::string& tpl, const Filling& f) const {
  std::string name = lang + "/" + tpl;
  std::string key = name + '\n' + f.shape();
  auto render_with = [&](const std::vector<std::string>& values) {
    TemplateDictionary dict("f");
    f.build(dict, values);
    return render(name, dict);
  };
  {
    std::shared_lock lock(stencil_mu_);
    if (auto it = stencils_.find(key); it != stencils_.end())
      return it->second ? it->second->fill(f.values()) : render_with(f.values());
    if (stencils_.size() >= kTemplateShapes) return render_with(f.values());
  }
  std::shared_ptr<const Stencil> made;
  if (auto cut = Stencil::cut(render_with, f.values().size()))
    made = std::make_shared<Stencil>(std::move(*cut));
  std::string want = render_with(f.values());
  if (made && made->fill(f.values()) != want) {
    spdlog::warn("{} cannot be filled in from one cut copy for pages of its shape; each such "
                 "page renders in full",
                 name);
    made.reset();
  }
  std::unique_lock lock(stencil_mu_);
  if (stencils_.size() < kTemplateShapes) stencils_.emplace(std::move(key), std::move(made));
  return want;
}

std::string localize_template(std::string_view text, const i18n::Catalog& catalog,
                              const std::string& lang) {
  // {{T_SHOW_MORE}} -> the catalog's "show_more", HTML-escaped, fixed at load time.
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (;;) {
    auto open = text.find("{{T_", pos);
    if (open == std::string_view::npos) break;
    auto close = text.find("}}", open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    std::string key(text.substr(open + 4, close - open - 4));
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (char c : catalog.text(lang, key)) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          out.push_back(c);
      }
    }
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

std::string Kit::fmt_date(const content::Edition& e, std::int64_t t, const std::string& key) const {
  // Patterns per language live in the catalog ("date_long", "date_short", "time_only").
  return i18n::format_time(t, catalog.text(e.language, key), e.locale, e.time_zone);
}

Kit::ImageSet Kit::image_set(const content::Media& m) const {
  std::vector<const content::Rendition*> jpeg, webp;
  for (auto& r : m.renditions) (r.format == "webp" ? webp : jpeg).push_back(&r);
  auto by_width = [](auto* a, auto* b) { return a->width < b->width; };
  std::sort(jpeg.begin(), jpeg.end(), by_width);
  std::sort(webp.begin(), webp.end(), by_width);
  auto srcset = [&](const std::vector<const content::Rendition*>& rs) {
    std::string s;
    for (auto* r : rs) {
      if (!s.empty()) s += ", ";
      s += media_url(r->file) + " " + std::to_string(r->width) + "w";
    }
    return s;
  };
  ImageSet set;
  // The fallback src: the rendition closest to 1024 px, else the original.
  set.src = media_url(m.file);
  for (auto* r : jpeg)
    if (r->width <= 1024) set.src = media_url(r->file);
  set.srcset_jpeg = jpeg.empty() ? set.src + " " + std::to_string(m.width) + "w" : srcset(jpeg);
  set.srcset_webp = srcset(webp);
  return set;
}

void Kit::fill_image(Filling& d, const content::Media& m, const std::string& sizes) const {
  // A photo read through media() has its set worked out already.
  std::shared_ptr<const CachedMedia> cached;
  {
    std::shared_lock lock(media_mu_);
    if (auto it = media_cache_.find(m.id); it != media_cache_.end() && &it->second->media == &m)
      cached = it->second;
  }
  ImageSet own;
  if (!cached) own = image_set(m);
  const ImageSet& set = cached ? cached->set : own;
  d.set(tn::kSRC, set.src);
  d.set(tn::kSRCSET_JPEG, set.srcset_jpeg);
  if (!set.srcset_webp.empty()) d.add(tn::kWEBP).set(tn::kSRCSET, set.srcset_webp);
  d.set(tn::kSIZES, sizes);
  d.set(tn::kW, static_cast<long>(m.width));
  d.set(tn::kH, static_cast<long>(m.height));
  d.set(tn::kALT, m.alt);
}

void Kit::fill_image(TemplateDictionary* d, const content::Media& m,
                     const std::string& sizes) const {
  Filling f;
  fill_image(f, m, sizes);
  f.build(*d);
}

std::shared_ptr<const Kit::Frame> Kit::frame(const content::Edition* e, content::Id active) const {
  int year = [this] {
    std::time_t t = static_cast<std::time_t>(now_unix());
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
  }();
  FrameKey key{e ? e->id : 0, active, year};
  {
    std::shared_lock lock(frame_mu_);
    if (auto it = frames_.find(key); it != frames_.end()) return it->second;
  }
  auto d = dir();
  std::string lang = e ? e->language : "en";
  TemplateDictionary dict("f");
  std::string home = e ? "/" + e->code + "/" : "/";
  dict.SetValue(tn::kSITE_NAME, e ? e->site_name : "Herald");
  dict.SetValue(tn::kTAGLINE, e ? e->tagline : "");
  dict.SetValue(tn::kHOME_URL, home);
  dict.SetValue(tn::kNEWSFEED_URL, home + "newsfeed/");
  dict.SetValue("CHATS_URL", home + "chats/");
  dict.SetValue(tn::kSUBSCRIBE_URL, home + "feeds/");
  dict.SetIntValue(tn::kYEAR, year);
  if (e) {
    for (auto* s : d->sections_of(e->id)) {
      auto* n = dict.AddSectionDictionary(tn::kNAV);
      n->SetValue(tn::kNAME, s->name);
      n->SetValue(tn::kURL, "/" + e->code + "/" + s->slug + "/");
      if (s->id == active) n->ShowSection(tn::kACTIVE);
    }
    dict.SetValue(tn::kEDITION_NAME, catalog.text(e->language, "lang_" + e->language));
    for (auto& other : d->editions) {
      auto* x = dict.AddSectionDictionary(tn::kEDITION);
      x->SetValue(tn::kNAME, catalog.text(other.language, "lang_" + other.language));
      x->SetValue(tn::kLANG, other.language);
      x->SetValue(tn::kURL, "/" + other.code + "/");
      if (other.id == e->id) x->ShowSection(tn::kCURRENT);
    }
  }
  auto made = std::make_shared<Frame>();
  made->masthead = render(lang, "masthead.tpl", dict);
  made->footer = render(lang, "footer.tpl", dict);
  std::shared_ptr<const Frame> f = std::move(made);
  std::unique_lock lock(frame_mu_);
  if (frames_.size() > 1000) frames_.clear();
  frames_.emplace(key, f);
  return f;
}

namespace {
// The layout's per-page values, in this order, then each alternate link's hreflang and address.
enum LayoutHole : std::size_t {
  kHoleTitle,
  kHoleDescription,
  kHoleCanonical,
  kHoleOgImage,
  kHoleJsonld,
  kHoleRss,
  kHoleContent,
  kHoleAlternates
};
constexpr std::size_t kLayoutShapes = 64;  // cut layouts per frame
}  // namespace

std::string Kit::render_layout(const content::Edition* e, const Frame& f, const Chrome& c,
                               const std::vector<std::string_view>& v) const {
  auto ts = [](std::string_view s) { return ctemplate::TemplateString(s.data(), s.size()); };
  TemplateDictionary dict("l");
  std::string lang = e ? e->language : "en";
  std::string site = e ? e->site_name : "Herald";
  dict.SetValue(tn::kLANG, lang);
  dict.SetValue(tn::kSITE_NAME, site);
  dict.SetValueWithoutCopy(tn::kTITLE, ts(v[kHoleTitle]));
  dict.SetValueWithoutCopy(tn::kDESCRIPTION, ts(v[kHoleDescription]));
  dict.SetValueWithoutCopy(tn::kCANONICAL, ts(v[kHoleCanonical]));
  dict.SetValue(tn::kOG_TYPE, c.og_type);
  dict.SetValue(tn::kOG_LOCALE, e ? e->locale : "en_GB");
  dict.SetValue(tn::kTWITTER_CARD, c.og_image.empty() ? "summary" : "summary_large_image");
  if (!c.og_image.empty()) {
    dict.ShowSection(tn::kOG_IMAGE);
    dict.SetValueWithoutCopy(tn::kOG_IMAGE_URL, ts(v[kHoleOgImage]));
  }
  if (c.noindex) dict.ShowSection(tn::kNOINDEX);
  dict.SetValue(tn::kCSS_URL, static_urls.at("site.css"));
  dict.SetValue(tn::kJS_URL, static_urls.at("site.js"));
  dict.SetValue("LIVE_JS_URL", static_urls.at("live.js"));
  dict.SetValue("EDITION_CODE", e ? e->code : "");
  for (auto& name : c.scripts)
    if (auto it = static_urls.find(name); it != static_urls.end())
      dict.AddSectionDictionary("SCRIPT")->SetValue(tn::kURL, it->second);
  dict.SetValue(tn::kFAVICON_URL, static_urls.at("favicon.svg"));
  if (!c.jsonld.empty()) {
    dict.ShowSection(tn::kJSONLD);
    dict.SetValueWithoutCopy(tn::kJSONLD_DATA, ts(v[kHoleJsonld]));
  }
  if (!c.rss.empty()) {
    dict.ShowSection(tn::kRSS);
    dict.SetValueWithoutCopy(tn::kRSS_URL, ts(v[kHoleRss]));
    dict.SetValue(tn::kRSS_TITLE, site + " RSS");
  }
  for (std::size_t k = 0; k < c.alternates.size(); ++k) {
    auto* a = dict.AddSectionDictionary(tn::kALT);
    a->SetValueWithoutCopy(tn::kHREFLANG, ts(v[kHoleAlternates + 2 * k]));
    a->SetValueWithoutCopy(tn::kHREF, ts(v[kHoleAlternates + 2 * k + 1]));
  }
  // Large values we keep alive ourselves are not copied into the dictionary's arena.
  dict.SetValueWithoutCopy(tn::kMASTHEAD, f.masthead);
  dict.SetValueWithoutCopy(tn::kFOOTER, f.footer);
  dict.SetValueWithoutCopy(tn::kCONTENT, ts(v[kHoleContent]));
  return render(lang, "layout.tpl", dict);
}

std::string Kit::page(const Chrome& c, const std::string& content_html) const {
  auto d = dir();
  const content::Edition* e = c.edition ? c.edition : d->default_edition();
  std::string site = e ? e->site_name : "Herald";
  std::string title = c.title.empty() ? site : c.title + " — " + site;
  std::string canonical = abs(c.canonical);
  std::vector<std::string> hrefs;
  hrefs.reserve(c.alternates.size());
  for (auto& alt : c.alternates) hrefs.push_back(abs(alt.second));
  std::vector<std::string_view> v(kHoleAlternates + 2 * c.alternates.size());
  v[kHoleTitle] = title;
  v[kHoleDescription] = c.description.empty() ? (e ? std::string_view(e->tagline) : "")
                                              : std::string_view(c.description);
  v[kHoleCanonical] = canonical;
  v[kHoleOgImage] = c.og_image;
  v[kHoleJsonld] = c.jsonld;
  v[kHoleRss] = c.rss;
  v[kHoleContent] = content_html;
  for (std::size_t k = 0; k < c.alternates.size(); ++k) {
    v[kHoleAlternates + 2 * k] = c.alternates[k].first;
    v[kHoleAlternates + 2 * k + 1] = hrefs[k];
  }
  // The masthead and footer are the same on every page of an edition section: rendered once;
  // and the layout around a page's own values is cut once per shape of page and filled in.
  auto f = frame(e, c.active_section);
  std::string scripts;
  for (auto& name : c.scripts) scripts += name + "\n";
  LayoutShape shape{c.og_type,    !c.og_image.empty(), c.noindex,           scripts,
                    !c.jsonld.empty(), !c.rss.empty(), c.alternates.size()};
  {
    std::shared_lock lock(f->mu);
    if (auto it = f->layouts.find(shape); it != f->layouts.end()) {
      if (it->second) return it->second->fill(v);
      return render_layout(e, *f, c, v);
    }
    // (bounded: past that many kinds of page a new kind renders, without cutting each time)
    if (f->layouts.size() >= kLayoutShapes) return render_layout(e, *f, c, v);
  }
  auto render_with = [&](const std::vector<std::string>& values) {
    return render_layout(e, *f, c, std::vector<std::string_view>(values.begin(), values.end()));
  };
  std::shared_ptr<const Stencil> made;
  if (auto cut = Stencil::cut(render_with, v.size())) made = std::make_shared<Stencil>(*cut);
  std::string want = render_layout(e, *f, c, v);
  if (made && made->fill(v) != want) {
    spdlog::warn("layout.tpl cannot be filled in from one cut copy for pages like {}; each such "
                 "page renders its own",
                 c.canonical);
    made.reset();
  }
  std::unique_lock lock(f->mu);
  if (f->layouts.size() < kLayoutShapes) f->layouts.emplace(shape, std::move(made));
  return want;
}

Reply Kit::error_page(int status, const content::Edition* e, const std::string& detail) const {
  auto d = dir();
  if (!e) e = d->default_edition();
  std::string lang = e ? e->language : "en";
  std::string key = status == 404   ? "not_found"
                    : status == 405 ? "method_not_allowed"
                    : status == 400 ? "bad_request"
                    : status == 403 ? "forbidden"
                    : status == 429 ? "too_many"
                    : status == 409 ? "conflict"
                    : status == 503 ? "unavailable"
                                    : "server_error";
  TemplateDictionary dict("error");
  dict.SetIntValue(tn::kSTATUS, status);
  dict.SetValue(tn::kHEADING, catalog.text(lang, key + "_title"));
  dict.SetValue(tn::kTEXT, detail.empty() ? catalog.text(lang, key + "_text") : detail);
  dict.SetValue(tn::kHOME_URL, e ? "/" + e->code + "/" : "/");
  Chrome c;
  c.edition = e;
  c.title = catalog.text(lang, key + "_title");
  c.canonical = e ? "/" + e->code + "/" : "/";
  c.noindex = true;
  Reply r;
  r.status = status;
  r.body = page(c, render(lang, "error.tpl", dict));
  return r;
}

std::string Kit::session_cookie_name() const {
  return options.secure_cookies ? "__Host-herald_session" : "herald_session";
}

Ctx Kit::make_ctx(const net::Request& req) const {
  Ctx c;
  c.api = req.path.rfind("/api/", 0) == 0;
  auto d = dir();
  c.edition = d->default_edition();
  if (c.edition) c.lang = c.edition->language;
  auto cookies = req.header("Cookie");
  auto auth = req.header("Authorization");
  if (auth.size() > 7 && net::iequals(auth.substr(0, 7), "Bearer ")) {
    c.visitor = accounts->bearer_visitor(std::string(auth.substr(7)));
  } else {
    c.session_token = http::cookie_value(cookies, session_cookie_name());
    if (!c.session_token.empty()) c.visitor = accounts->session_visitor(c.session_token);
  }
  if (c.visitor && !c.visitor->via_api_token) {
    c.csrf = c.visitor->session.csrf;
  } else {
    // Forms of people not logged in (login, register, reset) carry a token that must match
    // a cookie of this browser (double submit): another site can read neither.
    c.csrf = http::cookie_value(cookies, "herald_csrf");
    if (c.csrf.size() < 20) {
      c.csrf = util::random_token();
      http::CookieOptions o;
      o.secure = options.secure_cookies;
      c.set_cookies.push_back(http::set_cookie("herald_csrf", c.csrf, o));
    }
  }
  auto ct = req.header("Content-Type");
  if (req.method == "GET" || req.method == "HEAD")
    c.form = http::parse_form(req.query);
  else if (ct.rfind("application/x-www-form-urlencoded", 0) == 0)
    c.form = http::parse_form(req.body);
  else if (ct.rfind("multipart/form-data", 0) == 0)
    // The no-JavaScript upload form: its fields (the CSRF token among them) sit beside the
    // file. Files stay in the body for the handler.
    if (auto parts = http::parse_multipart(ct, req.body))
      for (auto& part : *parts)
        if (part.filename.empty() && part.data.size() <= 64 * 1024 && !c.form.has(part.name)) {
          c.form.values[part.name] = std::string(part.data);
          c.form.all.emplace_back(part.name, std::string(part.data));
        }
  c.ip = req.remote;
  // Return address: ?next= / the form's next, else the page the person came from on this site.
  std::string fallback = c.edition ? "/" + c.edition->code + "/" : "/";
  std::string next = c.form.get("next");
  if (next.empty()) {
    auto ref = req.header("Referer");
    if (ref.substr(0, options.base_url.size()) == options.base_url &&
        ref.size() > options.base_url.size() && ref[options.base_url.size()] == '/')
      next = std::string(ref.substr(options.base_url.size()));
  }
  if (next.rfind("/account/", 0) == 0) next.clear();
  c.next = http::safe_return_path(next, fallback);
  return c;
}

void Kit::start_session_cookies(Ctx& c, const accounts::NewSession& ns) const {
  http::CookieOptions o;
  o.secure = options.secure_cookies;
  o.same_site = content::is_staff(ns.user.role) ? "Strict" : "Lax";
  o.max_age = ns.max_age;
  c.set_cookies.push_back(http::set_cookie(session_cookie_name(), ns.token, o));
  // A hint for the page script (no secret): show the account link instead of "Log in".
  http::CookieOptions hint;
  hint.secure = options.secure_cookies;
  hint.http_only = false;
  hint.max_age = ns.max_age;
  c.set_cookies.push_back(http::set_cookie("herald_user", "1", hint));
  if (!ns.device_token.empty()) {
    http::CookieOptions dev;
    dev.secure = options.secure_cookies;
    dev.max_age = 365 * 86400;
    c.set_cookies.push_back(http::set_cookie("herald_device", ns.device_token, dev));
  }
}

void Kit::end_session_cookies(Ctx& c) const {
  http::CookieOptions o;
  o.secure = options.secure_cookies;
  o.max_age = 0;
  c.set_cookies.push_back(http::set_cookie(session_cookie_name(), "", o));
  o.http_only = false;
  c.set_cookies.push_back(http::set_cookie("herald_user", "", o));
}

std::string Kit::outcome_text(const Ctx& c, const accounts::Outcome& o) const {
  if (o.retry_after > 0) return catalog.plural(c.lang, "err_too_many", (o.retry_after + 59) / 60);
  return catalog.text(c.lang, o.message);
}

Reply Kit::private_page(const Ctx& c, const std::string& title, const std::string& html, int status,
                        std::vector<std::string> scripts) const {
  Chrome ch;
  ch.scripts = std::move(scripts);
  ch.edition = c.edition;
  ch.title = title;
  ch.canonical = "/account/";
  ch.noindex = true;
  Reply r;
  r.status = status;
  r.body = page(ch, html);
  return r;
}

Reply Kit::redirect(const std::string& to, int status) const {
  Reply r;
  r.status = status;
  r.location = to;
  return r;
}

std::optional<json::value> Kit::json_body(const net::Request& r, Reply& error) const {
  if (r.header("Content-Type").find("application/json") == std::string_view::npos) {
    error =
        api_error(415, "unsupported_media_type", "Send JSON with Content-Type: application/json.");
    return std::nullopt;
  }
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (ec) {
    error = api_error(400, "bad_json", "The request body is not valid JSON: " + ec.message() + ".");
    return std::nullopt;
  }
  return v;
}

}  // namespace herald::web
