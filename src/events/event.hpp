// Typed content events: what the outbox (storage/event_store.hpp) records, as listeners see it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "content/model.hpp"

namespace herald::events {

enum class Kind {
  StoryPublished,  // a story went live (or a scheduled one came due)
  StoryUpdated,    // a live story changed
  StoryRemoved,    // a live story was unpublished
  StoryChat,       // a story's chat room was opened or closed
  Discussion,      // what readers see of a story's discussion changed (a comment, a setting)
  CatalogChanged,  // sections, editions, photo texts: navigation and every page may change
  DirectoryChanged,  // new authors or tags: nothing shown changes yet, names must be known
  Other,           // recorded by a newer Herald: purged, otherwise ignored
};
Kind kind_from(std::string_view stored);  // "article.published" -> StoryPublished
const char* to_string(Kind k);            // StoryPublished -> "article.published"
inline bool is_story(Kind k) {
  return k == Kind::StoryPublished || k == Kind::StoryUpdated || k == Kind::StoryRemoved;
}

struct Event {
  std::int64_t seq = 0;  // the outbox's number: increasing, shared by every node
  content::UnixTime at = 0;
  Kind kind = Kind::Other;
  content::Id edition_id = 0;
  content::Id article_id = 0;
  std::vector<std::string> purge_keys;  // page-cache keys to drop ("*": everything)
};

}  // namespace herald::events
