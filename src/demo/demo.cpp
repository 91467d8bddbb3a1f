#include "demo/demo.hpp"

#include <chrono>
#include <filesystem>
#include <random>

#include "content/slug.hpp"
#include "demo/phrases.hpp"
#include "media/images.hpp"

namespace herald::demo {

using namespace content;

namespace {

struct Fill {
  std::string city, city2, org, pct, n;
};

std::string fill(std::string_view pattern, const Fill& f) {
  std::string out(pattern);
  auto rep = [&](std::string_view key, const std::string& v) {
    for (std::size_t p; (p = out.find(key)) != std::string::npos;) out.replace(p, key.size(), v);
  };
  rep("{city2}", f.city2);
  rep("{city}", f.city);
  rep("{org}", f.org);
  rep("{pct}", f.pct);
  rep("{n}", f.n);
  return out;
}

std::string_view pick(const Pair& p, bool ru) { return ru ? p.ru : p.en; }

std::string upper_ascii_or_same(std::string s, bool ru) {
  if (ru) return s;  // Russian datelines stay as written
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

DemoReport generate(storage::NewsStore& store, const DemoOptions& o,
                    const std::function<void(std::int64_t, std::int64_t, const char*)>& progress) {
  DemoReport rep;
  if (!store.editions().empty()) {
    rep.error = "the database already holds editions; use an empty data folder for the demo";
    return rep;
  }
  std::int64_t now = o.now ? o.now
                           : std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  std::mt19937 rng(o.seed);
  auto rnd = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };

  // Editions.
  Edition en{0,
             "en",
             "en",
             "en_GB",
             "Herald International",
             "News from every continent, as it happens.",
             "Europe/London",
             "dd.MM.yyyy",
             true,
             0};
  Edition ru{0,
             "ru",
             "ru",
             "ru_RU",
             "Геральд",
             "Новости со всех континентов — по мере того, как они происходят.",
             "Europe/Moscow",
             "dd.MM.yyyy",
             false,
             1};
  auto r1 = store.add_edition(en);
  auto r2 = store.add_edition(ru);
  if (!r1.ok() || !r2.ok()) {
    rep.error = r1.ok() ? r2.detail : r1.detail;
    return rep;
  }
  en.id = r1.id;
  ru.id = r2.id;
  rep.editions = 2;
  const Edition* eds[2] = {&en, &ru};

  // Sections, tags, authors per edition.
  std::vector<Id> sections[2], tags[2], authors[2];
  for (int l = 0; l < 2; ++l) {
    bool isru = l == 1;
    int pos = 0;
    for (auto& s : kSections) {
      Section sec{0,
                  eds[l]->id,
                  std::string(isru ? s.slug_ru : s.slug_en),
                  std::string(pick(s.name, isru)),
                  std::string(pick(s.description, isru)),
                  pos++};
      auto r = store.add_section(sec);
      if (!r.ok()) {
        rep.error = r.detail;
        return rep;
      }
      sections[l].push_back(r.id);
      rep.sections++;
    }
    for (auto& t : kTags) {
      std::string name(pick(t, isru));
      auto r = store.add_tag(Tag{0, eds[l]->id, make_slug(name), name});
      if (!r.ok()) {
        rep.error = r.detail;
        return rep;
      }
      tags[l].push_back(r.id);
    }
    for (auto& a : isru ? kAuthorsRu : kAuthorsEn) {
      auto r = store.add_author(
          Author{0, make_slug(std::string(a.name)), std::string(a.name), std::string(a.bio)});
      if (!r.ok()) {
        rep.error = r.detail;
        return rep;
      }
      authors[l].push_back(r.id);
    }
  }

  // Photographs: a pool of generated files, described once per edition.
  std::filesystem::create_directories(o.media_dir);
  std::vector<Id> photos[2];
  int images = std::max(1, o.images);
  for (int i = 0; i < images; ++i) {
    if (progress) progress(i, images, "photos");
    std::string name = "demo-" + std::to_string(o.seed) + "-" + std::to_string(i);
    auto files =
        media::generate_demo_photo(o.media_dir, name, o.seed * 7919u + static_cast<unsigned>(i));
    if (!files.error.empty()) {
      rep.error = files.error;
      return rep;
    }
    Fill f{std::string(kCities[static_cast<std::size_t>(i) % kCities.size()].en)};
    Fill fr{std::string(kCities[static_cast<std::size_t>(i) % kCities.size()].ru)};
    auto& cap = kCaptions[static_cast<std::size_t>(i) % kCaptions.size()];
    auto& ph = kPhotographers[static_cast<std::size_t>(i) % kPhotographers.size()];
    for (int l = 0; l < 2; ++l) {
      bool isru = l == 1;
      Media m;
      m.file = files.file;
      m.mime = "image/jpeg";
      m.width = files.width;
      m.height = files.height;
      m.renditions = files.renditions;
      m.caption = fill(pick(cap, isru), isru ? fr : f);
      m.credit = std::string(isru ? "© Фото Геральд / " : "© Herald Photo / ") +
                 std::string(pick(ph, isru));
      m.alt = isru ? "Сгенерированный пейзаж: холмы под вечерним небом"
                   : "A generated landscape of hills under an evening sky";
      auto r = store.add_media(m);
      if (!r.ok()) {
        rep.error = r.detail;
        return rep;
      }
      photos[l].push_back(r.id);
    }
    rep.images++;
  }
  if (progress) progress(images, images, "photos");

  // Stories: each English story has a Russian translation; published newest first over the
  // last days (or, for large databases, over the last years).
  std::int64_t total = o.stories > 0 ? o.stories : 300;
  std::int64_t pairs = (total + 1) / 2;
  std::int64_t span =
      pairs <= 200 ? 4 * 86400 : std::min<std::int64_t>(pairs * 600, 3LL * 365 * 86400);
  std::int64_t step = std::max<std::int64_t>(1, span / pairs);
  store.begin_bulk();
  std::int64_t made = 0;
  try {
    for (std::int64_t i = 0; i < pairs; ++i) {
      if (progress && (i % 500 == 0)) progress(made, total, "stories");
      std::size_t sec = rnd(kSections.size());
      std::size_t head = rnd(6);
      std::size_t ci = rnd(kCities.size()),
                  ci2 = (ci + 1 + rnd(kCities.size() - 1)) % kCities.size();
      std::string org(kOrgs[rnd(kOrgs.size())]);
      std::string pct = std::to_string(2 + rnd(18)), n = std::to_string(5 + rnd(200));
      Fill fills[2] = {{std::string(kCities[ci].en), std::string(kCities[ci2].en), org, pct, n},
                       {std::string(kCities[ci].ru), std::string(kCities[ci2].ru), org, pct, n}};
      std::int64_t published =
          now - 600 - i * step -
          static_cast<std::int64_t>(rnd(static_cast<std::size_t>(step / 2 + 1)));
      std::size_t summary = rnd(kSummaries.size());
      std::vector<std::size_t> sentences;
      for (int k = 0; k < 12; ++k) sentences.push_back(rnd(kSentences.size()));
      std::size_t sub1 = rnd(kSubheadings.size()), sub2 = (sub1 + 1) % kSubheadings.size();
      std::size_t quote = rnd(kQuotes.size()), person = rnd(kPeople.size()),
                  role = rnd(kRoles.size());
      bool with_list = rnd(3) == 0, with_inline = rnd(3) == 0, with_embed = rnd(5) == 0;
      std::size_t list_head = rnd(kListHeads.size()), li = rnd(kListItems.size());
      std::size_t photo = rnd(photos[0].size()), photo2 = rnd(photos[0].size());
      bool has_lead = rnd(6) != 0;
      std::size_t t1 = rnd(kTags.size()), t2 = (t1 + 1 + rnd(kTags.size() - 1)) % kTags.size();
      std::size_t au = rnd(4);
      std::string key = "demo-" + std::to_string(o.seed) + "-" + std::to_string(i);
      for (int l = 0; l < 2 && made < total; ++l) {
        bool isru = l == 1;
        const Fill& f = fills[l];
        Article a;
        a.edition_id = eds[l]->id;
        a.section_id = sections[l][sec];
        a.headline = fill(pick(kSections[sec].headlines[head], isru), f);
        a.slug = make_slug(a.headline);
        a.summary = fill(pick(kSummaries[summary], isru), f);
        a.dateline = upper_ascii_or_same(f.city, isru);
        a.translation_key = key;
        a.status = Status::Published;
        a.breaking = i == 0;
        a.published_at = published;
        a.updated_at = (i % 7 == 3) ? published + 3600 : published;
        if (has_lead) a.lead_media_id = photos[l][photo];
        a.tag_ids = {tags[l][t1], tags[l][t2]};
        a.author_ids = {authors[l][au]};
        auto para = [&](std::size_t from, std::size_t count) {
          Block b;
          for (std::size_t k = from; k < from + count; ++k) {
            if (!b.text.empty()) b.text += ' ';
            b.text += fill(pick(kSentences[sentences[k]], isru), f);
          }
          a.body.push_back(std::move(b));
        };
        para(0, 3);
        para(3, 2);
        a.body.push_back(
            Block{Block::Type::Subheading, std::string(pick(kSubheadings[sub1], isru))});
        para(5, 3);
        {
          Block q{Block::Type::Quote, std::string(pick(kQuotes[quote], isru))};
          q.cite = std::string(pick(kPeople[person], isru)) + ", " +
                   std::string(pick(kRoles[role], isru));
          a.body.push_back(std::move(q));
        }
        if (with_inline) {
          Block img{Block::Type::Image};
          img.media_id = photos[l][photo2];
          a.body.push_back(std::move(img));
        }
        a.body.push_back(
            Block{Block::Type::Subheading, std::string(pick(kSubheadings[sub2], isru))});
        para(8, 2);
        if (with_list) {
          a.body.push_back(
              Block{Block::Type::Paragraph, std::string(pick(kListHeads[list_head], isru)) + ":"});
          Block lst{Block::Type::List};
          for (std::size_t k = 0; k < 3; ++k)
            lst.items.emplace_back(pick(kListItems[(li + k) % kListItems.size()], isru));
          a.body.push_back(std::move(lst));
        }
        para(10, 2);
        if (with_embed) {
          Block e{Block::Type::Embed, isru ? "Полный текст отчёта" : "Read the full report"};
          e.url = "https://example.org/reports/" + std::to_string(1000 + i);
          a.body.push_back(std::move(e));
        }
        if (o.prepare) o.prepare(a);
        auto r = store.save_article(a);
        if (!r.ok()) throw std::runtime_error(r.detail);
        ++made;
      }
    }
    store.commit_bulk();
  } catch (const std::exception& e) {
    store.rollback_bulk();
    rep.error = std::string("demo stories: ") + e.what();
    return rep;
  }
  if (progress) progress(made, total, "stories");
  rep.stories = made;
  return rep;
}

}  // namespace herald::demo
