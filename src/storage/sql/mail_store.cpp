#include "storage/sql/mail_store.hpp"

#include <algorithm>

#include "util/token.hpp"

namespace herald::storage::sql {

namespace {

class SqlMail final : public MailStore {
 public:
  explicit SqlMail(Db& db) : db_(db) {}

  void add(const std::string& to, const std::string& subject, const std::string& text,
           UnixTime now) override {
    auto w = db_.writer();
    (*w)
        .prepare("INSERT INTO mail_outbox(to_addr, subject, body, created_at, next_try) "
                 "VALUES (?1, ?2, ?3, ?4, ?4)")
        .bind(1, to)
        .bind(2, subject)
        .bind(3, text)
        .bind(4, now)
        .run();
  }

  std::vector<QueuedMail> claim(const std::string& node, UnixTime now, int lease_s,
                                int limit) override {
    // Each claim has its own token, so that this call reads back exactly what it took. The
    // outer conditions are checked again on the row as it is when its lock is granted: of two
    // nodes claiming at once, the second finds the mail held and leaves it.
    std::string token = node + "/" + util::random_token().substr(0, 12);
    auto w = db_.writer();
    auto& c = *w;
    Step tx(c, true);
    c.prepare(
         "UPDATE mail_outbox SET claimed_by = ?1, claimed_until = ?3 "
         "WHERE sent_at = 0 AND failed_at = 0 AND next_try <= ?2 AND claimed_until < ?2 AND id IN "
         "(SELECT id FROM mail_outbox WHERE sent_at = 0 AND failed_at = 0 AND next_try <= ?2 "
         "AND claimed_until < ?2 ORDER BY id LIMIT ?4)")
        .bind(1, token)
        .bind(2, now)
        .bind(3, now + lease_s)
        .bind(4, std::clamp(limit, 1, 100))
        .run();
    auto s = c.prepare(
        "SELECT id, to_addr, subject, body, attempts FROM mail_outbox WHERE claimed_by = ?1 "
        "AND sent_at = 0 ORDER BY id");
    s.bind(1, token);
    std::vector<QueuedMail> out;
    while (s.step())
      out.push_back({s.i64(0), s.text(1), s.text(2), s.text(3), static_cast<int>(s.i64(4))});
    tx.commit();
    return out;
  }

  void sent(std::int64_t id, UnixTime now) override {
    auto w = db_.writer();
    auto& c = *w;
    c.prepare("UPDATE mail_outbox SET sent_at = ?2, claimed_until = 0 WHERE id = ?1")
        .bind(1, id)
        .bind(2, now)
        .run();
    // Sent mail is kept a week (what went out, for the operator), then dropped.
    c.prepare("DELETE FROM mail_outbox WHERE sent_at > 0 AND sent_at < ?1").bind(1, now - 7 * 86400).run();
  }

  void failed(std::int64_t id, const std::string& error, UnixTime retry_at,
              UnixTime now) override {
    auto w = db_.writer();
    (*w)
        .prepare("UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?2, "
                 "next_try = ?3, claimed_until = 0, failed_at = ?4 WHERE id = ?1")
        .bind(1, id)
        .bind(2, error.substr(0, 500))
        .bind(3, retry_at)
        .bind(4, retry_at ? 0 : now)
        .run();
  }

  std::int64_t pending() override {
    auto c = db_.reader();
    auto s = c->prepare("SELECT count(*) FROM mail_outbox WHERE sent_at = 0 AND failed_at = 0");
    return s.step() ? s.i64(0) : 0;
  }

 private:
  Db& db_;
};

}  // namespace

std::unique_ptr<MailStore> make_mail_store(Db& db) { return std::make_unique<SqlMail>(db); }

}  // namespace herald::storage::sql
