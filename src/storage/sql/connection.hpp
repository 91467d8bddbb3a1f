// What the SQL stores (storage/sql/) run on, whatever the database: a connection that prepares
// statements, binds values and steps through rows; pools of them; explicit transactions. Each
// backend (storage/sqlite/, storage/postgres/) implements Connection and Db; the stores are
// written once against these. Statements use `?1`, `?2`, ... for their parameters and the SQL
// that SQLite 3.40 and PostgreSQL 15 both run (a backend adds what is missing, e.g. functions
// in its migrations).
// Used only inside storage/.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "storage/store.hpp"

namespace herald::storage::sql {

// A write broke a constraint of the schema: a unique key (a taken slug, address, ...) or
// another one (a missing referenced row, a check).
struct ConstraintError : StorageError {
  ConstraintError(const std::string& what, bool unique_key)
      : StorageError(what, Kind::Failed), unique(unique_key) {}
  bool unique;
};

// A prepared statement of a backend; Stmt is its handle.
class StmtImpl {
 public:
  virtual ~StmtImpl() = default;
  virtual void bind_i64(int i, std::int64_t v) = 0;
  virtual void bind_text(int i, std::string_view v) = 0;
  virtual void bind_null(int i) = 0;
  virtual bool step() = 0;  // true while a row is available; throws StorageError on failure
  virtual std::int64_t i64(int col) const = 0;
  virtual std::string text(int col) const = 0;
  virtual bool is_null(int col) const = 0;
  virtual void reset() = 0;  // ready for new values; nothing bound
};

// A statement, reset when it goes out of scope (it stays cached in its connection). Bind
// indexes start at 1, column indexes at 0.
class Stmt {
 public:
  explicit Stmt(StmtImpl& s) : s_(&s) {}
  ~Stmt() { s_->reset(); }
  Stmt(const Stmt&) = delete;
  Stmt& bind(int i, std::int64_t v) { return s_->bind_i64(i, v), *this; }
  Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, std::string_view v) { return s_->bind_text(i, v), *this; }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind_null(int i) { return s_->bind_null(i), *this; }
  bool step() { return s_->step(); }
  void run() {
    while (step()) {
    }
  }
  std::int64_t i64(int col) const { return s_->i64(col); }
  std::string text(int col) const { return s_->text(col); }
  bool is_null(int col) const { return s_->is_null(col); }

 private:
  StmtImpl* s_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  // The statement for `sql`, prepared once per connection and reused.
  Stmt prepare(std::string_view sql) { return Stmt(statement(sql)); }
  virtual void exec(std::string_view sql) = 0;  // statements without values or rows
  // The id the last INSERT on this connection gave its row.
  virtual std::int64_t last_insert_id() = 0;
  virtual int changes() const = 0;  // rows the last statement changed
  virtual bool in_transaction() const = 0;
  virtual void begin_write() = 0;  // a write transaction that no other writer can overtake
  virtual void begin_read() = 0;   // a read-only snapshot
  // While the current transaction lasts, no other transaction takes the lock named by `what`
  // and `id` (a story being saved, say). Nothing on a backend with a single writer.
  virtual void serialize(std::string_view what, std::int64_t id) { (void)what, (void)id; }
  // For bookkeeping whose loss in a power cut costs nothing (an event consumer's lease):
  // commits on this connection need not wait for the disk until relax(false).
  virtual void relax(bool on) { (void)on; }

 protected:
  virtual StmtImpl& statement(std::string_view sql) = 0;
};

// Where connections go back to (keep false: to be closed, its state unknown).
class Pool {
 public:
  virtual ~Pool() = default;
  virtual void give_back(std::unique_ptr<Connection> c, bool keep = true) = 0;
};

// A connection for the caller's scope: owned (given back to its pool at the end) or borrowed.
class Lease {
 public:
  Lease(Pool& pool, std::unique_ptr<Connection> c) : pool_(&pool), c_(std::move(c)), raw_(c_.get()) {}
  explicit Lease(Connection* borrowed) : pool_(nullptr), raw_(borrowed) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (c_ && pool_) pool_->give_back(std::move(c_));
  }
  Connection* operator->() const { return raw_; }
  Connection& operator*() const { return *raw_; }
  // Closes an owned connection: its state is unknown.
  void discard() {
    if (!c_) return;
    if (pool_)
      pool_->give_back(std::move(c_), false);
    else
      c_.reset();
  }

 private:
  Pool* pool_;
  std::unique_ptr<Connection> c_;
  Connection* raw_;
};

// The connection writes go through, for the caller's scope. On SQLite it is the one writer,
// locked (recursively: a transaction holds it across calls on its thread); on PostgreSQL one
// of a pool.
class WriteLease {
 public:
  WriteLease(std::unique_lock<std::recursive_mutex> lock, Lease c)
      : lock_(std::move(lock)), c_(std::move(c)) {}
  WriteLease(WriteLease&&) = default;
  Connection* operator->() const { return &*c_; }
  Connection& operator*() const { return *c_; }
  void discard() { c_.discard(); }

 private:
  std::unique_lock<std::recursive_mutex> lock_;
  Lease c_;
};

// What a store works on: connections to read on and to write on. The database itself, or one
// explicit transaction or snapshot of it (BoundDb).
class Db {
 public:
  virtual ~Db() = default;
  virtual Lease reader() = 0;
  virtual WriteLease writer() = 0;
};

// One explicit transaction's view of a database: every read and write runs on its one
// connection. A read snapshot (writes throw) or a write transaction (which, on SQLite, holds
// the writer for its whole life, on the thread that began it).
class BoundDb final : public Db {
 public:
  static std::unique_ptr<BoundDb> snapshot(Db& db);
  static std::unique_ptr<BoundDb> transaction(Db& db);
  ~BoundDb() override;  // rolls back what was not committed
  void commit();
  Lease reader() override { return Lease(conn_); }
  WriteLease writer() override;

 private:
  BoundDb() = default;
  std::unique_ptr<Lease> read_;
  std::unique_ptr<WriteLease> write_;
  Connection* conn_ = nullptr;
  bool done_ = false;
};

// Bookkeeping writes (a lease, a consumer's position, rate-limit marks) on `c` need not wait
// for the disk while this lives (Connection::relax); every other write stays fully durable.
class Relaxed {
 public:
  explicit Relaxed(Connection& c) : c_(c) { c_.relax(true); }
  ~Relaxed() {
    try {
      c_.relax(false);
    } catch (...) {
    }
  }
  Relaxed(const Relaxed&) = delete;
  Relaxed& operator=(const Relaxed&) = delete;

 private:
  Connection& c_;
};

// A write step. At the top it is a transaction; inside one (an explicit storage::Transaction,
// or another step) it is a savepoint, so that a step that is refused or fails undoes only its
// own writes. Not committed: rolled back. `active` false (a bulk load, which commits everything
// at its end): does nothing.
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

}  // namespace herald::storage::sql
