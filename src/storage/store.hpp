// The storage interface for news content. All SQL lives behind it (sqlite/ now, postgres/
// later), so handlers never see a database.
//
// Errors: "not found" is an empty optional; invalid input is refused with a message in
// WriteResult; a failing database (disk full, corrupt file) throws StorageError, which the
// HTTP layer turns into a 500 and logs.
// Thread safety: every method may be called from any thread at the same time.
#pragma once
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "content/model.hpp"

namespace herald::storage {

using content::Id;
using content::UnixTime;

struct StorageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct WriteResult {
  Id id = 0;
  std::string error;  // empty on success; otherwise a message for the person who asked
  bool ok() const { return error.empty(); }
};

// A position in a newest-first list: stories strictly older than (published_at, id).
struct Cursor {
  UnixTime published_at = 0;
  Id id = 0;
  bool valid() const { return id > 0; }
};

struct ArticleQuery {
  Id edition_id = 0;        // required
  Id section_id = 0;        // 0: any
  Id tag_id = 0;            // 0: any
  Id author_id = 0;         // 0: any
  UnixTime since = 0;       // only stories published at or after this time (0: any)
  Cursor before;            // start after this story (invalid: from the newest)
  int limit = 20;           // 1..200
  bool with_links = false;  // fill tag_ids and author_ids (one more query per story)
};

// Something changed that readers may see: caches purge `purge_keys`, live features listen.
struct ContentEvent {
  std::int64_t seq = 0;
  UnixTime at = 0;
  std::string kind;  // "article.published", "article.updated", "article.removed", "catalog"
  Id edition_id = 0;
  Id article_id = 0;
  std::vector<std::string> purge_keys;
};

// Held while one page is built: the reads made on this thread until it ends see one
// consistent state of the newsroom (and share one read transaction).
class ReadSnapshot {
 public:
  virtual ~ReadSnapshot() = default;
};

class NewsStore {
 public:
  virtual ~NewsStore() = default;

  virtual std::unique_ptr<ReadSnapshot> snapshot() = 0;

  // Catalog: small, changes rarely; the site keeps a snapshot of it.
  virtual std::vector<content::Edition> editions() = 0;
  virtual std::vector<content::Section> sections() = 0;
  virtual std::vector<content::Author> authors() = 0;
  virtual std::vector<content::Tag> tags() = 0;

  // Published stories only, newest first.
  virtual std::vector<content::Article> articles(const ArticleQuery& q) = 0;
  // Any status; callers decide what a reader may see. The body comes as body_json (see
  // content::ensure_body), except when the stored body_html has `html_version`: then the JSON
  // is not read at all.
  virtual std::optional<content::Article> article(Id id, std::int64_t html_version = 0) = 0;
  virtual std::optional<content::Media> media(Id id) = 0;
  virtual std::int64_t count_published_in_section(Id section_id) = 0;
  // Published stories with lo <= id < hi, any edition, by id (sitemaps).
  virtual std::vector<content::Article> published_in_id_range(Id lo, Id hi) = 0;
  virtual Id max_article_id() = 0;

  // Writes. Each validates its input and records a ContentEvent where readers are affected.
  virtual WriteResult add_edition(const content::Edition& e) = 0;
  virtual WriteResult add_section(const content::Section& s) = 0;
  virtual WriteResult add_author(const content::Author& a) = 0;
  virtual WriteResult add_tag(const content::Tag& t) = 0;
  virtual WriteResult add_media(const content::Media& m) = 0;
  virtual WriteResult save_article(const content::Article& a) = 0;  // insert when id == 0
  virtual WriteResult publish(Id article_id, UnixTime at) = 0;
  virtual WriteResult unpublish(Id article_id) = 0;

  // Bulk loading (demo generator): many writes in one transaction, no events per story.
  virtual void begin_bulk() = 0;
  virtual void commit_bulk() = 0;
  virtual void rollback_bulk() = 0;

  // The change feed, in order.
  virtual std::vector<ContentEvent> events_since(std::int64_t seq, int limit) = 0;
  virtual std::int64_t last_event_seq() = 0;
  virtual void add_event(const ContentEvent& e) = 0;
};

// Opens (creating if needed) the SQLite database at `path` and applies migrations.
// Throws StorageError with a message saying what to do when the file cannot be used.
std::unique_ptr<NewsStore> open_sqlite(const std::string& path);

}  // namespace herald::storage
