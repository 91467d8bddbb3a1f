#include "storage/sql/comment_store.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <tuple>

#include "content/people.hpp"
#include "storage/sql/rows.hpp"

namespace herald::storage::sql {

namespace {

using content::Comment;
using content::CommentSort;
using content::CommentState;
using content::DiscussionMode;

constexpr const char* kCols =
    "c.id, c.article_id, c.user_id, coalesce(u.display_name, ''), c.parent_id, c.reply_to_id, "
    "coalesce(ru.display_name, ''), c.text, c.state, c.created_at, c.edited_at, c.likes, "
    "c.dislikes, c.replies, c.reports, c.picked, c.best, c.held_for, coalesce(u.role, 'reader'), "
    "coalesce(d.created_by, 0)";
constexpr const char* kJoins =
    " LEFT JOIN users u ON u.id = c.user_id LEFT JOIN comments rc ON rc.id = "
    "c.reply_to_id LEFT JOIN users ru ON ru.id = rc.user_id LEFT JOIN article_desk d ON "
    "d.article_id = c.article_id ";
// A list of comments: `inner` (WHERE ... ORDER BY ... LIMIT ...) picks them from the table
// alone, then each gets its names. The planner cannot join all of a story's comments before it
// limits them (PostgreSQL did, with statistics from when the table was small: 44 ms a page).
std::string listed(const std::string& inner, const char* order) {
  return std::string("SELECT ") + kCols + " FROM (SELECT * FROM comments c " + inner + ") c" +
         kJoins + "ORDER BY " + order;
}
// A thread's first comment is listed while it is visible, or deleted with replies still shown.
constexpr const char* kListedThread =
    "(c.state = 'visible' OR (c.state IN ('deleted', 'removed') AND c.replies > 0))";
constexpr std::int64_t kTop = std::numeric_limits<std::int64_t>::max();

Comment read_comment(Stmt& s) {
  Comment c;
  c.id = s.i64(0);
  c.article_id = s.i64(1);
  c.user_id = s.i64(2);
  c.user_name = s.text(3);
  c.parent_id = s.i64(4);
  c.reply_to_id = s.i64(5);
  c.reply_to_name = s.text(6);
  c.text = s.text(7);
  c.state = content::comment_state_from(s.text(8)).value_or(CommentState::Pending);
  c.created_at = s.i64(9);
  c.edited_at = s.i64(10);
  c.likes = static_cast<int>(s.i64(11));
  c.dislikes = static_cast<int>(s.i64(12));
  c.replies = static_cast<int>(s.i64(13));
  c.reports = static_cast<int>(s.i64(14));
  c.picked = s.i64(15) != 0;
  c.best = s.i64(16);
  c.held_for = s.text(17);
  auto role = content::role_from_string(s.text(18));
  c.author_staff = role && content::is_staff(*role);
  c.story_author = c.user_id != 0 && s.i64(19) == c.user_id;
  return c;
}

std::optional<DiscussionMode> mode_of(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return content::discussion_mode_from(s);
}

class SqlComments final : public CommentStore {
 public:
  SqlComments(Db& db, const util::Clock& clock, bool group) : db_(db), clock_(clock), group_(group) {}

  DiscussionSettings settings(Id article_id, Id section_id) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT coalesce(d.mode, ''), coalesce(d.visible, 0), coalesce(d.slow_s, 0), "
        "coalesce((SELECT m.mode FROM section_discussions m WHERE m.section_id = ?2), '') "
        "FROM (SELECT 1 AS one) x LEFT JOIN discussions d ON d.article_id = ?1");
    s.bind(1, article_id).bind(2, section_id);
    DiscussionSettings out;
    if (!s.step()) return out;
    out.story_mode = mode_of(s.text(0));
    out.visible = static_cast<int>(s.i64(1));
    out.slow_s = static_cast<int>(s.i64(2));
    out.section_mode = mode_of(s.text(3));
    return out;
  }

  std::optional<DiscussionMode> story_mode(Id article_id) override {
    auto c = db_.reader();
    auto s = c->prepare("SELECT mode FROM discussions WHERE article_id = ?1");
    s.bind(1, article_id);
    return s.step() ? mode_of(s.text(0)) : std::nullopt;
  }

