#include "web/directory.hpp"

namespace herald::web {

std::shared_ptr<const Directory> Directory::load(storage::NewsStore& store) {
  auto d = std::make_shared<Directory>();
  auto news = store.snapshot();  // the four lists as of one moment
  d->editions = news->editions();
  d->sections = news->sections();
  d->authors = news->authors();
  d->tags = news->tags();
  for (std::size_t i = 0; i < d->editions.size(); ++i) d->edition_by_id_[d->editions[i].id] = i;
  for (std::size_t i = 0; i < d->sections.size(); ++i) d->section_by_id_[d->sections[i].id] = i;
  for (std::size_t i = 0; i < d->tags.size(); ++i) d->tag_by_id_[d->tags[i].id] = i;
  for (std::size_t i = 0; i < d->authors.size(); ++i) d->author_by_id_[d->authors[i].id] = i;
  return d;
}

const content::Edition* Directory::edition(const std::string& code) const {
  for (auto& e : editions)
    if (e.code == code) return &e;
  return nullptr;
}

const content::Edition* Directory::edition(content::Id id) const {
  auto it = edition_by_id_.find(id);
  return it == edition_by_id_.end() ? nullptr : &editions[it->second];
}

const content::Edition* Directory::default_edition() const {
  for (auto& e : editions)
    if (e.is_default) return &e;
  return editions.empty() ? nullptr : &editions.front();
}

const content::Section* Directory::section(content::Id id) const {
  auto it = section_by_id_.find(id);
  return it == section_by_id_.end() ? nullptr : &sections[it->second];
}

const content::Section* Directory::section(content::Id edition_id, std::string_view slug) const {
  for (auto& s : sections)
    if (s.edition_id == edition_id && s.slug == slug) return &s;
  return nullptr;
}

std::vector<const content::Section*> Directory::sections_of(content::Id edition_id) const {
  std::vector<const content::Section*> out;
  for (auto& s : sections)
    if (s.edition_id == edition_id) out.push_back(&s);
  return out;
}

const content::Tag* Directory::tag(content::Id id) const {
  auto it = tag_by_id_.find(id);
  return it == tag_by_id_.end() ? nullptr : &tags[it->second];
}

const content::Tag* Directory::tag(content::Id edition_id, std::string_view slug) const {
  for (auto& t : tags)
    if (t.edition_id == edition_id && t.slug == slug) return &t;
  return nullptr;
}

const content::Author* Directory::author(content::Id id) const {
  auto it = author_by_id_.find(id);
  return it == author_by_id_.end() ? nullptr : &authors[it->second];
}

const content::Author* Directory::author(std::string_view slug) const {
  for (auto& a : authors)
    if (a.slug == slug) return &a;
  return nullptr;
}

}  // namespace herald::web
