#include "storage/sql/chat_store.hpp"
#include "storage/sql/rows.hpp"
#include <algorithm>

namespace herald::storage::sql {

namespace {

ChatMessage read_message(Stmt& s) {
  return ChatMessage{s.i64(0), s.text(1), s.i64(2), s.text(3), s.text(4), s.i64(5)};
}

constexpr const char* kMessageCols =
    "m.id, m.room, m.user_id, coalesce(u.display_name, ''), m.text, m.created_at";

class SqlChat final : public ChatStore {
 public:
  SqlChat(Db& db, const util::Clock& clock) : db_(db), clock_(clock) {}

  ChatRoomSettings room(const std::string& room) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT public_read, locked, slow_mode_s, owner_id FROM chat_rooms WHERE room = ?1");
    s.bind(1, room);
    ChatRoomSettings r;
    r.room = room;
    if (s.step()) {
      r.public_read = s.i64(0) != 0;
      r.locked = s.i64(1) != 0;
      r.slow_mode_s = static_cast<int>(s.i64(2));
      r.owner_id = s.i64(3);
    }
    return r;
  }

  void set_room(const ChatRoomSettings& r) override {
    auto w = db_.writer();
    (*w)
        .prepare(
            "INSERT INTO chat_rooms(room, public_read, locked, slow_mode_s, owner_id, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(room) DO UPDATE SET "
            "public_read = excluded.public_read, locked = excluded.locked, slow_mode_s = "
            "excluded.slow_mode_s, owner_id = excluded.owner_id, updated_at = excluded.updated_at")
        .bind(1, r.room)
        .bind(2, r.public_read ? 1 : 0)
        .bind(3, r.locked ? 1 : 0)
        .bind(4, r.slow_mode_s)
        .bind(5, r.owner_id)
        .bind(6, clock_.now())
        .run();
  }

  std::int64_t add_message(const ChatMessage& m) override {
    auto w = db_.writer();
    auto& c = *w;
    c.prepare("INSERT INTO chat_messages(room, user_id, text, created_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(1, m.room)
        .bind(2, m.user_id)
        .bind(3, m.text)
        .bind(4, m.created_at)
        .run();
    return c.last_insert_id();
  }

  std::vector<ChatMessage> messages(const std::string& room, std::int64_t before,
                                    int limit) override {
    return lines(room, "(?2 = 0 OR m.id < ?2) ORDER BY m.id DESC", before, std::clamp(limit, 1, 200));
  }

  std::vector<ChatMessage> messages_after(const std::string& room, std::int64_t after_id,
                                          int limit) override {
    return lines(room, "m.id > ?2 ORDER BY m.id", after_id, std::clamp(limit, 1, 1000));
  }

  std::vector<std::int64_t> deleted_among_last(const std::string& room, std::int64_t up_to_id,
                                               int window) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT id FROM (SELECT id, deleted_at FROM chat_messages WHERE room = ?1 AND id <= ?2 "
        "ORDER BY id DESC LIMIT ?3) AS t WHERE deleted_at <> 0 ORDER BY id");
    s.bind(1, room).bind(2, up_to_id).bind(3, std::clamp(window, 1, 1000));
    std::vector<std::int64_t> out;
    while (s.step()) out.push_back(s.i64(0));
    return out;
  }

  std::optional<ChatMessage> message(std::int64_t id) override {
    auto c = db_.reader();
    auto s = c->prepare(std::string("SELECT ") + kMessageCols +
                        " FROM chat_messages m LEFT JOIN users u ON u.id = m.user_id "
                        "WHERE m.id = ?1 AND m.deleted_at = 0");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_message(s);
  }

  bool delete_message(std::int64_t id, std::int64_t by, UnixTime at) override {
    auto w = db_.writer();
    auto& c = *w;
    c.prepare("UPDATE chat_messages SET deleted_at = ?2, deleted_by = ?3 WHERE id = ?1 AND "
              "deleted_at = 0")
        .bind(1, id)
        .bind(2, at)
        .bind(3, by)
        .run();
    return c.changes() > 0;
  }

  int delete_messages_of(std::int64_t user, const std::string& room, std::int64_t by,
                         UnixTime at) override {
    auto w = db_.writer();
    auto& c = *w;
    c.prepare("UPDATE chat_messages SET deleted_at = ?3, deleted_by = ?4 WHERE user_id = ?1 AND "
              "(?2 = '*' OR room = ?2) AND deleted_at = 0")
        .bind(1, user)
        .bind(2, room)
        .bind(3, at)
        .bind(4, by)
        .run();
    return c.changes();
  }

