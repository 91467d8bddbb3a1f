// Rendering helpers shared by the pages: the layout around every page, strings from the
// catalog, dates, story list items and responsive images.
#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_emitter.h>

#include <algorithm>
#include <boost/json.hpp>
#include <ctime>

#include "site/internal.hpp"
#include "site/template_names.hpp"

namespace herald::site {

using ctemplate::TemplateDictionary;

std::string Site::Impl::render(const std::string& tpl, TemplateDictionary& dict) const {
  // ctemplate's shared cache takes one lock per expansion; each I/O thread expands from its
  // own frozen copy instead (all templates are registered before the threads start).
  thread_local std::unique_ptr<ctemplate::TemplateCache> cache = [] {
    std::unique_ptr<ctemplate::TemplateCache> c(
        ctemplate::mutable_default_template_cache()->Clone());
    c->Freeze();
    return c;
  }();
  std::string out;
  ctemplate::StringEmitter emitter(&out);
  if (!cache->ExpandWithData(tpl, ctemplate::DO_NOT_STRIP, &dict, nullptr, &emitter))
    throw std::runtime_error("template " + tpl + " failed to expand");
  return out;
}

std::string Site::Impl::render(const std::string& lang, const std::string& tpl,
                               TemplateDictionary& dict) const {
  return render(lang + "/" + tpl, dict);
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

std::string Site::Impl::fmt_date(const content::Edition& e, std::int64_t t,
                                 const std::string& key) const {
  // Patterns per language live in the catalog ("date_long", "date_short", "time_only").
  return i18n::format_time(t, catalog.text(e.language, key), e.locale, e.time_zone);
}

void Site::Impl::fill_image(TemplateDictionary* d, const content::Media& m,
                            const std::string& sizes) const {
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
  // The fallback src: the rendition closest to 1024 px, else the original.
  std::string src = media_url(m.file);
  for (auto* r : jpeg)
    if (r->width <= 1024) src = media_url(r->file);
  d->SetValue(tn::kSRC, src);
  d->SetValue(tn::kSRCSET_JPEG,
              jpeg.empty() ? src + " " + std::to_string(m.width) + "w" : srcset(jpeg));
  if (!webp.empty()) d->AddSectionDictionary(tn::kWEBP)->SetValue(tn::kSRCSET, srcset(webp));
  d->SetValue(tn::kSIZES, sizes);
  d->SetIntValue(tn::kW, m.width);
  d->SetIntValue(tn::kH, m.height);
  d->SetValue(tn::kALT, m.alt);
}

void Site::Impl::fill_story_item(TemplateDictionary* d, const Directory& dir,
                                 const content::Edition& e, const content::Article& a) const {
  const auto* s = dir.section(a.section_id);
  if (!s) return;
  std::string url = content::article_path(e, *s, a);
  d->SetValue(tn::kURL, url);
  d->SetValue(tn::kHEADLINE, a.headline);
  d->SetValue(tn::kSUMMARY, a.summary);
  d->SetValue(tn::kSECTION_NAME, s->name);
  d->SetValue(tn::kSECTION_URL, "/" + e.code + "/" + s->slug + "/");
  d->SetValue(tn::kISO, i18n::iso8601(a.published_at));
  d->SetValue(tn::kWHEN, fmt_date(e, a.published_at, "date_short"));
  d->SetValue(tn::kTIME, fmt_date(e, a.published_at, "time_only"));
  if (a.breaking) d->ShowSection(tn::kBREAKING);
  if (a.lead_media_id) {
    if (auto m = media(a.lead_media_id)) {
      d->ShowSection(tn::kWITH_IMAGE);
      fill_image(d->AddSectionDictionary(tn::kTHUMB), *m, "(min-width: 700px) 200px, 30vw");
    }
  }
}

std::shared_ptr<const Site::Impl::Frame> Site::Impl::frame(const content::Edition* e,
                                                           content::Id active) const {
  int year = [this] {
    std::time_t t = static_cast<std::time_t>(now_unix());
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
  }();
  FrameKey key{e ? e->id : 0, active, year};
  {
    std::shared_lock lock(frame_mu);
    if (auto it = frames.find(key); it != frames.end()) return it->second;
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
  auto f = std::make_shared<const Frame>(
      Frame{render(lang, "masthead.tpl", dict), render(lang, "footer.tpl", dict)});
  std::unique_lock lock(frame_mu);
  if (frames.size() > 1000) frames.clear();
  frames.emplace(key, f);
  return f;
}

std::string Site::Impl::page(const Chrome& c, const std::string& content_html) const {
  auto d = dir();
  const content::Edition* e = c.edition ? c.edition : d->default_edition();
  TemplateDictionary dict("l");
  std::string lang = e ? e->language : "en";
  dict.SetValue(tn::kLANG, lang);
  dict.SetValue(tn::kSITE_NAME, e ? e->site_name : "Herald");
  std::string site = e ? e->site_name : "Herald";
  dict.SetValue(tn::kTITLE, c.title.empty() ? site : c.title + " — " + site);
  dict.SetValue(tn::kDESCRIPTION, c.description.empty() ? (e ? e->tagline : "") : c.description);
  dict.SetValue(tn::kCANONICAL, abs(c.canonical));
  dict.SetValue(tn::kOG_TYPE, c.og_type);
  dict.SetValue(tn::kOG_LOCALE, e ? e->locale : "en_GB");
  dict.SetValue(tn::kTWITTER_CARD, c.og_image.empty() ? "summary" : "summary_large_image");
  if (!c.og_image.empty()) dict.AddSectionDictionary(tn::kOG_IMAGE)->SetValue(tn::kURL, c.og_image);
  if (c.noindex) dict.ShowSection(tn::kNOINDEX);
  dict.SetValue(tn::kCSS_URL, static_urls.at("site.css"));
  dict.SetValue(tn::kJS_URL, static_urls.at("site.js"));
  dict.SetValue("LIVE_JS_URL", static_urls.at("live.js"));
  dict.SetValue("EDITION_CODE", e ? e->code : "");
  for (auto& name : c.scripts)
    if (auto it = static_urls.find(name); it != static_urls.end())
      dict.AddSectionDictionary("SCRIPT")->SetValue(tn::kURL, it->second);
  dict.SetValue(tn::kFAVICON_URL, static_urls.at("favicon.svg"));
  if (!c.jsonld.empty())
    dict.AddSectionDictionary(tn::kJSONLD)->SetValue(tn::kDATA, json_for_script(c.jsonld));
  if (!c.rss.empty()) {
    auto* r = dict.AddSectionDictionary(tn::kRSS);
    r->SetValue(tn::kRSS_URL, c.rss);
    r->SetValue(tn::kRSS_TITLE, site + " RSS");
  }
  for (auto& [hl, href] : c.alternates) {
    auto* a = dict.AddSectionDictionary(tn::kALT);
    a->SetValue(tn::kHREFLANG, hl);
    a->SetValue(tn::kHREF, abs(href));
  }
  // The masthead and footer are the same on every page of an edition section: rendered once.
  auto f = frame(e, c.active_section);
  // Large values we keep alive ourselves are not copied into the dictionary's arena.
  dict.SetValueWithoutCopy(tn::kMASTHEAD, f->masthead);
  dict.SetValueWithoutCopy(tn::kFOOTER, f->footer);
  dict.SetValueWithoutCopy(tn::kCONTENT, content_html);
  return render(lang, "layout.tpl", dict);
}

Reply Site::Impl::error_page(int status, const content::Edition* e,
                             const std::string& detail) const {
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

}  // namespace herald::site
