// The storage interface for news content. All SQL lives behind it (sqlite/ now, postgres/
// later), so handlers never see a database.
//
// Errors come in categories, never as database text:
// - a read that finds nothing is an empty optional;
// - a write the store refuses returns a WriteResult with its Refusal (not found, conflict,
//   invalid) and a catalog key (web/locales) that tells the person what to change, in their
//   language; `detail` says the same in English for logs and the command line;
// - a database that cannot answer throws StorageError with its Kind (unavailable, full,
//   corrupt, failed); callers answer 503 for the first two and 500 otherwise, and log it.
// Thread safety: every method may be called from any thread at the same time.
#pragma once
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "content/model.hpp"
#include "util/clock.hpp"

namespace herald::storage {

using content::Id;
using content::UnixTime;

class CommentStore;  // storage/comment_store.hpp

struct StorageError : std::runtime_error {
  // What went wrong, for the answer the person gets: the database is busy, locked by someone
  // else or unreachable (try again soon); full (nothing more can be stored); its file is
  // damaged (restore a backup); or anything else.
  enum class Kind { Failed, Unavailable, Full, Corrupt };
  explicit StorageError(const std::string& what, Kind k = Kind::Failed)
      : std::runtime_error(what), kind(k) {}
  Kind kind;
};

// Why a write was refused: what it names does not exist, it clashes with what is stored (a
// taken slug or address, a newer version), or the input breaks a rule.
enum class Refusal { None, NotFound, Conflict, Invalid };
const char* to_string(Refusal r);  // "not_found", "conflict", "invalid"

// Catalog key of a refused save whose base version is no longer the stored one.
inline constexpr const char* kStaleVersion = "refused_stale_version";

struct WriteResult {
  Id id = 0;
  Refusal refusal = Refusal::None;
  std::string reason;         // catalog key for the person who asked (when refused)
  std::string detail;         // the same in English, for logs and the command line
  std::int64_t version = 0;   // the version now stored (newsroom saves)
  bool ok() const { return refusal == Refusal::None; }
  bool stale() const { return refusal == Refusal::Conflict && reason == kStaleVersion; }
};
inline WriteResult done(Id id) { return WriteResult{id}; }
inline WriteResult refused(Refusal r, std::string reason, std::string detail) {
  WriteResult w;
  w.refusal = r;
  w.reason = std::move(reason);
  w.detail = std::move(detail);
  return w;
}

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

// What readers see: the catalog and published stories. Reads through NewsStore each see the
// newest state on their own; reads through a snapshot all see one state.
class NewsReader {
 public:
  virtual ~NewsReader() = default;

  // Catalog: small, changes rarely; the site keeps a copy of it.
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

  // Through a snapshot: the comment store, reading in the same read transaction (a story's
  // page reads its discussion box with it, and the database begins one transaction for the
  // page instead of two); a write through it throws StorageError. Null through a store.
  virtual CommentStore* comments_in_snapshot() { return nullptr; }
};

// Transactions are explicit: each write method below is one transaction of its own and joins
// nothing of the caller's; several writes that must commit together go through one
// storage::Transaction (stores.hpp), whose stores they are then called on.
class NewsStore : public NewsReader {
 public:
  // A read snapshot, held while one page is built: every read through it sees the newsroom as
  // it was at its first read (as PostgreSQL's REPEATABLE READ does), and they share one read
  // transaction. Read-only (a write through
  // it throws StorageError). Use it from one thread at a time; keep it short.
  virtual std::unique_ptr<NewsReader> snapshot() = 0;

  // Writes. Each validates its input and records its ContentEvent in the same transaction
  // where readers are affected (storage/event_store.hpp).
  virtual WriteResult add_edition(const content::Edition& e) = 0;
  virtual WriteResult add_section(const content::Section& s) = 0;
  virtual WriteResult add_author(const content::Author& a) = 0;
  virtual WriteResult add_tag(const content::Tag& t) = 0;
  virtual WriteResult add_media(const content::Media& m) = 0;
  virtual WriteResult save_article(const content::Article& a) = 0;  // insert when id == 0
  virtual WriteResult publish(Id article_id, UnixTime at) = 0;
  virtual WriteResult unpublish(Id article_id) = 0;

  // Bulk loading (demo generator): many writes in one transaction, no events per story; the
  // commit records one catalog event (running servers reload everything and purge).
  virtual void begin_bulk() = 0;
  virtual void commit_bulk() = 0;
  virtual void rollback_bulk() = 0;
};

// The newsroom's list of stories: any status, newest change first.
struct StoryListQuery {
  Id edition_id = 0;          // 0: every edition
  std::string status;         // "", "draft", "review", "scheduled", "published", "unpublished"
  Id section_id = 0;
  std::int64_t created_by = 0;  // 0: anyone
  std::string headline;       // words the headline contains (case-insensitive)
  // Accounts that may not see others' unpublished stories: only their own, plus everything
  // published. 0: no restriction.
  std::int64_t own_unpublished_only = 0;
  int limit = 50;             // 1..200
  int offset = 0;
};

struct Revision {
  Id id = 0;
  Id article_id = 0;
  std::int64_t version = 0;
  UnixTime saved_at = 0;
  std::int64_t saved_by = 0;
  std::string note;  // "saved", "published", "restored revision 3", ...
  std::string data;  // the story as the newsroom API serialises it (JSON)
};

// What the newsroom writes beyond NewsStore: saves with versions and revisions, the story
// list, scheduling, the media library and the catalog's settings. Same conventions as NewsStore.
class DeskStore {
 public:
  virtual ~DeskStore() = default;
  // Saves a story (inserts when a.id == 0). Refused with `conflict` when the stored version
  // is not `base_version` (0 for a new story). Keeps a revision with `revision_json` and
  // `note`; returns the new version in WriteResult::version. Records the reader-side event
  // when the story is published (its page and lists are purged).
  virtual WriteResult save_story(const content::Article& a, std::int64_t base_version,
                                 std::int64_t user_id, const std::string& revision_json,
                                 const std::string& note) = 0;
  // Workflow steps other than publishing: draft, review, scheduled (with its time).
  virtual WriteResult set_status(Id article_id, content::Status s, UnixTime scheduled_at,
                                 std::int64_t user_id) = 0;
  virtual std::vector<content::Article> stories(const StoryListQuery& q) = 0;
  virtual std::int64_t count_stories(const StoryListQuery& q) = 0;
  virtual std::vector<Revision> revisions(Id article_id) = 0;  // newest first, without data
  virtual std::optional<Revision> revision(Id article_id, Id revision_id) = 0;
  virtual void add_revision_note(Id article_id, std::int64_t user_id, const std::string& note,
                                 const std::string& json) = 0;
  virtual void set_editing(Id article_id, std::int64_t user_id, UnixTime at) = 0;
  // Scheduled stories whose time has come (also those missed while the server was down).
  virtual std::vector<Id> due_scheduled(UnixTime now) = 0;

  virtual std::vector<content::Media> media_list(const std::string& query, int limit,
                                                 int offset) = 0;
  virtual WriteResult update_media_text(Id id, const std::string& caption,
                                        const std::string& credit, const std::string& alt) = 0;
  // Stories whose body or lead shows this photo (re-rendered when its caption changes).
  virtual std::vector<Id> stories_using_media(Id media_id) = 0;

  virtual WriteResult update_section(const content::Section& s) = 0;
  virtual WriteResult update_edition(const content::Edition& e) = 0;
};

}  // namespace herald::storage
