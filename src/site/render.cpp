// The list item every story list shows (home, sections, tags, authors, "More from").
#include <ctemplate/template.h>

#include "site/internal.hpp"

namespace herald::site {

using ctemplate::TemplateDictionary;

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

}  // namespace herald::site
