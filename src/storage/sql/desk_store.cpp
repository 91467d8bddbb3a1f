#include "storage/sql/desk_store.hpp"


#include <algorithm>
#include <chrono>

#include "content/model.hpp"
#include "storage/sql/rows.hpp"

namespace herald::storage::sql {

namespace {

using content::Article;
using content::Status;

// A story row for the newsroom: the reader-side columns, then the desk's.
Article read_story(Stmt& s) {
  Article a = read_article_row(s);
  read_desk_cols(s, 13, a);
  return a;
}

const std::string kStoryCols = std::string(kArticleCols) + ", " + kDeskCols;

class SqlDesk final : public DeskStore {
 public:
  SqlDesk(Db& db, NewsStore& news, const util::Clock& clock)
      : db_(db), news_(news), clock_(clock) {}

  WriteResult save_story(const Article& a, std::int64_t base_version, std::int64_t user_id,
                         const std::string& revision_json, const std::string& note) override {
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    std::int64_t current = 0;
    std::int64_t created_by = user_id;
    if (a.id) {
      auto s = c.prepare(
          "SELECT coalesce(d.version, 1), coalesce(d.created_by, 0) FROM articles a "
          "LEFT JOIN article_desk d ON d.article_id = a.id WHERE a.id = ?1");
      s.bind(1, a.id);
      if (!s.step()) return refused(Refusal::NotFound, "refused_no_story", "There is no story with this id.");
      current = s.i64(0);
      created_by = s.i64(1);
      while (s.step()) {
      }
      if (current != base_version) {
        auto r = refused(Refusal::Conflict, kStaleVersion,
                         "Someone saved a newer version of this story meanwhile.");
        r.id = a.id;
        r.version = current;
        return r;
      }
    }
    auto r = news_.save_article(a);  // joins this transaction
    if (!r.ok()) return r;
    std::int64_t version = current + 1;
    c.prepare(
         "INSERT INTO article_desk(article_id, version, created_by, updated_by, embargo_until, "
         "scheduled_at, correction) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
         "ON CONFLICT(article_id) DO UPDATE SET version = excluded.version, updated_by = "
         "excluded.updated_by, embargo_until = excluded.embargo_until, scheduled_at = "
         "excluded.scheduled_at, correction = excluded.correction")
        .bind(1, r.id)
        .bind(2, version)
        .bind(3, created_by)
        .bind(4, user_id)
        .bind(5, a.embargo_until)
        .bind(6, a.scheduled_at)
        .bind(7, a.correction)
        .run();
    insert_revision(c, r.id, version, user_id, note, revision_json);
    tx.commit();
    r.version = version;
    return r;
  }

  WriteResult set_status(content::Id id, Status st, content::UnixTime scheduled_at,
                         std::int64_t user_id) override {
    if (st == Status::Published || st == Status::Unpublished)
      return refused(Refusal::Invalid, "refused_workflow_step", "Publish and unpublish through NewsStore.");
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    c.prepare("UPDATE articles SET status = ?2, updated_at = ?3 WHERE id = ?1 AND status <> "
              "'published'")
        .bind(1, id)
        .bind(2, content::to_string(st))
        .bind(3, now_s())
        .run();
    if (c.changes() == 0) return refused(Refusal::Conflict, "refused_unpublish_first", "Unpublish the story first.");
    c.prepare(
         "INSERT INTO article_desk(article_id, updated_by, scheduled_at) VALUES (?1, ?2, ?3) "
         "ON CONFLICT(article_id) DO UPDATE SET updated_by = excluded.updated_by, "
         "scheduled_at = excluded.scheduled_at")
        .bind(1, id)
        .bind(2, user_id)
        .bind(3, st == Status::Scheduled ? scheduled_at : 0)
        .run();
    tx.commit();
    return done(id);
  }

  std::vector<Article> stories(const StoryListQuery& q) override {
    auto c = db_.reader();
    auto s = c->prepare(std::string("SELECT ") + kStoryCols + " FROM articles a " + kWhere +
                        " ORDER BY a.updated_at DESC, a.id DESC LIMIT ?7 OFFSET ?8");
    bind_query(s, q);
    s.bind(7, std::clamp(q.limit, 1, 200)).bind(8, std::max(q.offset, 0));
    std::vector<Article> out;
    while (s.step()) out.push_back(read_story(s));
    return out;
  }

