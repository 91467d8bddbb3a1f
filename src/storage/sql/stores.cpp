// The SQL stores (NewsStore, AccountStore, EventStore here; DeskStore and ChatStore beside)
// over any backend's sql::Db: pooled read connections; writes each in a transaction of their
// own unless they run inside an explicit one.
#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <limits>

#include "content/body.hpp"
#include "storage/account_store.hpp"
#include "storage/sql/chat_store.hpp"
#include "storage/sql/comment_store.hpp"
#include "storage/sql/connection.hpp"
#include "storage/sql/desk_store.hpp"
#include "storage/sql/limit_store.hpp"
#include "storage/sql/mail_store.hpp"
#include "storage/sql/rows.hpp"
#include "storage/sql/stores.hpp"
#include "storage/store.hpp"

namespace herald::storage {
namespace json = boost::json;
using namespace content;
using sql::Connection;
using sql::Stmt;
using sql::Step;
using sql::kArticleCols;
using sql::read_article_row;

namespace {

std::string renditions_to_json(const std::vector<Rendition>& rs) {
  json::array a;
  for (auto& r : rs)
    a.emplace_back(
        json::object{{"w", r.width}, {"h", r.height}, {"f", r.format}, {"file", r.file}});
  return json::serialize(a);
}

std::vector<Rendition> renditions_from_json(const std::string& s) {
  std::vector<Rendition> out;
  boost::system::error_code ec;
  auto v = json::parse(s, ec);
  if (ec || !v.is_array()) return out;
  for (auto& x : v.get_array()) {
    if (!x.is_object()) continue;
    auto& o = x.get_object();
    Rendition r;
    if (auto* p = o.if_contains("w"); p && p->is_int64())
      r.width = static_cast<int>(p->get_int64());
    if (auto* p = o.if_contains("h"); p && p->is_int64())
      r.height = static_cast<int>(p->get_int64());
    if (auto* p = o.if_contains("f"); p && p->is_string()) r.format = p->get_string();
    if (auto* p = o.if_contains("file"); p && p->is_string()) r.file = p->get_string();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Id> id_list(const std::string& csv) {
  std::vector<Id> out;
  Id v = 0;
  bool any = false;
  for (char ch : csv) {
    if (ch >= '0' && ch <= '9') {
      v = v * 10 + (ch - '0');
      any = true;
    } else if (ch == ',') {
      if (any) out.push_back(v);
      v = 0;
      any = false;
    }
  }
  if (any) out.push_back(v);
  return out;
}

std::vector<TranslationRef> translations_from_json(const std::string& text) {
  std::vector<TranslationRef> out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (auto& x : v.get_array()) {
    if (!x.is_array() || x.get_array().size() != 5) continue;
    auto& a = x.get_array();
    if (!a[0].is_int64() || !a[1].is_int64() || !a[2].is_int64() || !a[3].is_string() ||
        !a[4].is_string())
      continue;
    out.push_back(TranslationRef{a[0].get_int64(), a[1].get_int64(), a[2].get_int64(),
                                 std::string(a[3].get_string()), std::string(a[4].get_string())});
  }
  return out;
}

class SqlStore final : public NewsStore, public AccountStore, public EventStore {
 public:
  // `db`: the database or one transaction on it (`backend`, which snapshots are taken from).
  SqlStore(sql::Backend& backend, sql::Db& db, const util::Clock& clock)
      : clock_(clock), backend_(backend), base_db_(db) {}

  std::unique_ptr<NewsReader> snapshot() override;

  std::vector<Edition> editions() override {
    auto c = db().reader();
    auto s = c->prepare(
        "SELECT id, code, language, locale, site_name, tagline, time_zone, date_format, "
        "is_default, "
        "position FROM editions ORDER BY position, id");
    std::vector<Edition> out;
    while (s.step()) {
      Edition e;
      e.id = s.i64(0);
      e.code = s.text(1);
      e.language = s.text(2);
      e.locale = s.text(3);
      e.site_name = s.text(4);
      e.tagline = s.text(5);
      e.time_zone = s.text(6);
      e.date_format = s.text(7);
      e.is_default = s.i64(8) != 0;
      e.position = static_cast<int>(s.i64(9));
      out.push_back(std::move(e));
    }
    return out;
  }

  std::vector<Section> sections() override {
    auto c = db().reader();
    auto s = c->prepare(
        "SELECT id, edition_id, slug, name, description, position FROM sections "
        "ORDER BY edition_id, position, id");
    std::vector<Section> out;
    while (s.step())
      out.push_back(
          Section{s.i64(0), s.i64(1), s.text(2), s.text(3), s.text(4), static_cast<int>(s.i64(5))});
    return out;
  }

  std::vector<Author> authors() override {
    auto c = db().reader();
    auto s = c->prepare("SELECT id, slug, name, bio FROM authors ORDER BY name");
    std::vector<Author> out;
    while (s.step()) out.push_back(Author{s.i64(0), s.text(1), s.text(2), s.text(3)});
    return out;
  }

  std::vector<Tag> tags() override {
    auto c = db().reader();
    auto s = c->prepare("SELECT id, edition_id, slug, name FROM tags ORDER BY edition_id, name");
    std::vector<Tag> out;
    while (s.step()) out.push_back(Tag{s.i64(0), s.i64(1), s.text(2), s.text(3)});
    return out;
  }

  std::vector<Article> articles(const ArticleQuery& q) override {
    int limit = std::clamp(q.limit, 1, 200);
    // One statement per filter (edition, section, tag, author), built once.
    static const std::array<std::string, 4> kSql = [] {
      std::array<std::string, 4> out;
      for (int kind = 0; kind < 4; ++kind) {
        std::string sql = std::string("SELECT ") + kArticleCols + " FROM articles a ";
        // Each filter reads its own index; the cursor continues strictly after (published_at, id).
        const char* pub = "a.published_at";
        const char* id_col = "a.id";
        if (kind == 2) {
          sql +=
              "JOIN article_tags x ON x.article_id = a.id WHERE x.tag_id = ?1 AND x.published = 1 ";
          pub = "x.published_at";
          id_col = "x.article_id";
        } else if (kind == 3) {
          sql +=
              "JOIN article_authors x ON x.article_id = a.id WHERE x.author_id = ?1 AND "
              "x.published = 1 ";
          pub = "x.published_at";
          id_col = "x.article_id";
        } else if (kind == 1) {
          sql += "WHERE a.section_id = ?1 AND a.status = 'published' ";
        } else {
          sql += "WHERE a.edition_id = ?1 AND a.status = 'published' ";
        }
        // A row-value comparison lets SQLite seek the index straight to the cursor.
        sql += std::string("AND a.edition_id = ?2 AND ") + pub + " >= ?5 ";
        sql += std::string("AND (") + pub + ", " + id_col + ") < (?4, ?3) ";
        sql += std::string("ORDER BY ") + pub + " DESC, " + id_col + " DESC LIMIT ?6";
        out[static_cast<std::size_t>(kind)] = std::move(sql);
      }
      return out;
    }();
    int kind = q.tag_id ? 2 : q.author_id ? 3 : q.section_id ? 1 : 0;
    const std::string& sql = kSql[static_cast<std::size_t>(kind)];
    auto c = db().reader();
    auto s = c->prepare(sql);
    Id filter = q.tag_id       ? q.tag_id
                : q.author_id  ? q.author_id
                : q.section_id ? q.section_id
                               : q.edition_id;
    constexpr std::int64_t kTop = std::numeric_limits<std::int64_t>::max();
    s.bind(1, filter).bind(2, q.edition_id);
    s.bind(3, q.before.valid() ? q.before.id : kTop)
        .bind(4, q.before.valid() ? q.before.published_at : kTop);
    s.bind(5, q.since).bind(6, limit);
    std::vector<Article> out;
    while (s.step()) out.push_back(read_article_row(s));
    if (q.with_links) load_links(*c, out);
    return out;
  }

  std::optional<Article> article(Id id, std::int64_t html_version) override {
    auto c = db().reader();
    // One statement for the story, its tags and its authors (in their order); the JSON body
    // only when the stored HTML cannot serve.
    static const std::string sql =
        std::string("SELECT ") + kArticleCols +
        ", a.body_html_version, a.body_html, "
        "CASE WHEN ?2 <> 0 AND a.body_html_version = ?2 THEN '' ELSE a.body END, "
        "(SELECT group_concat(tag_id) FROM (SELECT tag_id FROM article_tags "
        "  WHERE article_id = a.id ORDER BY position) AS t), "
        "(SELECT group_concat(author_id) FROM (SELECT author_id FROM article_authors "
        "  WHERE article_id = a.id ORDER BY position) AS au), "
        "a.translations, " + sql::kDeskCols +
        " FROM articles a LEFT JOIN article_desk d ON d.article_id = a.id "
        "WHERE a.id = ?1";
    auto s = c->prepare(sql);
    s.bind(1, id).bind(2, html_version);
    if (!s.step()) return std::nullopt;
    Article a = read_article_row(s);
    a.body_html_version = s.i64(13);
    a.body_html = s.text(14);
    a.body_json = s.text(15);
    a.tag_ids = id_list(s.text(16));
    a.author_ids = id_list(s.text(17));
    a.translations = translations_from_json(s.text(18));
    sql::read_desk_cols(s, 19, a);
    return a;
  }

  std::optional<Media> media(Id id) override {
    auto c = db().reader();
    auto s = c->prepare(
        "SELECT id, file, mime, width, height, caption, credit, alt, renditions, created_by FROM "
        "media WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    Media m;
    m.id = s.i64(0);
    m.file = s.text(1);
    m.mime = s.text(2);
    m.width = static_cast<int>(s.i64(3));
    m.height = static_cast<int>(s.i64(4));
    m.caption = s.text(5);
    m.credit = s.text(6);
    m.alt = s.text(7);
    m.renditions = renditions_from_json(s.text(8));
    m.created_by = s.i64(9);
    return m;
  }

  std::int64_t count_published_in_section(Id section_id) override {
    auto c = db().reader();
    auto s =
        c->prepare("SELECT count(*) FROM articles WHERE section_id = ?1 AND status = 'published'");
    s.bind(1, section_id);
    return s.step() ? s.i64(0) : 0;
  }

  std::vector<Article> published_in_id_range(Id lo, Id hi) override {
    auto c = db().reader();
    auto s =
        c->prepare(std::string("SELECT ") + kArticleCols +
                   " FROM articles a WHERE a.id >= ?1 AND a.id < ?2 AND a.status = 'published' "
                   "ORDER BY a.id");
    s.bind(1, lo).bind(2, hi);
    std::vector<Article> out;
    while (s.step()) out.push_back(read_article_row(s));
    return out;
  }

  Id max_article_id() override {
    auto c = db().reader();
    auto s = c->prepare("SELECT coalesce(max(id), 0) FROM articles");
    return s.step() ? s.i64(0) : 0;
  }

  WriteResult add_edition(const Edition& e) override {
    if (e.code.empty() || e.code.size() > 16)
      return refused(Refusal::Invalid, "refused_edition_code", "The edition code must be 1-16 characters.");
    auto w = db().writer();
    auto& c = *w;
    auto s = c.prepare(
        "INSERT INTO editions(code, language, locale, site_name, tagline, time_zone, date_format, "
        "is_default, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    s.bind(1, e.code).bind(2, e.language).bind(3, e.locale).bind(4, e.site_name).bind(5, e.tagline);
    s.bind(6, e.time_zone).bind(7, e.date_format).bind(8, e.is_default ? 1 : 0).bind(9, e.position);
    return insert(c, s, "refused_edition_taken", "An edition with this code already exists.");
  }

  WriteResult add_section(const Section& sec) override {
    if (is_reserved_section_slug(sec.slug))
      return refused(Refusal::Invalid, "refused_reserved_slug",
                     "The slug '" + sec.slug + "' is reserved for the site's own pages.");
    if (sec.slug.empty() || sec.name.empty()) return refused(Refusal::Invalid, "refused_section_fields", "A section needs a slug and a name.");
    auto w = db().writer();
    auto& c = *w;
    auto s = c.prepare(
        "INSERT INTO sections(edition_id, slug, name, description, position) VALUES (?1, ?2, ?3, "
        "?4, ?5)");
    s.bind(1, sec.edition_id)
        .bind(2, sec.slug)
        .bind(3, sec.name)
        .bind(4, sec.description)
        .bind(5, sec.position);
    Step tx(c, !bulk_);
    auto r = insert(c, s, "refused_section_slug_taken",
                    "A section with this slug already exists in the edition.");
    if (!r.ok()) return r;
    // Navigation on every page of the edition shows it.
    if (!bulk_) insert_event(c, ContentEvent{0, now_unix(), "catalog", sec.edition_id, 0, {"*"}});
    tx.commit();
    return r;
  }

  WriteResult add_author(const Author& a) override {
    auto w = db().writer();
    auto& c = *w;
    auto s = c.prepare("INSERT INTO authors(slug, name, bio) VALUES (?1, ?2, ?3)");
    s.bind(1, a.slug).bind(2, a.name).bind(3, a.bio);
    auto r = insert(c, s, "refused_author_taken", "An author with this slug already exists.");
    // Nothing shown changes yet, but the site's directory must know the author before a story
    // names them.
    if (r.ok() && !bulk_) insert_event(c, ContentEvent{0, now_unix(), "directory", 0, 0, {}});
    return r;
  }

  WriteResult add_tag(const Tag& t) override {
    auto w = db().writer();
    auto& c = *w;
    auto s = c.prepare("INSERT INTO tags(edition_id, slug, name) VALUES (?1, ?2, ?3)");
    s.bind(1, t.edition_id).bind(2, t.slug).bind(3, t.name);
    auto r = insert(c, s, "refused_tag_taken", "A tag with this slug already exists in the edition.");
    if (r.ok() && !bulk_) insert_event(c, ContentEvent{0, now_unix(), "directory", t.edition_id, 0, {}});
    return r;
  }

  WriteResult add_media(const Media& m) override {
    if (m.alt.empty()) return refused(Refusal::Invalid, "refused_alt_missing", "An image needs alt text.");
    auto w = db().writer();
    auto& c = *w;
    auto s = c.prepare(
        "INSERT INTO media(file, mime, width, height, caption, credit, alt, renditions, "
        "created_at, created_by) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    s.bind(1, m.file).bind(2, m.mime).bind(3, m.width).bind(4, m.height).bind(5, m.caption);
    s.bind(6, m.credit)
        .bind(7, m.alt)
        .bind(8, renditions_to_json(m.renditions))
        .bind(9, now_unix())
        .bind(10, m.created_by);
    return insert(c, s, "refused_photo_taken", "The image could not be stored.");
  }

  WriteResult save_article(const Article& a) override {
    if (auto err = validate(a); !err.empty()) return refused(Refusal::Invalid, err, err);
    auto w = db().writer();
    auto& c = *w;
    Step tx(c, !bulk_);
    // The section must belong to the article's edition.
    {
      auto s = c.prepare("SELECT edition_id FROM sections WHERE id = ?1");
      s.bind(1, a.section_id);
      if (!s.step() || s.i64(0) != a.edition_id)
        return refused(Refusal::Invalid, "refused_section_edition", "The section does not exist in this edition.");
    }
    Id id = a.id;
    UnixTime now = now_unix();
    UnixTime updated = a.updated_at ? a.updated_at : now;
    std::string body = a.body_json.empty() ? body_to_json(a.body) : a.body_json;
    if (id == 0) {
      auto s = c.prepare(
          "INSERT INTO articles(edition_id, section_id, slug, headline, summary, dateline, body, "
          "lead_media_id, translation_key, status, breaking, published_at, updated_at, created_at, "
          "body_html, body_html_version) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
      bind_article(s, a, body, updated);
      s.bind(14, now);
      s.run();
      id = c.last_insert_id();
    } else {
      auto s = c.prepare(
          "UPDATE articles SET edition_id = ?1, section_id = ?2, slug = ?3, headline = ?4, summary "
          "= ?5, "
          "dateline = ?6, body = ?7, lead_media_id = ?8, translation_key = ?9, status = ?10, "
          "breaking = ?11, published_at = ?12, updated_at = ?13, body_html = ?15, "
          "body_html_version = ?16 "
          "WHERE id = ?14");
      bind_article(s, a, body, updated);
      s.bind(14, id);
      s.run();
      if (c.changes() == 0) return refused(Refusal::NotFound, "refused_no_story", "No story with this id.");
    }
    bool published = a.status == Status::Published;
    c.prepare("DELETE FROM article_tags WHERE article_id = ?1").bind(1, id).run();
    c.prepare("DELETE FROM article_authors WHERE article_id = ?1").bind(1, id).run();
    int pos = 0;
    for (auto t : a.tag_ids) {
      auto s = c.prepare(
          "INSERT INTO article_tags(article_id, tag_id, position, published, published_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING");
      s.bind(1, id).bind(2, t).bind(3, pos++).bind(4, published ? 1 : 0).bind(5, a.published_at);
      s.run();
    }
    pos = 0;
    for (auto au : a.author_ids) {
      auto s = c.prepare(
          "INSERT INTO article_authors(article_id, author_id, position, published, "
          "published_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING");
      s.bind(1, id).bind(2, au).bind(3, pos++).bind(4, published ? 1 : 0).bind(5, a.published_at);
      s.run();
    }
    refresh_translations(c, a.translation_key);
    if (!bulk_ && published) {
      Article copy = a;
      copy.id = id;
      record_event(c, a.id == 0 ? "article.published" : "article.updated", copy);
    }
    tx.commit();
    return done(id);
  }

  WriteResult publish(Id article_id, UnixTime at) override {
    return set_published(article_id, true, at);
  }
  WriteResult unpublish(Id article_id) override { return set_published(article_id, false, 0); }

  // A bulk load is one transaction: every write until its end runs on its connection.
  void begin_bulk() override {
    bulk_db_ = sql::BoundDb::transaction(base_db_);
    bulk_ = true;
  }

  void commit_bulk() override {
    insert_event(*db().writer(), ContentEvent{0, now_unix(), "catalog", 0, 0, {"*"}});
    bulk_db_->commit();
    bulk_db_.reset();
    bulk_ = false;
    backend_.after_bulk();
  }

  void rollback_bulk() override {
    bulk_db_.reset();
    bulk_ = false;
  }

  // ---- the outbox ----
  std::vector<ContentEvent> since(std::int64_t seq, int limit) override {
    auto c = db().reader();
    auto s = c->prepare(
        "SELECT seq, at, kind, edition_id, article_id, purge FROM content_events WHERE seq > ?1 "
        "ORDER BY seq LIMIT ?2");
    s.bind(1, seq).bind(2, limit);
    std::vector<ContentEvent> out;
    while (s.step())
      out.push_back(ContentEvent{s.i64(0), s.i64(1), s.text(2), s.i64(3), s.i64(4),
                                 sql::purge_keys_from_json(s.text(5))});
    return out;
  }

  std::int64_t last_seq() override {
    auto c = db().reader();
    auto s = c->prepare("SELECT coalesce(max(seq), 0) FROM content_events");
    return s.step() ? s.i64(0) : 0;
  }

  // A consumer's lease and position are bookkeeping: losing the last of them in a power cut
  // only makes a lease end early or an event go out again (at least once). They are written
  // without waiting for the disk, so that renewing a lease never holds up the writes people
  // wait for (a chat line, a published story); every other write stays fully durable.
  std::optional<std::int64_t> claim(const std::string& consumer, const std::string& node,
                                    UnixTime now, int lease_s) override {
    auto w = db().writer();
    auto& c = *w;
    sql::Relaxed relaxed(c);
    Step tx(c, true);
    c.prepare(
         "INSERT INTO event_consumers(name, seq) "
         "VALUES (?1, (SELECT coalesce(max(seq), 0) FROM content_events)) ON CONFLICT DO NOTHING")
        .bind(1, consumer)
        .run();
    c.prepare(
         "UPDATE event_consumers SET owner = ?2, lease_until = ?3 "
         "WHERE name = ?1 AND (owner = ?2 OR lease_until < ?4)")
        .bind(1, consumer)
        .bind(2, node)
        .bind(3, now + lease_s)
        .bind(4, now)
        .run();
    if (c.changes() == 0) return std::nullopt;
    auto s = c.prepare("SELECT seq FROM event_consumers WHERE name = ?1");
    s.bind(1, consumer);
    std::int64_t seq = s.step() ? s.i64(0) : 0;
    while (s.step()) {
    }
    tx.commit();
    return seq;
  }

  std::optional<ConsumerState> consumer(const std::string& name) override {
    auto c = db().reader();
    auto s = c->prepare("SELECT seq, owner, lease_until FROM event_consumers WHERE name = ?1");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    ConsumerState st{s.i64(0), s.text(1), s.i64(2)};
    while (s.step()) {
    }
    return st;
  }

  bool advance(const std::string& consumer, const std::string& node, std::int64_t seq) override {
    auto w = db().writer();
    auto& c = *w;
    sql::Relaxed relaxed(c);
    c.prepare("UPDATE event_consumers SET seq = CASE WHEN seq > ?3 THEN seq ELSE ?3 END "
              "WHERE name = ?1 AND owner = ?2")
        .bind(1, consumer)
        .bind(2, node)
        .bind(3, seq)
        .run();
    return c.changes() == 1;
  }

  // ---- accounts ----
  WriteResult create_user(const content::User& u) override {
    if (u.email.empty() || u.display_name.empty())
      return refused(Refusal::Invalid, "refused_account_fields", "An account needs an email address and a name.");
    auto w = db().writer();
    auto& c = *w;
    auto s = c.prepare(
        "INSERT INTO users(email, display_name, password_hash, role, email_verified_at, disabled, "
        "created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    s.bind(1, u.email)
        .bind(2, u.display_name)
        .bind(3, u.password_hash)
        .bind(4, content::to_string(u.role));
    s.bind(5, u.email_verified_at)
        .bind(6, u.disabled ? 1 : 0)
        .bind(7, u.created_at ? u.created_at : now_unix());
    return insert(c, s, "refused_email_taken", "An account with this email address already exists.");
  }

  std::optional<content::User> user_by_email(const std::string& email) override {
    return user_where("email = ?1", [&](Stmt& s) { s.bind(1, email); });
  }

  std::optional<content::User> user_by_id(std::int64_t id) override {
    return user_where("id = ?1", [&](Stmt& s) { s.bind(1, id); });
  }

  WriteResult set_password_hash(std::int64_t user_id, const std::string& hash) override {
    return update_user("UPDATE users SET password_hash = ?2 WHERE id = ?1", user_id, hash);
  }

  WriteResult set_role(std::int64_t user_id, content::Role role) override {
    return update_user("UPDATE users SET role = ?2 WHERE id = ?1", user_id,
                       content::to_string(role));
  }

  std::int64_t count_users() override {
    auto c = db().reader();
    auto s = c->prepare("SELECT count(*) FROM users");
    return s.step() ? s.i64(0) : 0;
  }

  void create_session(const Session& x) override {
    auto w = db().writer();
    auto s = (*w).prepare(
        "INSERT INTO sessions(digest, user_id, csrf, created_at, last_seen_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    s.bind(1, x.digest)
        .bind(2, x.user_id)
        .bind(3, x.csrf)
        .bind(4, x.created_at)
        .bind(5, x.last_seen_at);
    s.bind(6, x.expires_at).run();
  }

  std::optional<Session> session(const std::string& digest) override {
    auto c = db().reader();
    auto s = c->prepare(
        "SELECT digest, user_id, csrf, created_at, last_seen_at, expires_at FROM sessions WHERE "
        "digest = ?1");
    s.bind(1, digest);
    if (!s.step()) return std::nullopt;
    return Session{s.text(0), s.i64(1), s.text(2), s.i64(3), s.i64(4), s.i64(5)};
  }

  void touch_session(const std::string& digest, UnixTime at) override {
    auto w = db().writer();
    (*w)
        .prepare("UPDATE sessions SET last_seen_at = ?2 WHERE digest = ?1")
        .bind(1, digest)
        .bind(2, at)
        .run();
  }

  void delete_session(const std::string& digest) override {
    auto w = db().writer();
    (*w).prepare("DELETE FROM sessions WHERE digest = ?1").bind(1, digest).run();
  }

  int delete_sessions_of(std::int64_t user_id, const std::string& keep) override {
    auto w = db().writer();
    auto& c = *w;
    c.prepare("DELETE FROM sessions WHERE user_id = ?1 AND digest <> ?2")
        .bind(1, user_id)
        .bind(2, keep)
        .run();
    return c.changes();
  }

  WriteResult set_email(std::int64_t user_id, const std::string& email) override {
    auto w = db().writer();
    auto& c = *w;
    auto s = c.prepare("SELECT id FROM users WHERE email = ?1 AND id <> ?2");
    s.bind(1, email).bind(2, user_id);
    if (s.step()) return refused(Refusal::Conflict, "refused_email_taken", "Another account already uses this email address.");
    return update_user("UPDATE users SET email = ?2 WHERE id = ?1", user_id, email);
  }

  WriteResult set_display_name(std::int64_t user_id, const std::string& name) override {
    if (name.empty()) return refused(Refusal::Invalid, "refused_account_name", "An account needs a name.");
    return update_user("UPDATE users SET display_name = ?2 WHERE id = ?1", user_id, name);
  }

  WriteResult mark_email_verified(std::int64_t user_id, UnixTime at) override {
    return update_user("UPDATE users SET email_verified_at = ?2 WHERE id = ?1", user_id,
                       std::to_string(at));
  }

  WriteResult set_disabled(std::int64_t user_id, bool disabled) override {
    auto w = db().writer();
    auto& c = *w;
    Step tx(c, true);
    auto r = update_user("UPDATE users SET disabled = ?2 WHERE id = ?1", user_id,
                         disabled ? "1" : "0");
    if (!r.ok()) return r;
    if (disabled) {
      c.prepare("DELETE FROM sessions WHERE user_id = ?1").bind(1, user_id).run();
      c.prepare("DELETE FROM api_tokens WHERE user_id = ?1").bind(1, user_id).run();
      c.prepare("DELETE FROM account_links WHERE user_id = ?1").bind(1, user_id).run();
    }
    tx.commit();
    return r;
  }

  WriteResult anonymise_user(std::int64_t user_id, UnixTime at) override {
    auto w = db().writer();
    auto& c = *w;
    Step tx(c, true);
    c.prepare(
         "UPDATE users SET email = 'deleted-' || id || '@invalid', display_name = '', "
         "password_hash = '', disabled = 1, deleted_at = ?2, email_verified_at = 0 WHERE id = ?1")
        .bind(1, user_id)
        .bind(2, at)
        .run();
    if (c.changes() == 0) return refused(Refusal::NotFound, "refused_no_account", "No account with this id.");
    for (const char* t : {"sessions", "api_tokens", "account_links", "known_devices"})
      c.prepare(std::string("DELETE FROM ") + t + " WHERE user_id = ?1").bind(1, user_id).run();
    forget_comments(c, user_id, at);
    tx.commit();
    return done(user_id);
  }

  // A deleted account's comments: their texts go; those readers could see become "deleted
  // comment" placeholders (a thread with replies stays readable), with every count kept right
  // and the stories' pages purged.
  void forget_comments(Connection& c, std::int64_t user_id, UnixTime at) {
    std::vector<std::pair<Id, Id>> stories;  // (story, edition) with a visible comment of theirs
    {
      auto s = c.prepare(
          "SELECT DISTINCT c.article_id, coalesce(a.edition_id, 0) FROM comments c LEFT JOIN "
          "articles a ON a.id = c.article_id WHERE c.user_id = ?1 AND c.state = 'visible'");
      s.bind(1, user_id);
      while (s.step()) stories.emplace_back(s.i64(0), s.i64(1));
    }
    c.prepare(
         "UPDATE discussions SET visible = visible - (SELECT count(*) FROM comments c WHERE "
         "c.article_id = discussions.article_id AND c.user_id = ?1 AND c.state = 'visible') "
         "WHERE article_id IN (SELECT article_id FROM comments WHERE user_id = ?1 AND state = "
         "'visible')")
        .bind(1, user_id)
        .run();
    c.prepare(
         "UPDATE comments SET replies = replies - (SELECT count(*) FROM comments r WHERE "
         "r.parent_id = comments.id AND r.user_id = ?1 AND r.state = 'visible') WHERE id IN "
         "(SELECT parent_id FROM comments WHERE user_id = ?1 AND state = 'visible' AND "
         "parent_id <> 0)")
        .bind(1, user_id)
        .run();
    c.prepare(
         "UPDATE comments SET state = CASE WHEN state IN ('visible', 'pending', 'hidden') THEN "
         "'deleted' ELSE state END, text = '' WHERE user_id = ?1")
        .bind(1, user_id)
        .run();
    for (auto& [story, edition] : stories)
      insert_event(c, ContentEvent{0, at, "discussion", edition, story,
                                   {"article:" + std::to_string(story)}});
  }

  std::vector<content::User> list_users(const std::string& query, int limit,
                                         int offset) override {
    std::vector<content::User> out;
    auto c = db().reader();
    auto s = c->prepare(
        "SELECT id, email, display_name, password_hash, role, email_verified_at, disabled, "
        "created_at FROM users WHERE deleted_at = 0 AND (?1 = '' OR instr(lower(email), lower(?1)) > 0 "
        "OR instr(lower(display_name), lower(?1)) > 0) ORDER BY id DESC LIMIT ?2 OFFSET ?3");
    s.bind(1, query).bind(2, std::clamp(limit, 1, 500)).bind(3, std::max(offset, 0));
    while (s.step()) out.push_back(read_user(s));
    return out;
  }

  void add_link(const AccountLink& l) override {
    auto w = db().writer();
    (*w)
        .prepare(
            "INSERT INTO account_links(digest, user_id, purpose, data, created_at, expires_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, l.digest)
        .bind(2, l.user_id)
        .bind(3, l.purpose)
        .bind(4, l.data)
        .bind(5, l.created_at)
        .bind(6, l.expires_at)
        .run();
  }

  std::optional<AccountLink> take_link(const std::string& digest, const std::string& purpose,
                                       UnixTime now) override {
    auto w = db().writer();
    auto s = (*w).prepare(
        "DELETE FROM account_links WHERE digest = ?1 AND purpose = ?2 "
        "RETURNING digest, user_id, purpose, data, created_at, expires_at");
    s.bind(1, digest).bind(2, purpose);
    if (!s.step()) return std::nullopt;
    AccountLink l{s.text(0), s.i64(1), s.text(2), s.text(3), s.i64(4), s.i64(5)};
    while (s.step()) {
    }
    if (l.expires_at <= now) return std::nullopt;
    return l;
  }

  void drop_links(std::int64_t user_id, const std::string& purpose) override {
    auto w = db().writer();
    (*w)
        .prepare("DELETE FROM account_links WHERE user_id = ?1 AND purpose = ?2")
        .bind(1, user_id)
        .bind(2, purpose)
        .run();
  }

  WriteResult add_api_token(const ApiToken& t) override {
    if (t.name.empty() || t.name.size() > 100)
      return refused(Refusal::Invalid, "refused_token_name", "Give the token a name of at most 100 characters.");
    auto w = db().writer();
    auto& c = *w;
    auto s = c.prepare(
        "INSERT INTO api_tokens(user_id, digest, name, created_at) VALUES (?1, ?2, ?3, ?4)");
    s.bind(1, t.user_id).bind(2, t.digest).bind(3, t.name).bind(4, t.created_at);
    return insert(c, s, "refused_token_taken", "This token exists already.");
  }

  std::optional<ApiToken> api_token(const std::string& digest) override {
    auto c = db().reader();
    auto s = c->prepare(
        "SELECT id, user_id, digest, name, created_at, last_used_at FROM api_tokens "
        "WHERE digest = ?1");
    s.bind(1, digest);
    if (!s.step()) return std::nullopt;
    return ApiToken{s.i64(0), s.i64(1), s.text(2), s.text(3), s.i64(4), s.i64(5)};
  }

  std::vector<ApiToken> api_tokens_of(std::int64_t user_id) override {
    auto c = db().reader();
    auto s = c->prepare(
        "SELECT id, user_id, digest, name, created_at, last_used_at FROM api_tokens "
        "WHERE user_id = ?1 ORDER BY id DESC");
    s.bind(1, user_id);
    std::vector<ApiToken> out;
    while (s.step())
      out.push_back(ApiToken{s.i64(0), s.i64(1), s.text(2), s.text(3), s.i64(4), s.i64(5)});
    return out;
  }

  WriteResult revoke_api_token(std::int64_t user_id, std::int64_t token_id) override {
    auto w = db().writer();
    auto& c = *w;
    c.prepare("DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2")
        .bind(1, token_id)
        .bind(2, user_id)
        .run();
    if (c.changes() == 0) return refused(Refusal::NotFound, "refused_no_token", "There is no such token on this account.");
    return done(token_id);
  }

  void touch_api_token(std::int64_t token_id, UnixTime at) override {
    auto w = db().writer();
    (*w)
        .prepare("UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1")
        .bind(1, token_id)
        .bind(2, at)
        .run();
  }

  void add_device(const std::string& digest, std::int64_t user_id, UnixTime at) override {
    auto w = db().writer();
    (*w)
        .prepare(
            "INSERT INTO known_devices(digest, user_id, created_at) VALUES (?1, ?2, ?3) "
            "ON CONFLICT DO NOTHING")
        .bind(1, digest)
        .bind(2, user_id)
        .bind(3, at)
        .run();
  }

  std::int64_t device_user(const std::string& digest, UnixTime not_before) override {
    auto c = db().reader();
    auto s = c->prepare("SELECT user_id FROM known_devices WHERE digest = ?1 AND created_at >= ?2");
    s.bind(1, digest).bind(2, not_before);
    return s.step() ? s.i64(0) : 0;
  }

  void drop_devices(std::int64_t user_id) override {
    auto w = db().writer();
    (*w).prepare("DELETE FROM known_devices WHERE user_id = ?1").bind(1, user_id).run();
  }


 private:
  template <class Bind>
  std::optional<content::User> user_where(const char* where, Bind bind) {
    auto c = db().reader();
    auto s = c->prepare(
        std::string("SELECT id, email, display_name, password_hash, role, email_verified_at, "
                    "disabled, created_at FROM users WHERE ") +
        where);
    bind(s);
    if (!s.step()) return std::nullopt;
    return read_user(s);
  }

  static content::User read_user(Stmt& s) {
    content::User u;
    u.id = s.i64(0);
    u.email = s.text(1);
    u.display_name = s.text(2);
    u.password_hash = s.text(3);
    u.role = content::role_from_string(s.text(4)).value_or(content::Role::Reader);
    u.email_verified_at = s.i64(5);
    u.disabled = s.i64(6) != 0;
    u.created_at = s.i64(7);
    return u;
  }

  WriteResult update_user(const char* sql, std::int64_t id, const std::string& value) {
    auto w = db().writer();
    auto& c = *w;
    c.prepare(sql).bind(1, id).bind(2, value).run();
    if (c.changes() == 0) return refused(Refusal::NotFound, "refused_no_account", "No account with this id.");
    return done(id);
  }

  static void bind_article(Stmt& s, const Article& a, const std::string& body, UnixTime updated) {
    s.bind(1, a.edition_id)
        .bind(2, a.section_id)
        .bind(3, a.slug)
        .bind(4, a.headline)
        .bind(5, a.summary);
    s.bind(6, a.dateline).bind(7, body);
    if (a.lead_media_id)
      s.bind(8, a.lead_media_id);
    else
      s.bind_null(8);
    s.bind(9, a.translation_key).bind(10, to_string(a.status)).bind(11, a.breaking ? 1 : 0);
    s.bind(12, a.published_at).bind(13, updated);
    s.bind(15, a.body_html).bind(16, a.body_html.empty() ? 0 : a.body_html_version);
  }

  // Runs an INSERT: a unique key already taken is a Conflict with `taken` (catalog key) and
  // `detail`; any other broken constraint is Invalid.
  // (In a savepoint of its own: on PostgreSQL a failed statement spoils the transaction it is
  // in until it is rolled back to before it.)
  WriteResult insert(Connection& c, Stmt& s, const char* taken, const char* detail) {
    Step step(c, true);
    try {
      s.run();
    } catch (const sql::ConstraintError& e) {
      if (e.unique) return refused(Refusal::Conflict, taken, detail);
      return refused(Refusal::Invalid, "refused_constraint", e.what());
    }
    auto id = c.last_insert_id();
    step.commit();
    return done(id);
  }

  void load_links(Connection& c, std::vector<Article>& v) {
    for (auto& a : v) {
      auto t = c.prepare("SELECT tag_id FROM article_tags WHERE article_id = ?1 ORDER BY position");
      t.bind(1, a.id);
      while (t.step()) a.tag_ids.push_back(t.i64(0));
      auto s = c.prepare(
          "SELECT author_id FROM article_authors WHERE article_id = ?1 ORDER BY position");
      s.bind(1, a.id);
      while (s.step()) a.author_ids.push_back(s.i64(0));
    }
  }

  // Rewrites the `translations` column of every version of the story `key`.
  void refresh_translations(Connection& c, const std::string& key) {
    if (key.empty()) return;
    c.prepare(
         "UPDATE articles SET translations = (SELECT coalesce(json_group_array(json_array(id, "
         "edition_id, "
         "section_id, slug, headline)), '[]') FROM (SELECT t.id, t.edition_id, t.section_id, "
         "t.slug, t.headline "
         "FROM articles t WHERE t.translation_key = articles.translation_key AND t.translation_key "
         "<> '' "
         "AND t.id <> articles.id "
         "AND t.status = 'published' ORDER BY t.edition_id) AS tr) "
         "WHERE translation_key = ?1 AND translation_key <> ''")
        .bind(1, key)
        .run();
  }

  void insert_event(Connection& c, const ContentEvent& e) { sql::record_event(c, e, now_unix()); }

  void record_event(Connection& c, const std::string& kind, const Article& a) {
    insert_event(c, ContentEvent{0, now_unix(), kind, a.edition_id, a.id, purge_keys_for(a)});
  }

  WriteResult set_published(Id id, bool on, UnixTime at) {
    auto w = db().writer();
    auto& c = *w;
    Step tx(c, true);
    std::optional<Article> a;
    {
      auto s =
          c.prepare(std::string("SELECT ") + kArticleCols + " FROM articles a WHERE a.id = ?1");
      s.bind(1, id);
      if (!s.step()) return refused(Refusal::NotFound, "refused_no_story", "No story with this id.");
      a = read_article_row(s);
    }
    std::vector<Article> v{*a};
    load_links(c, v);
    a = v[0];
    UnixTime now = now_unix();
    UnixTime pub = on ? (at ? at : now) : a->published_at;
    c.prepare("UPDATE articles SET status = ?1, published_at = ?2, updated_at = ?3 WHERE id = ?4")
        .bind(1, on ? "published" : "unpublished")
        .bind(2, pub)
        .bind(3, now)
        .bind(4, id)
        .run();
    c.prepare("UPDATE article_tags SET published = ?1, published_at = ?2 WHERE article_id = ?3")
        .bind(1, on ? 1 : 0)
        .bind(2, pub)
        .bind(3, id)
        .run();
    c.prepare("UPDATE article_authors SET published = ?1, published_at = ?2 WHERE article_id = ?3")
        .bind(1, on ? 1 : 0)
        .bind(2, pub)
        .bind(3, id)
        .run();
    refresh_translations(c, a->translation_key);
    bool was = a->status == Status::Published;
    a->published_at = pub;
    record_event(c, on ? (was ? "article.updated" : "article.published") : "article.removed", *a);
    tx.commit();
    return done(id);
  }

  UnixTime now_unix() const { return clock_.now(); }
  sql::Db& db() { return bulk_db_ ? *bulk_db_ : base_db_; }
  const util::Clock& clock_;
  sql::Backend& backend_;
  sql::Db& base_db_;
  bool bulk_ = false;
  std::unique_ptr<sql::BoundDb> bulk_db_;
};

// Every store over one Db: the database itself, or one transaction of it.
struct StoreSet {
  StoreSet(sql::Backend& backend, sql::Db& db, const util::Clock& clock, bool in_transaction)
      : main(backend, db, clock),
        desk(sql::make_desk_store(db, main, clock)),
        chat(sql::make_chat_store(db, clock)),
        comments(sql::make_comment_store(db, clock, !in_transaction)),
        limits(sql::make_limit_store(db)),
        mail(sql::make_mail_store(db)) {}
  SqlStore main;
  std::unique_ptr<DeskStore> desk;
  std::unique_ptr<ChatStore> chat;
  std::unique_ptr<CommentStore> comments;
  std::unique_ptr<util::Limiter> limits;
  std::unique_ptr<MailStore> mail;
};

// A read snapshot: the reader-side reads on one connection inside one read transaction.
class Snapshot final : public NewsReader {
 public:
  Snapshot(sql::Backend& backend, const util::Clock& clock)
      : db_(sql::BoundDb::snapshot(backend.db())), store_(backend, *db_, clock), clock_(clock) {}
  std::vector<Edition> editions() override { return store_.editions(); }
  std::vector<Section> sections() override { return store_.sections(); }
  std::vector<Author> authors() override { return store_.authors(); }
  std::vector<Tag> tags() override { return store_.tags(); }
  std::vector<Article> articles(const ArticleQuery& q) override { return store_.articles(q); }
  std::optional<Article> article(Id id, std::int64_t html_version) override {
    return store_.article(id, html_version);
  }
  std::optional<Media> media(Id id) override { return store_.media(id); }
  std::int64_t count_published_in_section(Id section_id) override {
    return store_.count_published_in_section(section_id);
  }
  std::vector<Article> published_in_id_range(Id lo, Id hi) override {
    return store_.published_in_id_range(lo, hi);
  }
  Id max_article_id() override { return store_.max_article_id(); }
  CommentStore* comments_in_snapshot() override {
    if (!comments_) comments_ = sql::make_comment_store(*db_, clock_, false);
    return comments_.get();
  }

 private:
  std::unique_ptr<sql::BoundDb> db_;
  SqlStore store_;
  const util::Clock& clock_;
  std::unique_ptr<CommentStore> comments_;  // made on first use; ends before db_
};

std::unique_ptr<NewsReader> SqlStore::snapshot() {
  return std::make_unique<Snapshot>(backend_, clock_);
}

class SqlTransaction final : public Transaction {
 public:
  SqlTransaction(sql::Backend& backend, const util::Clock& clock)
      : db_(sql::BoundDb::transaction(backend.db())), set_(backend, *db_, clock, true) {}
  NewsStore& news() override { return set_.main; }
  AccountStore& accounts() override { return set_.main; }
  DeskStore& desk() override { return *set_.desk; }
  ChatStore& chat() override { return *set_.chat; }
  CommentStore& comments() override { return *set_.comments; }
  EventStore& events() override { return set_.main; }
  void commit() override { db_->commit(); }

 private:
  std::unique_ptr<sql::BoundDb> db_;  // declared first: ends after the stores on it
  StoreSet set_;
};

class SqlStores final : public Stores {
 public:
  SqlStores(std::unique_ptr<sql::Backend> backend, const util::Clock& clock)
      : backend_(std::move(backend)), clock_(clock), set_(*backend_, backend_->db(), clock, false) {}
  NewsStore& news() override { return set_.main; }
  AccountStore& accounts() override { return set_.main; }
  DeskStore& desk() override { return *set_.desk; }
  ChatStore& chat() override { return *set_.chat; }
  CommentStore& comments() override { return *set_.comments; }
  EventStore& events() override { return set_.main; }
  util::Limiter& limits() override { return *set_.limits; }
  MailStore& mail() override { return *set_.mail; }
  std::unique_ptr<Transaction> transaction() override {
    return std::make_unique<SqlTransaction>(*backend_, clock_);
  }
  void limit_size(std::int64_t max_bytes) override { backend_->limit_size(max_bytes); }
  std::string describe() const override { return backend_->describe(); }
  void settle() override { backend_->settle(); }

 private:
  std::unique_ptr<sql::Backend> backend_;
  const util::Clock& clock_;
  StoreSet set_;
};

}  // namespace

}  // namespace herald::storage

namespace herald::storage::sql {
std::unique_ptr<Stores> make_stores(std::unique_ptr<Backend> backend, const util::Clock& clock) {
  return std::make_unique<SqlStores>(std::move(backend), clock);
}
}  // namespace herald::storage::sql
