// An immutable snapshot of the small, rarely changing parts of the site: editions, sections,
// tags and authors, with the lookups pages need. Rebuilt from storage when a "catalog"
// event arrives and swapped in atomically; readers hold a shared_ptr to the one they use.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "content/model.hpp"
#include "storage/store.hpp"

namespace herald::web {

struct Directory {
  std::vector<content::Edition> editions;
  std::vector<content::Section> sections;
  std::vector<content::Author> authors;
  std::vector<content::Tag> tags;

  static std::shared_ptr<const Directory> load(storage::NewsStore& store);

  const content::Edition* edition(const std::string& code) const;
  const content::Edition* edition(content::Id id) const;
  const content::Edition* default_edition() const;
  const content::Section* section(content::Id id) const;
  const content::Section* section(content::Id edition_id, std::string_view slug) const;
  std::vector<const content::Section*> sections_of(content::Id edition_id) const;
  const content::Tag* tag(content::Id id) const;
  const content::Tag* tag(content::Id edition_id, std::string_view slug) const;
  const content::Author* author(content::Id id) const;
  const content::Author* author(std::string_view slug) const;

 private:
  std::unordered_map<content::Id, std::size_t> edition_by_id_, section_by_id_, tag_by_id_,
      author_by_id_;
};

}  // namespace herald::web
