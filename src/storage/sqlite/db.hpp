// The SQLite driver of the SQL stores (storage/sql/connection.hpp): connections over the C API
// with their prepared statements, a pool of readers and the single writer.
// Used only inside storage/sqlite.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/sql/connection.hpp"

namespace herald::storage::sqlite {

class Connection;

class Statement final : public sql::StmtImpl {
 public:
  Statement(Connection& c, sqlite3_stmt* s) : conn_(c), s_(s) {}
  ~Statement() override { sqlite3_finalize(s_); }
  void bind_i64(int i, std::int64_t v) override;
  void bind_text(int i, std::string_view v) override;
  void bind_null(int i) override { sqlite3_bind_null(s_, i); }
  bool step() override;
  std::int64_t i64(int col) const override { return sqlite3_column_int64(s_, col); }
  std::string text(int col) const override;
  bool is_null(int col) const override { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  void reset() override {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

 private:
  Connection& conn_;
  sqlite3_stmt* s_;
};

class Connection final : public sql::Connection {
 public:
  Connection(const std::string& path, bool readonly);
  ~Connection() override;
  Connection(const Connection&) = delete;
  void exec(std::string_view sql) override;
  std::int64_t last_insert_id() override { return sqlite3_last_insert_rowid(db_); }
  int changes() const override { return sqlite3_changes(db_); }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  void begin_write() override { prepare("BEGIN IMMEDIATE").run(); }
  void begin_read() override { prepare("BEGIN").run(); }
  void relax(bool on) override;
  sqlite3* raw() { return db_; }
  [[noreturn]] void fail(std::string_view what);

 protected:
  sql::StmtImpl& statement(std::string_view sql) override;

 private:
  sqlite3* db_ = nullptr;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, Hash, std::equal_to<>> cache_;
};

// Read connections are pooled (one per concurrent reader); there is a single writer.
class Database final : public sql::Db, public sql::Pool {
 public:
  explicit Database(std::string path);
  // Closes the readers before the writer, so that the writer's close checkpoints the WAL
  // into the database file and removes it.
  ~Database() override;
  sql::Lease reader() override;
  sql::WriteLease writer() override {
    return sql::WriteLease(std::unique_lock(write_mu_), sql::Lease(writer_.get()));
  }
  void give_back(std::unique_ptr<sql::Connection> c, bool keep = true) override;
  const std::string& path() const { return path_; }
  // Copies committed pages from the write-ahead log into the database file without waiting for
  // readers or the writer (a passive checkpoint, on a connection of its own). Once the whole log
  // is in the file, new read transactions no longer look pages up in the log, until the next
  // write. What the log held and how much of it is now in the file, in pages.
  struct LogFold {
    std::int64_t log = 0;
    std::int64_t folded = 0;
  };
  LogFold fold_log();

 private:
  std::string path_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<sql::Connection>> pool_;
  std::recursive_mutex write_mu_;
  std::unique_ptr<Connection> writer_;
  std::mutex fold_mu_;
  std::unique_ptr<Connection> folder_;
};

}  // namespace herald::storage::sqlite
