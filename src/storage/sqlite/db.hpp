// A thin RAII layer over the SQLite C API: a connection pool and prepared statements.
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

namespace herald::storage::sqlite {

class Connection;

// A prepared statement, reset and unbound when it goes out of scope (it stays cached in its
// connection). Bind indexes start at 1, column indexes at 0.
class Stmt {
 public:
  Stmt(Connection& c, sqlite3_stmt* s) : conn_(c), s_(s) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind_null(int i);
  bool step();  // true while a row is available; throws StorageError on failure
  void run();   // step to completion
  std::int64_t i64(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;

 private:
  Connection& conn_;
  sqlite3_stmt* s_;
};

class Connection {
 public:
  Connection(const std::string& path, bool readonly);
  ~Connection();
  Connection(const Connection&) = delete;
  // The statement for `sql`, prepared once per connection and reused.
  Stmt prepare(std::string_view sql);
  void exec(std::string_view sql);
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  sqlite3* raw() { return db_; }
  [[noreturn]] void fail(std::string_view what);

 private:
  sqlite3* db_ = nullptr;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> cache_;
};

// A read connection: owned (returned to its pool at the end) or borrowed.
class Database;
class Lease {
 public:
  Lease(Database& db, std::unique_ptr<Connection> c) : db_(&db), c_(std::move(c)), raw_(c_.get()) {}
  explicit Lease(Connection* borrowed) : db_(nullptr), raw_(borrowed) {}
  Lease(Lease&&) = default;
  ~Lease();
  Connection* operator->() { return raw_; }
  Connection& operator*() { return *raw_; }
  // Closes an owned connection instead of pooling it (its state is unknown).
  void discard() { c_.reset(); }

 private:
  Database* db_;
  std::unique_ptr<Connection> c_;
  Connection* raw_;
};

// What a store works on: connections to read on, the writer and its lock. The database itself
// (a pool of readers and one writer), or one transaction's connection (storage::Transaction,
// storage::NewsStore::snapshot()). The stores are written once against this.
class Db {
 public:
  virtual ~Db() = default;
  virtual Lease reader() = 0;
  // The writer connection, locked for the caller's scope (recursive: a bulk load and a
  // transaction hold it across calls on their thread).
  virtual std::unique_lock<std::recursive_mutex> lock_writer() = 0;
  virtual Connection& writer() = 0;
};

// Read connections are pooled (one per concurrent reader); there is a single writer.
class Database final : public Db {
 public:
  explicit Database(std::string path);
  // Closes the readers before the writer, so that the writer's close checkpoints the WAL
  // into the database file and removes it.
  ~Database() override;
  Lease reader() override;
  std::unique_lock<std::recursive_mutex> lock_writer() override {
    return std::unique_lock(write_mu_);
  }
  Connection& writer() override { return *writer_; }

 private:
  friend class Lease;
  std::string path_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> pool_;
  std::recursive_mutex write_mu_;
  std::unique_ptr<Connection> writer_;
};

// One explicit transaction's view of the database: every read and write runs on its one
// connection. A read snapshot (read-only: writes throw) or a write transaction, which holds the
// writer's lock for its whole life, on the thread that began it.
class BoundDb final : public Db {
 public:
  // Read snapshot: a pooled read connection inside BEGIN (SQLite fixes what it sees at its
  // first read).
  static std::unique_ptr<BoundDb> snapshot(Database& db);
  // Write transaction: the writer inside BEGIN IMMEDIATE.
  static std::unique_ptr<BoundDb> transaction(Database& db);
  ~BoundDb() override;  // rolls back what was not committed
  void commit();

  Lease reader() override { return Lease(conn_); }
  std::unique_lock<std::recursive_mutex> lock_writer() override;
  Connection& writer() override;

 private:
  BoundDb(Database& db, bool write);
  Database& db_;
  bool write_;
  std::unique_lock<std::recursive_mutex> lock_;
  std::unique_ptr<Lease> read_;  // the snapshot's connection
  Connection* conn_ = nullptr;
  bool done_ = false;
};

// A write step. At the top it is a transaction (BEGIN IMMEDIATE ... COMMIT); inside one (an
// explicit storage::Transaction, or another step) it is a savepoint, so that a step that is
// refused or fails undoes only its own writes. Not committed: rolled back. `active` false
// (a bulk load, which commits everything at its end): does nothing.
class Step {
 public:
  Step(Connection& c, bool active);
  ~Step();
  void commit();

 private:
  enum class Mode { None, Top, Savepoint };
  Connection& c_;
  Mode mode_ = Mode::None;
  bool done_ = false;
};

}  // namespace herald::storage::sqlite