  void set_story_mode(Id article_id, std::optional<DiscussionMode> m) override {
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    c.prepare(
         "INSERT INTO discussions(article_id, mode) VALUES (?1, ?2) ON CONFLICT(article_id) DO "
         "UPDATE SET mode = excluded.mode")
        .bind(1, article_id)
        .bind(2, m ? content::to_string(*m) : "")
        .run();
    changed(c, article_id);
    tx.commit();
  }

  int story_slow(Id article_id) override {
    auto c = db_.reader();
    auto s = c->prepare("SELECT slow_s FROM discussions WHERE article_id = ?1");
    s.bind(1, article_id);
    return s.step() ? static_cast<int>(s.i64(0)) : 0;
  }

  void set_story_slow(Id article_id, int seconds) override {
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    c.prepare(
         "INSERT INTO discussions(article_id, slow_s) VALUES (?1, ?2) ON CONFLICT(article_id) DO "
         "UPDATE SET slow_s = excluded.slow_s")
        .bind(1, article_id)
        .bind(2, std::max(seconds, 0))
        .run();
    changed(c, article_id);
    tx.commit();
  }

  std::pair<int, int> activity(Id article_id, UnixTime since) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT count(*), coalesce(sum(CASE WHEN state IN ('rejected', 'removed') THEN 1 ELSE 0 "
        "END), 0) FROM comments WHERE article_id = ?1 AND created_at >= ?2");
    s.bind(1, article_id).bind(2, since);
    if (!s.step()) return {0, 0};
    return {static_cast<int>(s.i64(0)), static_cast<int>(s.i64(1))};
  }

  std::optional<DiscussionMode> section_mode(Id section_id) override {
    auto c = db_.reader();
    auto s = c->prepare("SELECT mode FROM section_discussions WHERE section_id = ?1");
    s.bind(1, section_id);
    return s.step() ? mode_of(s.text(0)) : std::nullopt;
  }

  void set_section_mode(Id section_id, std::optional<DiscussionMode> m) override {
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    if (m)
      c.prepare(
           "INSERT INTO section_discussions(section_id, mode) VALUES (?1, ?2) ON "
           "CONFLICT(section_id) DO UPDATE SET mode = excluded.mode")
          .bind(1, section_id)
          .bind(2, content::to_string(*m))
          .run();
    else
      c.prepare("DELETE FROM section_discussions WHERE section_id = ?1").bind(1, section_id).run();
    // Every story of the section may show its discussion differently now.
    record_event(c, ContentEvent{0, 0, "discussion", 0, 0, {"section:" + std::to_string(section_id), "*"}},
                 clock_.now());
    tx.commit();
  }

  // Comments that arrive while another batch is being committed wait for it and go together in
  // the next transaction: one commit (one fsync on SQLite, whose single writer commits one
  // transaction at a time) for every comment posted meanwhile. Each still gets its own
  // savepoint, so one that the database refuses does not take the others with it; none is
  // acknowledged before its transaction has committed. Inside an explicit transaction (or with
  // grouping off) a comment is written on its own.
  Id add(const Comment& m) override {
    if (!group_) return add_alone(m);
    Pending p{m};
    std::unique_lock lock(queue_mu_);
    queue_.push_back(&p);
    while (!p.done) {
      if (writing_) {
        queue_cv_.wait(lock);
        continue;
      }
      writing_ = true;
      std::vector<Pending*> batch;
      batch.swap(queue_);
      lock.unlock();
      write_batch(batch);
      lock.lock();
      writing_ = false;
      for (auto* x : batch) x->done = true;
      queue_cv_.notify_all();
    }
    if (p.error) std::rethrow_exception(p.error);
    return p.id;
  }

  Id add_alone(const Comment& m) {
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    Id id = insert(c, m);
    if (content::shown(m.state)) changed(c, m.article_id);
    tx.commit();
    return id;
  }

