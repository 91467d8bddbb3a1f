#include "storage/sqlite/db.hpp"

#include "storage/store.hpp"

namespace herald::storage::sqlite {

Stmt::~Stmt() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

Stmt& Stmt::bind(int i, std::int64_t v) {
  if (sqlite3_bind_int64(s_, i, v) != SQLITE_OK) conn_.fail("bind");
  return *this;
}

Stmt& Stmt::bind(int i, std::string_view v) {
  if (sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    conn_.fail("bind");
  return *this;
}

Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  conn_.fail("step");
}

void Stmt::run() {
  while (step()) {
  }
}

std::int64_t Stmt::i64(int col) const { return sqlite3_column_int64(s_, col); }

std::string Stmt::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col)))
           : std::string();
}

bool Stmt::is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

namespace {
// Before the first connection: no global memory statistics (they take a global mutex on every
// allocation SQLite makes).
void configure_sqlite_once() {
  static const bool done = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)done;
}
}  // namespace

Connection::Connection(const std::string& path, bool readonly) {
  configure_sqlite_once();
  int flags = readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StorageError("cannot open the database " + path + ": " + msg +
                       " (check that the data folder exists and is writable)");
  }
  sqlite3_busy_timeout(db_, 5000);
  sqlite3_extended_result_codes(db_, 1);
  if (!readonly) {
    exec("PRAGMA journal_mode=WAL");
    // FULL: a commit is on disk (WAL fsynced) before it returns, so an acknowledged write
    // survives a power cut too, not only a crash of the process.
    exec("PRAGMA synchronous=FULL");
  }
  exec("PRAGMA foreign_keys=ON");
  if (readonly) {
    // Readers map the file instead of copying pages through a small per-connection cache.
    exec("PRAGMA mmap_size=1073741824");
    exec("PRAGMA cache_size=-8192");
  }
}

Connection::~Connection() {
  for (auto& [k, s] : cache_) sqlite3_finalize(s);
  sqlite3_close(db_);
}

namespace {
StorageError::Kind kind_of(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StorageError::Kind::Unavailable;
    case SQLITE_FULL:
      return StorageError::Kind::Full;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StorageError::Kind::Corrupt;
    case SQLITE_CANTOPEN:
      return StorageError::Kind::Unavailable;
    default:
      return StorageError::Kind::Failed;
  }
}
}  // namespace

void Connection::fail(std::string_view what) {
  throw StorageError(std::string("database ") + std::string(what) +
                         " failed: " + sqlite3_errmsg(db_),
                     kind_of(sqlite3_extended_errcode(db_)));
}

Stmt Connection::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(*this, it->second);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &s, nullptr) != SQLITE_OK)
    fail("prepare");
  cache_.emplace(std::string(sql), s);
  return Stmt(*this, s);
}

void Connection::exec(std::string_view sql) {
  char* err = nullptr;
  std::string q(sql);
  if (sqlite3_exec(db_, q.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StorageError("database: " + msg, kind_of(sqlite3_extended_errcode(db_)));
  }
}

Database::Database(std::string path) : path_(std::move(path)) {
  writer_ = std::make_unique<Connection>(path_, false);
}

Database::~Database() {
  pool_.clear();
  writer_.reset();
}

Lease::~Lease() {
  if (c_ && db_) {
    std::lock_guard g(db_->pool_mu_);
    db_->pool_.push_back(std::move(c_));
  }
}

Lease Database::reader() {
  {
    std::lock_guard g(pool_mu_);
    if (!pool_.empty()) {
      auto c = std::move(pool_.back());
      pool_.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  return Lease(*this, std::make_unique<Connection>(path_, true));
}

BoundDb::BoundDb(Database& db, bool write) : db_(db), write_(write) {}

std::unique_ptr<BoundDb> BoundDb::snapshot(Database& db) {
  std::unique_ptr<BoundDb> b(new BoundDb(db, false));
  b->read_ = std::make_unique<Lease>(db.reader());
  b->conn_ = &**b->read_;
  b->conn_->prepare("BEGIN").run();  // prepared once per connection: one per page adds up
  return b;
}

std::unique_ptr<BoundDb> BoundDb::transaction(Database& db) {
  std::unique_ptr<BoundDb> b(new BoundDb(db, true));
  b->lock_ = db.lock_writer();
  b->conn_ = &db.writer();
  if (b->conn_->in_transaction())
    throw StorageError("a transaction was begun inside another one on this thread");
  b->conn_->exec("BEGIN IMMEDIATE");
  return b;
}

BoundDb::~BoundDb() {
  if (done_ || !conn_) return;
  try {
    if (write_)
      conn_->exec("ROLLBACK");
    else
      conn_->prepare("COMMIT").run();
  } catch (...) {
    if (read_) read_->discard();  // never pool a connection in an unknown state
  }
}

void BoundDb::commit() {
  if (done_) return;
  conn_->exec("COMMIT");
  done_ = true;
  if (lock_.owns_lock()) lock_.unlock();
}

std::unique_lock<std::recursive_mutex> BoundDb::lock_writer() {
  if (!write_) throw StorageError("a read snapshot cannot write; write outside it");
  if (done_) throw StorageError("this transaction has ended; begin another one");
  return db_.lock_writer();
}

Connection& BoundDb::writer() {
  if (!write_) throw StorageError("a read snapshot cannot write; write outside it");
  return *conn_;
}

Step::Step(Connection& c, bool active) : c_(c) {
  if (!active) return;
  if (c_.in_transaction()) {
    c_.exec("SAVEPOINT step");
    mode_ = Mode::Savepoint;
  } else {
    c_.exec("BEGIN IMMEDIATE");
    mode_ = Mode::Top;
  }
}

Step::~Step() {
  if (done_ || mode_ == Mode::None) return;
  try {
    if (mode_ == Mode::Top)
      c_.exec("ROLLBACK");
    else
      c_.exec("ROLLBACK TO step; RELEASE step");
  } catch (...) {
  }
}

void Step::commit() {
  if (mode_ == Mode::Top) c_.exec("COMMIT");
  if (mode_ == Mode::Savepoint) c_.exec("RELEASE step");
  done_ = true;
}

}  // namespace herald::storage::sqlite