  std::int64_t count_stories(const StoryListQuery& q) override {
    auto c = db_.reader();
    auto s = c->prepare(std::string("SELECT count(*) FROM articles a ") + kWhere);
    bind_query(s, q);
    return s.step() ? s.i64(0) : 0;
  }

  std::vector<Revision> revisions(content::Id article_id) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT id, article_id, version, saved_at, saved_by, note FROM article_revisions "
        "WHERE article_id = ?1 ORDER BY id DESC LIMIT 500");
    s.bind(1, article_id);
    std::vector<Revision> out;
    while (s.step())
      out.push_back(Revision{s.i64(0), s.i64(1), s.i64(2), s.i64(3), s.i64(4), s.text(5), {}});
    return out;
  }

  std::optional<Revision> revision(content::Id article_id, content::Id revision_id) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT id, article_id, version, saved_at, saved_by, note, data FROM article_revisions "
        "WHERE article_id = ?1 AND id = ?2");
    s.bind(1, article_id).bind(2, revision_id);
    if (!s.step()) return std::nullopt;
    return Revision{s.i64(0), s.i64(1), s.i64(2), s.i64(3), s.i64(4), s.text(5), s.text(6)};
  }

  void add_revision_note(content::Id article_id, std::int64_t user_id, const std::string& note,
                         const std::string& json) override {
    auto w = db_.writer();
    auto& c = *w;
    auto s = c.prepare("SELECT coalesce(max(version), 0) FROM article_desk WHERE article_id = ?1");
    s.bind(1, article_id);
    std::int64_t v = s.step() ? s.i64(0) : 0;
    while (s.step()) {
    }
    insert_revision(c, article_id, v, user_id, note, json);
  }

  void set_editing(content::Id article_id, std::int64_t user_id, content::UnixTime at) override {
    auto w = db_.writer();
    (*w)
        .prepare(
            "INSERT INTO article_desk(article_id, editing_by, editing_at) VALUES (?1, ?2, ?3) "
            "ON CONFLICT(article_id) DO UPDATE SET editing_by = excluded.editing_by, "
            "editing_at = excluded.editing_at")
        .bind(1, article_id)
        .bind(2, user_id)
        .bind(3, at)
        .run();
  }

  std::vector<content::Id> due_scheduled(content::UnixTime now) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT a.id FROM article_desk d JOIN articles a ON a.id = d.article_id "
        "WHERE d.scheduled_at > 0 AND d.scheduled_at <= ?1 AND a.status = 'scheduled' "
        "ORDER BY d.scheduled_at");
    s.bind(1, now);
    std::vector<content::Id> out;
    while (s.step()) out.push_back(s.i64(0));
    return out;
  }

  std::vector<content::Media> media_list(const std::string& query, int limit,
                                         int offset) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT id FROM media WHERE ?1 = '' OR instr(lower(caption), lower(?1)) > 0 OR "
        "instr(lower(credit), lower(?1)) > 0 OR instr(lower(alt), lower(?1)) > 0 "
        "ORDER BY id DESC LIMIT ?2 OFFSET ?3");
    s.bind(1, query).bind(2, std::clamp(limit, 1, 200)).bind(3, std::max(offset, 0));
    std::vector<content::Id> ids;
    while (s.step()) ids.push_back(s.i64(0));
    std::vector<content::Media> out;
    for (auto id : ids)
      if (auto m = news_.media(id)) out.push_back(std::move(*m));
    return out;
  }

  WriteResult update_media_text(content::Id id, const std::string& caption,
                                const std::string& credit, const std::string& alt) override {
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    c.prepare("UPDATE media SET caption = ?2, credit = ?3, alt = ?4 WHERE id = ?1")
        .bind(1, id)
        .bind(2, caption)
        .bind(3, credit)
        .bind(4, alt)
        .run();
    if (c.changes() == 0) return refused(Refusal::NotFound, "refused_no_photo", "There is no photo with this id.");
    // Captions show on every page with the photo: the site reloads its media and purges.
    record_event(c, ContentEvent{0, 0, "catalog", 0, 0, {"*"}}, now_s());
    tx.commit();
    return done(id);
  }

  std::vector<content::Id> stories_using_media(content::Id media_id) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT id FROM articles WHERE lead_media_id = ?1 OR "
        "instr(body, '\"media_id\":' || ?1 || ',') > 0 OR "
        "instr(body, '\"media_id\":' || ?1 || '}') > 0");
    s.bind(1, media_id);
    std::vector<content::Id> out;
    while (s.step()) out.push_back(s.i64(0));
    return out;
  }

  WriteResult update_section(const content::Section& sec) override {
    if (content::is_reserved_section_slug(sec.slug))
      return refused(Refusal::Invalid, "refused_reserved_slug",
                     "The slug '" + sec.slug + "' is reserved for the site's own pages.");
    if (sec.slug.empty() || sec.name.empty()) return refused(Refusal::Invalid, "refused_section_fields", "A section needs a slug and a name.");
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    auto s = c.prepare(
        "UPDATE sections SET slug = ?2, name = ?3, description = ?4, position = ?5 WHERE id = ?1");
    s.bind(1, sec.id).bind(2, sec.slug).bind(3, sec.name).bind(4, sec.description);
    s.bind(5, sec.position);
    try {
      s.run();
    } catch (const sql::ConstraintError& e) {
      if (!e.unique) throw;
      return refused(Refusal::Conflict, "refused_section_slug_taken",
                     "Another section of this edition has the slug '" + sec.slug + "'.");
    }
    if (c.changes() == 0) return refused(Refusal::NotFound, "refused_no_section", "There is no section with this id.");
    record_event(c, ContentEvent{0, 0, "catalog", sec.edition_id, 0, {"*"}}, now_s());
    tx.commit();
    return done(sec.id);
  }

  WriteResult update_edition(const content::Edition& e) override {
    if (e.site_name.empty()) return refused(Refusal::Invalid, "refused_edition_name", "An edition needs a site name.");
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    c.prepare(
         "UPDATE editions SET site_name = ?2, tagline = ?3, time_zone = ?4, date_format = ?5 "
         "WHERE id = ?1")
        .bind(1, e.id)
        .bind(2, e.site_name)
        .bind(3, e.tagline)
        .bind(4, e.time_zone)
        .bind(5, e.date_format)
        .run();
    if (c.changes() == 0) return refused(Refusal::NotFound, "refused_no_edition", "There is no edition with this id.");
    record_event(c, ContentEvent{0, 0, "catalog", e.id, 0, {"*"}}, now_s());
    tx.commit();
    return done(e.id);
  }

 private:
  static constexpr const char* kWhere =
      "LEFT JOIN article_desk d ON d.article_id = a.id WHERE (?1 = 0 OR a.edition_id = ?1) "
      "AND (?2 = '' OR a.status = ?2) AND (?3 = 0 OR a.section_id = ?3) "
      "AND (?4 = 0 OR coalesce(d.created_by, 0) = ?4) "
      "AND (?5 = '' OR instr(lower(a.headline), lower(?5)) > 0) "
      "AND (?6 = 0 OR a.status = 'published' OR coalesce(d.created_by, 0) = ?6)";

  static void bind_query(Stmt& s, const StoryListQuery& q) {
    s.bind(1, q.edition_id).bind(2, q.status).bind(3, q.section_id).bind(4, q.created_by);
    s.bind(5, q.headline).bind(6, q.own_unpublished_only);
  }

  void insert_revision(Connection& c, content::Id id, std::int64_t version,
                              std::int64_t user, const std::string& note,
                              const std::string& json) const {
    c.prepare(
         "INSERT INTO article_revisions(article_id, version, saved_at, saved_by, note, data) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, id)
        .bind(2, version)
        .bind(3, now_s())
        .bind(4, user)
        .bind(5, note)
        .bind(6, json)
        .run();
  }

  std::int64_t now_s() const { return clock_.now(); }
  Db& db_;
  NewsStore& news_;
  const util::Clock& clock_;
};

}  // namespace

std::unique_ptr<DeskStore> make_desk_store(Db& db, NewsStore& news,
                                           const util::Clock& clock) {
  return std::make_unique<SqlDesk>(db, news, clock);
}

}  // namespace herald::storage::sql