  Id insert(Connection& c, const Comment& m) {
    c.prepare(
         "INSERT INTO comments(article_id, user_id, parent_id, reply_to_id, text, state, "
         "created_at, held_for) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(1, m.article_id)
        .bind(2, m.user_id)
        .bind(3, m.parent_id)
        .bind(4, m.reply_to_id)
        .bind(5, m.text)
        .bind(6, content::to_string(m.state))
        .bind(7, m.created_at)
        .bind(8, m.held_for)
        .run();
    Id id = c.last_insert_id();
    if (content::shown(m.state)) recount(c, m.article_id, m.parent_id, +1);
    return id;
  }

  struct Pending {
    const Comment& c;
    Id id = 0;
    std::exception_ptr error;
    bool done = false;
  };

  void write_batch(const std::vector<Pending*>& batch) {
    try {
      auto w = db_.writer();
      auto& c = *w;
      Step tx(c, true);
      std::vector<Id> stories;  // one purge event per story, however many comments it got
      for (auto* p : batch) {
        try {
          Step one(c, true);
          p->id = insert(c, p->c);
          one.commit();
          if (content::shown(p->c.state) &&
              std::find(stories.begin(), stories.end(), p->c.article_id) == stories.end())
            stories.push_back(p->c.article_id);
        } catch (const ConstraintError&) {
          p->error = std::current_exception();
        }
      }
      for (auto s : stories) changed(c, s);
      tx.commit();
    } catch (...) {
      // Nothing of the batch was committed: every comment in it fails alike.
      for (auto* p : batch) {
        p->id = 0;
        if (!p->error) p->error = std::current_exception();
      }
    }
  }

  std::optional<Comment> comment(Id id) override {
    auto c = db_.reader();
    auto s = c->prepare(std::string("SELECT ") + kCols + " FROM comments c" + kJoins + "WHERE c.id = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_comment(s);
  }

  std::vector<Comment> threads(Id article_id, CommentSort sort, std::optional<CommentCursor> after,
                               int limit) override {
    std::string where = std::string("WHERE c.article_id = ?1 AND c.parent_id = 0 AND ") + kListedThread;
    auto c = db_.reader();
    limit = std::clamp(limit, 1, 200);
    if (sort == CommentSort::Best) {
      auto s = c->prepare(listed(where + " AND (c.best, c.id) < (?2, ?3) ORDER BY c.best DESC, c.id DESC LIMIT ?4",
                                 "c.best DESC, c.id DESC"));
      s.bind(1, article_id)
          .bind(2, after ? after->best : kTop)
          .bind(3, after ? after->id : kTop)
          .bind(4, limit);
      return all(s);
    }
    if (sort == CommentSort::Newest) {
      auto s = c->prepare(listed(where + " AND c.id < ?2 ORDER BY c.id DESC LIMIT ?3", "c.id DESC"));
      s.bind(1, article_id).bind(2, after ? after->id : kTop).bind(3, limit);
      return all(s);
    }
    auto s = c->prepare(listed(where + " AND c.id > ?2 ORDER BY c.id LIMIT ?3", "c.id"));
    s.bind(1, article_id).bind(2, after ? after->id : 0).bind(3, limit);
    return all(s);
  }

  std::vector<Comment> replies(Id parent_id, Id after_id, int limit) override {
    auto c = db_.reader();
    // (By the thread's story too, so that the thread index serves it.)
    auto s = c->prepare(listed(
        "WHERE c.article_id = (SELECT article_id FROM comments WHERE id = ?1) AND "
        "c.parent_id = ?1 AND c.state = 'visible' AND c.id > ?2 ORDER BY c.id LIMIT ?3",
        "c.id"));
    s.bind(1, parent_id).bind(2, after_id).bind(3, std::clamp(limit, 1, 200));
    return all(s);
  }

  std::vector<Comment> picks(Id article_id, int limit) override {
    auto c = db_.reader();
    auto s = c->prepare(listed(
        "WHERE c.article_id = ?1 AND c.picked = 1 AND c.state = 'visible' ORDER BY c.id DESC LIMIT ?2",
        "c.id DESC"));
    s.bind(1, article_id).bind(2, std::clamp(limit, 1, 50));
    return all(s);
  }

  int count(Id article_id) override {
    auto c = db_.reader();
    auto s = c->prepare("SELECT visible FROM discussions WHERE article_id = ?1");
    s.bind(1, article_id);
    return s.step() ? static_cast<int>(s.i64(0)) : 0;
  }

  std::vector<std::pair<Id, int>> counts(const std::vector<Id>& ids) override {
    // Twenty at a time, through one statement (unused places hold 0, which is no story).
    constexpr int kBatch = 20;
    std::string sql = "SELECT article_id, visible FROM discussions WHERE article_id IN (";
    for (int i = 1; i <= kBatch; ++i) sql += (i > 1 ? ", ?" : "?") + std::to_string(i);
    sql += ")";
    std::vector<std::pair<Id, int>> out;
    auto c = db_.reader();
    for (std::size_t from = 0; from < ids.size(); from += kBatch) {
      auto s = c->prepare(sql);
      for (int i = 0; i < kBatch; ++i)
        s.bind(i + 1, from + i < ids.size() ? ids[from + i] : Id{0});
      while (s.step()) out.emplace_back(s.i64(0), static_cast<int>(s.i64(1)));
    }
    return out;
  }

  std::vector<Comment> visible_after(Id article_id, Id after_id, int limit) override {
    auto c = db_.reader();
    auto s = c->prepare(listed(
        "WHERE c.article_id = ?1 AND c.state = 'visible' AND c.id > ?2 ORDER BY c.id LIMIT ?3", "c.id"));
    s.bind(1, article_id).bind(2, after_id).bind(3, std::clamp(limit, 1, 1000));
    return all(s);
  }

  Id newest_visible(Id article_id) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT id FROM comments WHERE article_id = ?1 AND state = 'visible' ORDER BY "
        "article_id DESC, id DESC LIMIT 1");  // (in the order of the story index)
    s.bind(1, article_id);
    return s.step() ? s.i64(0) : 0;
  }

