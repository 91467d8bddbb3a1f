// Rendering helpers shared by the pages: the layout around every page, strings from the
// catalog, dates, story list items and responsive images.
#include <ctemplate/template.h>

#include <algorithm>
#include <boost/json.hpp>
#include <ctime>

#include "site/internal.hpp"

namespace herald::site {

using ctemplate::TemplateDictionary;

std::string Site::Impl::render(const std::string& tpl, TemplateDictionary& dict) const {
  std::string out;
  if (!ctemplate::ExpandTemplate(tpl, ctemplate::DO_NOT_STRIP, &dict, &out))
    throw std::runtime_error("template " + tpl + " failed to expand");
  return out;
}

void Site::Impl::fill_strings(TemplateDictionary& d, const std::string& lang) const {
  for (const auto& [k, v] : catalog.all(lang)) {
    std::string name = "T_";
    for (char c : k) name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    d.SetValue(name, v);
  }
}

std::string Site::Impl::fmt_date(const content::Edition& e, std::int64_t t, const std::string& key) const {
  // Patterns per language live in the catalog ("date_long", "date_short", "time_only").
  return i18n::format_time(t, catalog.text(e.language, key), e.locale, e.time_zone);
}

void Site::Impl::fill_image(TemplateDictionary* d, const content::Media& m, const std::string& sizes) const {
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
  d->SetValue("SRC", src);
  d->SetValue("SRCSET_JPEG", jpeg.empty() ? src + " " + std::to_string(m.width) + "w" : srcset(jpeg));
  if (!webp.empty()) d->AddSectionDictionary("WEBP")->SetValue("SRCSET", srcset(webp));
  d->SetValue("SIZES", sizes);
  d->SetIntValue("W", m.width);
  d->SetIntValue("H", m.height);
  d->SetValue("ALT", m.alt);
}

void Site::Impl::fill_story_item(TemplateDictionary* d, const Directory& dir, const content::Edition& e,
                                 const content::Article& a) const {
  const auto* s = dir.section(a.section_id);
  if (!s) return;
  std::string url = content::article_path(e, *s, a);
  d->SetValue("URL", url);
  d->SetValue("HEADLINE", a.headline);
  d->SetValue("SUMMARY", a.summary);
  d->SetValue("SECTION_NAME", s->name);
  d->SetValue("SECTION_URL", "/" + e.code + "/" + s->slug + "/");
  d->SetValue("ISO", i18n::iso8601(a.published_at));
  d->SetValue("WHEN", fmt_date(e, a.published_at, "date_short"));
  d->SetValue("TIME", fmt_date(e, a.published_at, "time_only"));
  if (a.breaking) d->ShowSection("BREAKING");
  if (a.lead_media_id) {
    if (auto m = store.media(a.lead_media_id)) {
      d->ShowSection("WITH_IMAGE");
      fill_image(d->AddSectionDictionary("THUMB"), *m, "(min-width: 700px) 200px, 30vw");
    }
  }
}

std::string Site::Impl::page(const Chrome& c, const std::string& content_html) const {
  auto d = dir();
  const content::Edition* e = c.edition ? c.edition : d->default_edition();
  TemplateDictionary dict("layout");
  std::string lang = e ? e->language : "en";
  fill_strings(dict, lang);
  dict.SetValue("LANG", lang);
  dict.SetValue("SITE_NAME", e ? e->site_name : "Herald");
  dict.SetValue("TAGLINE", e ? e->tagline : "");
  std::string home = e ? "/" + e->code + "/" : "/";
  dict.SetValue("HOME_URL", home);
  dict.SetValue("NEWSFEED_URL", home + "newsfeed/");
  dict.SetValue("SUBSCRIBE_URL", home + "feeds/");
  std::string site = e ? e->site_name : "Herald";
  dict.SetValue("TITLE", c.title.empty() ? site : c.title + " — " + site);
  dict.SetValue("DESCRIPTION", c.description.empty() ? (e ? e->tagline : "") : c.description);
  dict.SetValue("CANONICAL", abs(c.canonical));
  dict.SetValue("OG_TYPE", c.og_type);
  dict.SetValue("OG_LOCALE", e ? e->locale : "en_GB");
  dict.SetValue("TWITTER_CARD", c.og_image.empty() ? "summary" : "summary_large_image");
  if (!c.og_image.empty()) dict.AddSectionDictionary("OG_IMAGE")->SetValue("URL", c.og_image);
  if (c.noindex) dict.ShowSection("NOINDEX");
  dict.SetValue("CSS_URL", static_urls.at("site.css"));
  dict.SetValue("JS_URL", static_urls.at("site.js"));
  dict.SetValue("FAVICON_URL", static_urls.at("favicon.svg"));
  dict.SetIntValue("YEAR", [] {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
  }());
  if (!c.jsonld.empty()) dict.AddSectionDictionary("JSONLD")->SetValue("DATA", json_for_script(c.jsonld));
  if (!c.rss.empty()) {
    auto* r = dict.AddSectionDictionary("RSS");
    r->SetValue("RSS_URL", c.rss);
    r->SetValue("RSS_TITLE", site + " RSS");
  }
  for (auto& [hl, href] : c.alternates) {
    auto* a = dict.AddSectionDictionary("ALT");
    a->SetValue("HREFLANG", hl);
    a->SetValue("HREF", abs(href));
  }
  if (e) {
    for (auto* s : d->sections_of(e->id)) {
      auto* n = dict.AddSectionDictionary("NAV");
      n->SetValue("NAME", s->name);
      n->SetValue("URL", "/" + e->code + "/" + s->slug + "/");
      if (s->id == c.active_section) n->ShowSection("ACTIVE");
    }
    dict.SetValue("EDITION_NAME", catalog.text(e->language, "lang_" + e->language));
    for (auto& other : d->editions) {
      auto* x = dict.AddSectionDictionary("EDITION");
      x->SetValue("NAME", catalog.text(other.language, "lang_" + other.language));
      x->SetValue("LANG", other.language);
      std::string url = "/" + other.code + "/";
      for (auto& [hl, href] : c.alternates)
        if (hl == other.language) url = href;
      x->SetValue("URL", url);
      if (other.id == e->id) x->ShowSection("CURRENT");
    }
  }
  dict.SetValue("CONTENT", content_html);
  return render("layout.tpl", dict);
}

Reply Site::Impl::error_page(int status, const content::Edition* e, const std::string& detail) const {
  auto d = dir();
  if (!e) e = d->default_edition();
  std::string lang = e ? e->language : "en";
  std::string key = status == 404 ? "not_found" : status == 405 ? "method_not_allowed"
                    : status == 400 ? "bad_request" : "server_error";
  TemplateDictionary dict("error");
  fill_strings(dict, lang);
  dict.SetIntValue("STATUS", status);
  dict.SetValue("HEADING", catalog.text(lang, key + "_title"));
  dict.SetValue("TEXT", detail.empty() ? catalog.text(lang, key + "_text") : detail);
  dict.SetValue("HOME_URL", e ? "/" + e->code + "/" : "/");
  Chrome c;
  c.edition = e;
  c.title = catalog.text(lang, key + "_title");
  c.canonical = e ? "/" + e->code + "/" : "/";
  c.noindex = true;
  Reply r;
  r.status = status;
  r.body = page(c, render("error.tpl", dict));
  return r;
}

}  // namespace herald::site