  std::vector<std::string> rooms_of(std::int64_t user) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT DISTINCT room FROM chat_messages WHERE user_id = ?1 AND deleted_at = 0 LIMIT 1000");
    s.bind(1, user);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  }

  void add_sanction(const ChatSanction& s, std::int64_t by, UnixTime at) override {
    auto w = db_.writer();
    (*w)
        .prepare(
            "INSERT INTO chat_sanctions(room, user_id, kind, until, by_user, created_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, s.room)
        .bind(2, s.user_id)
        .bind(3, s.kind)
        .bind(4, s.until)
        .bind(5, by)
        .bind(6, at)
        .run();
  }

  void lift_sanctions(std::int64_t user, const std::string& room) override {
    auto w = db_.writer();
    (*w)
        .prepare("DELETE FROM chat_sanctions WHERE user_id = ?1 AND (?2 = '*' OR room = ?2)")
        .bind(1, user)
        .bind(2, room)
        .run();
  }

  std::vector<ChatSanction> sanctions(std::int64_t user, const std::string& room,
                                      UnixTime now) override {
    auto c = db_.reader();
    auto s = c->prepare(
        "SELECT room, user_id, kind, until FROM chat_sanctions WHERE user_id = ?1 AND "
        "(room = ?2 OR room = '*') AND (until = 0 OR until > ?3)");
    s.bind(1, user).bind(2, room).bind(3, now);
    std::vector<ChatSanction> out;
    while (s.step()) out.push_back(ChatSanction{s.text(0), s.i64(1), s.text(2), s.i64(3)});
    return out;
  }

  void set_chat_enabled(Id article_id, bool on, UnixTime at) override {
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    c.prepare(
         "INSERT INTO article_desk(article_id, chat_enabled) VALUES (?1, ?2) "
         "ON CONFLICT(article_id) DO UPDATE SET chat_enabled = excluded.chat_enabled")
        .bind(1, article_id)
        .bind(2, on ? 1 : 0)
        .run();
    // The story page shows the room (or not): it is purged.
    auto s = c.prepare("SELECT edition_id FROM articles WHERE id = ?1");
    s.bind(1, article_id);
    Id edition = s.step() ? s.i64(0) : 0;
    while (s.step()) {
    }
    record_event(c,
                 ContentEvent{0, at, "article.chat", edition, article_id,
                              {"article:" + std::to_string(article_id)}},
                 at);
    tx.commit();
  }

  UnixTime newsfeed_seen(std::int64_t user) override {
    auto c = db_.reader();
    auto s = c->prepare("SELECT newsfeed_seen_at FROM users WHERE id = ?1");
    s.bind(1, user);
    return s.step() ? s.i64(0) : 0;
  }

  void set_newsfeed_seen(std::int64_t user, UnixTime at) override {
    auto w = db_.writer();
    (*w)
        .prepare("UPDATE users SET newsfeed_seen_at = CASE WHEN newsfeed_seen_at > ?2 THEN "
            "newsfeed_seen_at ELSE ?2 END WHERE id = ?1")
        .bind(1, user)
        .bind(2, at)
        .run();
  }

 private:
  // A room's undeleted lines: `where_order` goes on from "room = ?1 AND not deleted AND".
  std::vector<ChatMessage> lines(const std::string& room, const char* where_order, std::int64_t id,
                                 int limit) {
    auto c = db_.reader();
    auto s = c->prepare(std::string("SELECT ") + kMessageCols +
                        " FROM chat_messages m LEFT JOIN users u ON u.id = m.user_id "
                        "WHERE m.room = ?1 AND m.deleted_at = 0 AND " + where_order + " LIMIT ?3");
    s.bind(1, room).bind(2, id).bind(3, limit);
    std::vector<ChatMessage> out;
    while (s.step()) out.push_back(read_message(s));
    return out;
  }

  Db& db_;
  const util::Clock& clock_;
};

}  // namespace

std::unique_ptr<ChatStore> make_chat_store(Db& db, const util::Clock& clock) {
  return std::make_unique<SqlChat>(db, clock);
}

}  // namespace herald::storage::sql