  bool edit(Id id, const std::string& text, UnixTime at) override {
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    auto cur = state_of(c, id);
    if (!cur) return false;
    c.prepare("UPDATE comments SET text = ?1, edited_at = ?2 WHERE id = ?3")
        .bind(1, text)
        .bind(2, at)
        .bind(3, id)
        .run();
    if (content::shown(cur->state)) changed(c, cur->article_id);
    tx.commit();
    return true;
  }

  bool set_state(Id id, CommentState state, const std::string& held_for) override {
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    auto cur = state_of(c, id);
    if (!cur) return false;
    c.prepare("UPDATE comments SET state = ?1, held_for = ?2 WHERE id = ?3")
        .bind(1, content::to_string(state))
        .bind(2, held_for)
        .bind(3, id)
        .run();
    bool was = content::shown(cur->state), is = content::shown(state);
    if (was != is) recount(c, cur->article_id, cur->parent_id, is ? +1 : -1);
    if (was || is) changed(c, cur->article_id);
    tx.commit();
    return true;
  }

  bool set_picked(Id id, bool picked) override {
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    auto cur = state_of(c, id);
    if (!cur) return false;
    c.prepare("UPDATE comments SET picked = ?1 WHERE id = ?2").bind(1, picked ? 1 : 0).bind(2, id).run();
    if (content::shown(cur->state)) changed(c, cur->article_id);
    tx.commit();
    return true;
  }

  std::optional<CommentVotes> vote(Id comment_id, Id user_id, int value) override {
    value = value > 0 ? 1 : value < 0 ? -1 : 0;
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    CommentVotes v;
    {
      auto s = c.prepare("SELECT likes, dislikes FROM comments WHERE id = ?1");
      s.bind(1, comment_id);
      if (!s.step()) return std::nullopt;
      v.likes = static_cast<int>(s.i64(0));
      v.dislikes = static_cast<int>(s.i64(1));
    }
    int old = 0;
    {
      auto s = c.prepare("SELECT value FROM comment_votes WHERE comment_id = ?1 AND user_id = ?2");
      s.bind(1, comment_id).bind(2, user_id);
      if (s.step()) old = static_cast<int>(s.i64(0));
    }
    if (old != value) {
      if (value == 0)
        c.prepare("DELETE FROM comment_votes WHERE comment_id = ?1 AND user_id = ?2")
            .bind(1, comment_id)
            .bind(2, user_id)
            .run();
      else
        c.prepare(
             "INSERT INTO comment_votes(comment_id, user_id, value) VALUES (?1, ?2, ?3) ON "
             "CONFLICT(comment_id, user_id) DO UPDATE SET value = excluded.value")
            .bind(1, comment_id)
            .bind(2, user_id)
            .bind(3, value)
            .run();
      v.likes += (value == 1) - (old == 1);
      v.dislikes += (value == -1) - (old == -1);
      c.prepare("UPDATE comments SET likes = ?1, dislikes = ?2, best = ?3 WHERE id = ?4")
          .bind(1, v.likes)
          .bind(2, v.dislikes)
          .bind(3, content::wilson_key(v.likes, v.dislikes))
          .bind(4, comment_id)
          .run();
    }
    tx.commit();
    v.mine = value;
    return v;
  }

