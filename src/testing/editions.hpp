// For unit tests: the English edition most tests start from (UTC, default), and stories.
#pragma once
#include <string>

#include "content/model.hpp"

namespace herald::testing {

inline content::Edition english_edition() {
  return content::Edition{0, "en", "en", "en_GB", "Herald", "", "UTC", "dd.MM.yyyy", true, 0};
}

// A one-paragraph story in `section` of `edition`, with the given status and time.
inline content::Article story(content::Id edition, content::Id section, const std::string& headline,
                              content::Status status = content::Status::Published,
                              content::UnixTime published_at = 0) {
  content::Article a;
  a.edition_id = edition;
  a.section_id = section;
  a.headline = headline;
  a.slug = "s";
  a.status = status;
  a.published_at = published_at;
  a.body = {content::Block{content::Block::Type::Paragraph, "Text"}};
  return a;
}

}  // namespace herald::testing
