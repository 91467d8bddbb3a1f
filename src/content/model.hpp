// The news domain: editions, sections, authors, tags, media and articles.
// Plain values with no I/O; storage fills them, the site renders them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace herald::content {

using Id = std::int64_t;
using UnixTime = std::int64_t;  // seconds since the epoch, UTC

// One language edition of the site, e.g. "en" / "Herald International".
struct Edition {
  Id id = 0;
  std::string code;         // URL prefix: "en", "ru"
  std::string language;     // BCP 47 language for catalogs and ICU: "en", "ru"
  std::string locale;       // ICU locale for dates and plurals: "en_GB", "ru_RU"
  std::string site_name;    // "Herald International"
  std::string tagline;      // one line under the masthead
  std::string time_zone;    // IANA zone: "Europe/London"
  std::string date_format;  // ICU pattern for caption dates: "dd.MM.yyyy"
  bool is_default = false;  // served at "/"
  int position = 0;
};

struct Section {
  Id id = 0;
  Id edition_id = 0;
  std::string slug;
  std::string name;
  std::string description;  // the one line under the section's name
  int position = 0;
};

struct Author {
  Id id = 0;
  std::string slug;
  std::string name;
  std::string bio;
};

struct Tag {
  Id id = 0;
  Id edition_id = 0;
  std::string slug;
  std::string name;
};

struct Rendition {
  int width = 0;
  int height = 0;
  std::string format;  // "jpeg" or "webp"
  std::string file;    // file name under the media folder
};

struct Media {
  Id id = 0;
  std::string file;  // original (re-encoded) file name under the media folder
  std::string mime;
  int width = 0;
  int height = 0;
  std::string caption;
  std::string credit;  // "© Agency Photo / Name"
  std::string alt;
  std::vector<Rendition> renditions;
  std::int64_t created_by = 0;  // account that uploaded it (0: imported or demo)
};

// A run of text inside a paragraph or quote, with its marks. Links are http, https or mailto.
struct Span {
  std::string text;
  bool bold = false;
  bool italic = false;
  std::string href;  // empty: not a link
  bool operator==(const Span&) const = default;
};

// One typed block of an article's body.
struct Block {
  enum class Type { Paragraph, Subheading, Quote, List, Image, Embed };
  Type type = Type::Paragraph;
  std::string text;                // paragraph, subheading, quote text; embed title
  std::string cite;                // quote attribution
  std::vector<std::string> items;  // list items
  bool ordered = false;            // list numbering
  Id media_id = 0;                 // image
  std::string caption;             // image caption (overrides the media's when set)
  std::string credit;              // image credit (overrides the media's when set)
  std::string url;                 // embed link
  std::vector<Span> spans;         // paragraph and quote with marks or links (text = their sum)
};

// Another edition's published version of the same story.
struct TranslationRef {
  Id id = 0;
  Id edition_id = 0;
  Id section_id = 0;
  std::string slug;
  std::string headline;
};

enum class Status { Draft, Review, Scheduled, Published, Unpublished };
const char* to_string(Status s);
std::optional<Status> status_from_string(const std::string& s);

struct Article {
  Id id = 0;
  Id edition_id = 0;
  Id section_id = 0;
  std::string slug;
  std::string headline;
  std::string summary;
  std::string dateline;  // "MOSCOW"
  std::vector<Block> body;
  // The body as HTML, rendered when the story was saved, and the version of the body template
  // that made it (0: none). Readers' pages use it while the version is current; otherwise the
  // page renders `body` itself.
  std::string body_html;
  std::int64_t body_html_version = 0;
  // The stored JSON of `body` when the store left parsing it to the caller (see
  // content::ensure_body); empty when `body` is filled.
  std::string body_json;
  Id lead_media_id = 0;         // 0: none
  std::string translation_key;  // shared by the versions of one story across editions
  Status status = Status::Draft;
  bool breaking = false;
  UnixTime published_at = 0;
  UnixTime updated_at = 0;
  std::vector<Id> tag_ids;
  std::vector<Id> author_ids;
  // Filled by NewsStore::article(): the story's published versions in other editions.
  std::vector<TranslationRef> translations;

  // The newsroom's side of the story (filled by NewsStore::article()).
  std::int64_t version = 0;      // increases with every save from the newsroom; 0: never
  std::int64_t created_by = 0;   // account id of the writer (0: imported or demo)
  std::int64_t updated_by = 0;
  UnixTime embargo_until = 0;    // not to be published before this time (0: no embargo)
  UnixTime scheduled_at = 0;     // status Scheduled: the server publishes it at this time
  std::string correction;        // shown to readers above the story when set
  std::int64_t editing_by = 0;   // who has it open in the editor, and since when
  UnixTime editing_at = 0;
  bool chat_enabled = false;     // a live chat room under the story
};

// The reader-visible address of an article: /{edition}/{section}/{id}-{slug}
std::string article_path(const Edition& e, const Section& s, const Article& a);
std::string article_path(const Edition& e, const Section& s, const TranslationRef& t);

// Section slugs that would collide with the site's own routes.
bool is_reserved_section_slug(const std::string& slug);

// Domain validation of an article before it is stored. Returns an empty string when valid,
// otherwise the catalog key (web/locales) of what the person who wrote it must change.
std::string validate(const Article& a);

}  // namespace herald::content

namespace herald::content {
// The cache keys of every page that shows this story: its page, its section, its tags,
// its authors, the edition's home, newsfeed, feeds and sitemaps.
std::vector<std::string> purge_keys_for(const Article& a);
}  // namespace herald::content