  int report(Id comment_id, Id user_id, const std::string& reason, UnixTime at) override {
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    c.prepare(
         "INSERT INTO comment_reports(comment_id, user_id, reason, created_at) VALUES (?1, ?2, "
         "?3, ?4) ON CONFLICT(comment_id, user_id) DO NOTHING")
        .bind(1, comment_id)
        .bind(2, user_id)
        .bind(3, reason)
        .bind(4, at)
        .run();
    if (c.changes() > 0)
      c.prepare("UPDATE comments SET reports = reports + 1 WHERE id = ?1").bind(1, comment_id).run();
    auto s = c.prepare("SELECT reports FROM comments WHERE id = ?1");
    s.bind(1, comment_id);
    int n = s.step() ? static_cast<int>(s.i64(0)) : 0;
    while (s.step()) {
    }
    tx.commit();
    return n;
  }

  std::vector<CommentReport> reports(Id comment_id) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT r.comment_id, r.user_id, coalesce(u.display_name, ''), r.reason, r.created_at "
        "FROM comment_reports r LEFT JOIN users u ON u.id = r.user_id WHERE r.comment_id = ?1 "
        "ORDER BY r.created_at, r.user_id");
    s.bind(1, comment_id);
    std::vector<CommentReport> out;
    while (s.step()) out.push_back({s.i64(0), s.i64(1), s.text(2), s.text(3), s.i64(4)});
    return out;
  }

  CommenterRecord record(Id user_id, UnixTime since) override {
    auto c = db_.reader();
    CommenterRecord r;
    {
      auto s = c->prepare(
          "SELECT count(*), coalesce(sum(CASE WHEN state IN ('rejected', 'removed') THEN 1 ELSE 0 "
          "END), 0) FROM comments WHERE user_id = ?1");
      s.bind(1, user_id);
      if (s.step()) {
        r.comments = static_cast<int>(s.i64(0));
        r.rejected = static_cast<int>(s.i64(1));
      }
    }
    std::tie(r.decided_recent, r.rejected_recent) = decisions(user_id, since);
    return r;
  }

  int written(Id user_id, int cap) override {
    auto c = db_.reader();
    auto s = c->prepare("SELECT count(*) FROM (SELECT 1 FROM comments WHERE user_id = ?1 LIMIT ?2) AS t");
    s.bind(1, user_id).bind(2, std::max(cap, 0));
    return s.step() ? static_cast<int>(s.i64(0)) : 0;
  }

  std::pair<int, int> decisions(Id user_id, UnixTime since) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT count(*), coalesce(sum(CASE WHEN action IN ('reject', 'remove') THEN 1 ELSE 0 "
        "END), 0) FROM moderation_log WHERE user_id = ?1 AND at >= ?2 AND comment_id <> 0 AND "
        "action IN ('approve', 'reject', 'remove')");
    s.bind(1, user_id).bind(2, since);
    if (!s.step()) return {0, 0};
    return {static_cast<int>(s.i64(0)), static_cast<int>(s.i64(1))};
  }

  std::vector<Comment> queue(int limit) override {
    auto c = db_.reader();
    auto s = c->prepare(listed(
        "WHERE c.state IN ('pending', 'hidden') OR (c.state = 'visible' AND c.reports > 0) "
        "ORDER BY c.id LIMIT ?1",
        "c.id"));
    s.bind(1, std::clamp(limit, 1, 500));
    return all(s);
  }

  std::vector<Comment> by_user(Id user_id, Id before, int limit) override {
    auto c = db_.reader();
    auto s = c->prepare(listed("WHERE c.user_id = ?1 AND c.id < ?2 ORDER BY c.id DESC LIMIT ?3", "c.id DESC"));
    s.bind(1, user_id).bind(2, before > 0 ? before : kTop).bind(3, std::clamp(limit, 1, 10000));
    return all(s);
  }

  void ban(const CommentBan& b) override {
    auto w = db_.writer();
    (*w).prepare(
            "INSERT INTO comment_bans(user_id, until, reason, by_user, created_at) VALUES (?1, "
            "?2, ?3, ?4, ?5) ON CONFLICT(user_id) DO UPDATE SET until = excluded.until, reason "
            "= excluded.reason, by_user = excluded.by_user, created_at = excluded.created_at")
        .bind(1, b.user_id)
        .bind(2, b.until)
        .bind(3, b.reason)
        .bind(4, b.by_user)
        .bind(5, b.at)
        .run();
  }

  bool lift_ban(Id user_id) override {
    auto w = db_.writer();
    auto& c = *w;
    c.prepare("DELETE FROM comment_bans WHERE user_id = ?1").bind(1, user_id).run();
    return c.changes() > 0;
  }

  std::optional<CommentBan> ban_of(Id user_id, UnixTime now) override {
    auto c = db_.reader();
    auto s = c->prepare(std::string(kBanSelect) + "WHERE b.user_id = ?1 AND (b.until = 0 OR b.until > ?2)");
    s.bind(1, user_id).bind(2, now);
    if (!s.step()) return std::nullopt;
    return read_ban(s);
  }

  std::vector<CommentBan> bans(UnixTime now) override {
    auto c = db_.reader();
    auto s = c->prepare(std::string(kBanSelect) +
                        "WHERE b.until = 0 OR b.until > ?1 ORDER BY b.created_at DESC LIMIT 1000");
    s.bind(1, now);
    std::vector<CommentBan> out;
    while (s.step()) out.push_back(read_ban(s));
    return out;
  }

  std::vector<content::WordRule> words() override {
    auto c = db_.reader();
    auto s = c->prepare("SELECT word, kind FROM comment_words ORDER BY word");
    std::vector<content::WordRule> out;
    while (s.step())
      out.push_back({s.text(0), s.text(1) == "suspect" ? content::WordKind::Suspect : content::WordKind::Banned});
    return out;
  }

  void set_word(const content::WordRule& w) override {
    auto wr = db_.writer();
    (*wr).prepare(
             "INSERT INTO comment_words(word, kind) VALUES (?1, ?2) ON CONFLICT(word) DO UPDATE "
             "SET kind = excluded.kind")
        .bind(1, w.word)
        .bind(2, w.kind == content::WordKind::Suspect ? "suspect" : "banned")
        .run();
  }

  bool remove_word(const std::string& word) override {
    auto w = db_.writer();
    auto& c = *w;
    c.prepare("DELETE FROM comment_words WHERE word = ?1").bind(1, word).run();
    return c.changes() > 0;
  }

  std::int64_t add_notice(const CommentNotice& n) override {
    auto w = db_.writer();
    auto& c = *w;
    c.prepare(
         "INSERT INTO comment_notices(comment_id, reason, explanation, email, user_id, created_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, n.comment_id)
        .bind(2, n.reason)
        .bind(3, n.explanation)
        .bind(4, n.email)
        .bind(5, n.user_id)
        .bind(6, n.at)
        .run();
    return c.last_insert_id();
  }

  std::optional<CommentNotice> notice(std::int64_t id) override {
    auto c = db_.reader();
    auto s = c->prepare(std::string(kNoticeSelect) + "WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_notice(s);
  }

  std::vector<CommentNotice> open_notices(int limit) override {
    auto c = db_.reader();
    auto s = c->prepare(std::string(kNoticeSelect) + "WHERE decided_at = 0 ORDER BY id LIMIT ?1");
    s.bind(1, std::clamp(limit, 1, 500));
    std::vector<CommentNotice> out;
    while (s.step()) out.push_back(read_notice(s));
    return out;
  }

  bool decide_notice(std::int64_t id, const std::string& decision, const std::string& reply,
                     content::Id by, UnixTime at) override {
    auto w = db_.writer();
    auto& c = *w;
    c.prepare(
         "UPDATE comment_notices SET decided_at = ?1, decision = ?2, reply = ?3, decided_by = ?4 "
         "WHERE id = ?5 AND decided_at = 0")
        .bind(1, at)
        .bind(2, decision)
        .bind(3, reply)
        .bind(4, by)
        .bind(5, id)
        .run();
    return c.changes() > 0;
  }

  std::vector<CommentDecision> decisions_to_learn(int limit) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT text, language, refused FROM (SELECT l.id, c.text, coalesce(e.language, 'en') AS "
        "language, CASE WHEN l.action = 'approve' THEN 0 ELSE 1 END AS refused FROM "
        "moderation_log l JOIN comments c ON c.id = l.comment_id LEFT JOIN articles a ON a.id = "
        "c.article_id LEFT JOIN editions e ON e.id = a.edition_id WHERE l.automated = 0 AND "
        "l.action IN ('approve', 'reject', 'remove') AND c.text <> '' ORDER BY l.id DESC LIMIT "
        "?1) AS t ORDER BY id");
    s.bind(1, std::clamp(limit, 1, 100000));
    std::vector<CommentDecision> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.i64(2) != 0});
    return out;
  }

  void log(const ModerationEntry& e) override {
    auto w = db_.writer();
    (*w).prepare(
            "INSERT INTO moderation_log(at, moderator_id, action, comment_id, user_id, "
            "article_id, reason, automated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(1, e.at ? e.at : clock_.now())
        .bind(2, e.moderator_id)
        .bind(3, e.action)
        .bind(4, e.comment_id)
        .bind(5, e.user_id)
        .bind(6, e.article_id)
        .bind(7, e.reason)
        .bind(8, e.automated ? 1 : 0)
        .run();
  }

  std::vector<ModerationEntry> log_entries(std::int64_t before, int limit) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT l.id, l.at, l.moderator_id, coalesce(u.display_name, ''), l.action, l.comment_id, "
        "l.user_id, l.article_id, l.reason, l.automated FROM moderation_log l LEFT JOIN users u "
        "ON u.id = l.moderator_id WHERE l.id < ?1 ORDER BY l.id DESC LIMIT ?2");
    s.bind(1, before > 0 ? before : kTop).bind(2, std::clamp(limit, 1, 1000));
    std::vector<ModerationEntry> out;
    while (s.step())
      out.push_back({s.i64(0), s.i64(1), s.i64(2), s.text(3), s.text(4), s.i64(5), s.i64(6),
                     s.i64(7), s.text(8), s.i64(9) != 0});
    return out;
  }

 private:
  static constexpr const char* kNoticeSelect =
      "SELECT id, comment_id, reason, explanation, email, user_id, created_at, decided_at, "
      "decision, reply, decided_by FROM comment_notices ";
  static CommentNotice read_notice(Stmt& s) {
    return CommentNotice{s.i64(0), s.i64(1), s.text(2), s.text(3), s.text(4), s.i64(5),
                         s.i64(6), s.i64(7), s.text(8), s.text(9), s.i64(10)};
  }
  static constexpr const char* kBanSelect =
      "SELECT b.user_id, coalesce(u.display_name, ''), b.until, b.reason, b.by_user, b.created_at "
      "FROM comment_bans b LEFT JOIN users u ON u.id = b.user_id ";
  static CommentBan read_ban(Stmt& s) {
    return CommentBan{s.i64(0), s.text(1), s.i64(2), s.text(3), s.i64(4), s.i64(5)};
  }

  struct Current {
    Id article_id = 0;
    Id parent_id = 0;
    CommentState state = CommentState::Visible;
  };
  std::optional<Current> state_of(Connection& c, Id id) {
    auto s = c.prepare("SELECT article_id, parent_id, state FROM comments WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return Current{s.i64(0), s.i64(1),
                   content::comment_state_from(s.text(2)).value_or(CommentState::Pending)};
  }

  // One more (or fewer) visible comment on the story and, for a reply, in its thread.
  void recount(Connection& c, Id article_id, Id parent_id, int delta) {
    c.prepare(
         "INSERT INTO discussions(article_id, visible) VALUES (?1, ?2) ON CONFLICT(article_id) DO "
         "UPDATE SET visible = discussions.visible + excluded.visible")
        .bind(1, article_id)
        .bind(2, delta)
        .run();
    if (parent_id)
      c.prepare("UPDATE comments SET replies = replies + ?1 WHERE id = ?2")
          .bind(1, delta)
          .bind(2, parent_id)
          .run();
  }

  // What readers see of the story's discussion changed: its pages are purged on every node.
  void changed(Connection& c, Id article_id) {
    auto s = c.prepare("SELECT edition_id FROM articles WHERE id = ?1");
    s.bind(1, article_id);
    Id edition = s.step() ? s.i64(0) : 0;
    while (s.step()) {
    }
    record_event(c,
                 ContentEvent{0, 0, "discussion", edition, article_id,
                              {"article:" + std::to_string(article_id)}},
                 clock_.now());
  }

  static std::vector<Comment> all(Stmt& s) {
    std::vector<Comment> out;
    while (s.step()) out.push_back(read_comment(s));
    return out;
  }

  Db& db_;
  const util::Clock& clock_;
  const bool group_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<Pending*> queue_;
  bool writing_ = false;
};

}  // namespace

std::unique_ptr<CommentStore> make_comment_store(Db& db, const util::Clock& clock, bool group_commit) {
  return std::make_unique<SqlComments>(db, clock, group_commit);
}

}  // namespace herald::storage::sql
