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

// Read connections are pooled (one per concurrent reader); there is a single writer.
class Database {
 public:
  explicit Database(std::string path);
  // Closes the readers before the writer, so that the writer's close checkpoints the WAL
  // into the database file and removes it.
  ~Database();
  // A read connection: owned (returned to the pool at the end) or borrowed from a Snapshot.
  class Lease {
   public:
    Lease(Database& db, std::unique_ptr<Connection> c)
        : db_(&db), c_(std::move(c)), raw_(c_.get()) {}
    explicit Lease(Connection* borrowed) : db_(nullptr), raw_(borrowed) {}
    Lease(Lease&&) = default;
    ~Lease();
    Connection* operator->() { return raw_; }
    Connection& operator*() { return *raw_; }

   private:
    Database* db_;
    std::unique_ptr<Connection> c_;
    Connection* raw_;
  };
  // While a Snapshot lives, every reader() on its thread uses one connection inside one read
  // transaction: the reads see one consistent state and pay for locking once.
  class Snapshot {
   public:
    explicit Snapshot(Database& db);
    ~Snapshot();
    Snapshot(const Snapshot&) = delete;

   private:
    Database& db_;
    std::unique_ptr<Connection> c_;
    bool outer_;
  };
  Lease reader();
  // The writer connection, locked for the caller's scope.
  std::unique_lock<std::recursive_mutex> lock_writer() { return std::unique_lock(write_mu_); }
  Connection& writer() { return *writer_; }

 private:
  friend class Lease;
  std::string path_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> pool_;
  std::recursive_mutex write_mu_;  // recursive: a bulk load holds it across calls
  std::unique_ptr<Connection> writer_;
};

// A write transaction; inside another one it joins it (the outer one commits or rolls back).
class Transaction {
 public:
  explicit Transaction(Connection& c, bool active)
      : c_(c), active_(active && !c.in_transaction()) {
    if (active_) c_.exec("BEGIN IMMEDIATE");
  }
  ~Transaction() {
    if (active_ && !done_) {
      try {
        c_.exec("ROLLBACK");
      } catch (...) {
      }
    }
  }
  void commit() {
    if (active_) c_.exec("COMMIT");
    done_ = true;
  }

 private:
  Connection& c_;
  bool active_;
  bool done_ = false;
};

}  // namespace herald::storage::sqlite
