// The PostgreSQL driver of the SQL stores (storage/sql/connection.hpp), over libpq: connections
// with their prepared statements, and one pool for reads and writes. Used only inside
// storage/postgres.
#pragma once
#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/sql/connection.hpp"

namespace herald::storage::postgres {

class Connection;

// A statement: `?N` becomes `$N`; it is prepared on the server at its first run, once per
// connection and kind of values bound (numbers are int8, text is left to the server to infer
// from where it is used).
class Statement final : public sql::StmtImpl {
 public:
  Statement(Connection& c, std::string sql) : conn_(c), sql_(std::move(sql)) {}
  ~Statement() override { reset(); }
  void bind_i64(int i, std::int64_t v) override { set(i, std::to_string(v), 20, false); }
  void bind_text(int i, std::string_view v) override { set(i, std::string(v), 0, false); }
  void bind_null(int i) override { set(i, {}, 0, true); }
  bool step() override;
  std::int64_t i64(int col) const override;
  std::string text(int col) const override;
  bool is_null(int col) const override { return PQgetisnull(res_, row_, col) != 0; }
  void reset() override;

 private:
  void set(int i, std::string v, unsigned type, bool null);
  Connection& conn_;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<unsigned> types_;
  std::vector<char> nulls_;
  std::unordered_map<std::string, std::string> prepared_;  // kinds of values -> server name
  PGresult* res_ = nullptr;
  int row_ = -1;
  int rows_ = 0;
};

class Connection final : public sql::Connection {
 public:
  explicit Connection(const std::string& url);
  ~Connection() override;
  Connection(const Connection&) = delete;
  void exec(std::string_view sql) override;
  std::int64_t last_insert_id() override;
  int changes() const override { return changes_; }
  bool in_transaction() const override;
  void begin_write() override { exec("BEGIN"); }
  void begin_read() override { exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
  void serialize(std::string_view what, std::int64_t id) override;
  void relax(bool on) override;
  // Usable for the next caller: connected and outside any transaction.
  bool healthy() const;
  // Whether the pool lent it to a thread that renders reader pages.
  void set_lent_to_reader(bool on) { lent_to_reader_ = on; }
  bool lent_to_reader() const { return lent_to_reader_; }

  // For statements: runs a prepared one, or throws StorageError (ConstraintError).
  PGresult* run(const std::string& name, const std::string& sql, const std::vector<unsigned>& types,
                const std::vector<const char*>& values, bool prepare);
  std::string next_name() { return "h" + std::to_string(++names_); }
  [[noreturn]] void fail(PGresult* r, std::string_view what);

 protected:
  sql::StmtImpl& statement(std::string_view sql) override;

 private:
  PGconn* conn_ = nullptr;
  bool lent_to_reader_ = false;
  int changes_ = 0;
  std::uint64_t names_ = 0;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// `?1` ... `?N` outside quoted text become `$1` ... `$N`.
std::string numbered_parameters(std::string_view sql);

// One pool of connections for reads and writes, up to `max_connections`; a caller waits up to
// `wait` for one, then gets StorageError (unavailable). Threads that render reader pages
// (util::on_reading_thread) come first: a freed connection goes to them before anyone else,
// and the others may not hold the last `max_connections / 4` (so that a burst of writes never
// leaves a reader's page waiting for a commit to finish).
class Database final : public sql::Db, public sql::Pool {
 public:
  Database(std::string url, int max_connections,
           std::chrono::milliseconds wait = std::chrono::seconds(5));
  ~Database() override;
  sql::Lease reader() override { return take(); }
  sql::WriteLease writer() override { return sql::WriteLease({}, take()); }
  void give_back(std::unique_ptr<sql::Connection> c, bool keep = true) override;
  const std::string& url() const { return url_; }
  // Callers waiting for a connection now: reader pages', and the others'.
  std::pair<int, int> waiting();

 private:
  sql::Lease take();
  std::string url_;
  int max_;
  std::chrono::milliseconds wait_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<sql::Connection>> idle_;
  int open_ = 0;  // idle and lent
  int reserve_ = 0;       // connections only reader pages may hold
  int lent_others_ = 0;   // held by threads other than reader pages'
  int readers_waiting_ = 0;
  int others_waiting_ = 0;
};

// The URL without its password, for messages.
std::string redacted(const std::string& url);

}  // namespace herald::storage::postgres
