#include "storage/sqlite/db.hpp"

#include "storage/store.hpp"

namespace herald::storage::sqlite {

void Statement::bind_i64(int i, std::int64_t v) {
  if (sqlite3_bind_int64(s_, i, v) != SQLITE_OK) conn_.fail("bind");
}

void Statement::bind_text(int i, std::string_view v) {
  if (sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    conn_.fail("bind");
}

bool Statement::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  conn_.fail("step");
}

std::string Statement::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col)))
           : std::string();
}

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
  cache_.clear();
  sqlite3_close(db_);
}

void Connection::relax(bool on) {
  // NORMAL in WAL mode: a commit survives a crash of the process, not a power cut.
  try {
    exec(on ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
  } catch (...) {
    if (on) throw;
  }
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
  int code = sqlite3_extended_errcode(db_);
  std::string msg = std::string("database ") + std::string(what) + " failed: " + sqlite3_errmsg(db_);
  if ((code & 0xff) == SQLITE_CONSTRAINT)
    throw sql::ConstraintError(msg, code == SQLITE_CONSTRAINT_UNIQUE ||
                                        code == SQLITE_CONSTRAINT_PRIMARYKEY);
  throw StorageError(msg, kind_of(code));
}

sql::StmtImpl& Connection::statement(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return *it->second;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &s, nullptr) != SQLITE_OK)
    fail("prepare");
  auto& slot = cache_[std::string(sql)];
  slot = std::make_unique<Statement>(*this, s);
  return *slot;
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
  folder_.reset();
  writer_.reset();
}

Database::LogFold Database::fold_log() {
  std::lock_guard g(fold_mu_);
  if (!folder_) folder_ = std::make_unique<Connection>(path_, false);
  auto s = folder_->prepare("PRAGMA wal_checkpoint(PASSIVE)");
  LogFold out;
  if (s.step()) {
    out.log = s.i64(1);
    out.folded = s.i64(2);
  }
  while (s.step()) {
  }
  return out;
}

sql::Lease Database::reader() {
  {
    std::lock_guard g(pool_mu_);
    if (!pool_.empty()) {
      auto c = std::move(pool_.back());
      pool_.pop_back();
      return sql::Lease(*this, std::move(c));
    }
  }
  return sql::Lease(*this, std::make_unique<Connection>(path_, true));
}

void Database::give_back(std::unique_ptr<sql::Connection> c, bool keep) {
  if (!c || !keep) return;
  std::lock_guard g(pool_mu_);
  pool_.push_back(std::move(c));
}

}  // namespace herald::storage::sqlite
