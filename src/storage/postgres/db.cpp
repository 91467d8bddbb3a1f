#include "storage/postgres/db.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <spdlog/spdlog.h>

#include "util/thread_role.hpp"

namespace herald::storage::postgres {

namespace {
StorageError::Kind kind_of(std::string_view state, bool connection_bad) {
  if (connection_bad) return StorageError::Kind::Unavailable;
  if (state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0 || state == "40001" ||
      state == "40P01" || state == "55P03" || state == "53300")
    return StorageError::Kind::Unavailable;  // connection, shutdown, serialization, locks, too many
  if (state == "53100") return StorageError::Kind::Full;
  if (state.rfind("XX00", 0) == 0) return StorageError::Kind::Corrupt;
  return StorageError::Kind::Failed;
}
void ignore_notice(void*, const char*) {}
}  // namespace

std::string numbered_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char ch = sql[i];
    if (ch == '\'') quoted = !quoted;
    if (!quoted && ch == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9')
      ch = '$';
    out += ch;
  }
  return out;
}

std::string redacted(const std::string& url) {
  // postgresql://user:secret@host/db -> postgresql://user@host/db
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + url.substr(at);
}

void Statement::set(int i, std::string v, unsigned type, bool null) {
  auto n = static_cast<std::size_t>(i);
  if (values_.size() < n) {
    values_.resize(n);
    types_.resize(n, 0);
    nulls_.resize(n, 0);
  }
  values_[n - 1] = std::move(v);
  types_[n - 1] = type;
  nulls_[n - 1] = null ? 1 : 0;
}

bool Statement::step() {
  if (res_) return ++row_ < rows_;
  std::string kinds;
  for (auto t : types_) kinds += t ? 'i' : 't';
  auto it = prepared_.find(kinds);
  bool prepare = it == prepared_.end();
  if (prepare) it = prepared_.emplace(kinds, conn_.next_name()).first;
  std::vector<const char*> values(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i)
    values[i] = nulls_[i] ? nullptr : values_[i].c_str();
  try {
    res_ = conn_.run(it->second, sql_, types_, values, prepare);
  } catch (...) {
    if (prepare) prepared_.erase(kinds);  // (a failed PREPARE leaves no statement behind)
    throw;
  }
  rows_ = PQresultStatus(res_) == PGRES_TUPLES_OK ? PQntuples(res_) : 0;
  row_ = 0;
  return row_ < rows_;
}

std::int64_t Statement::i64(int col) const {
  const char* v = PQgetvalue(res_, row_, col);
  std::int64_t out = 0;
  if (v[0] == 't' && v[1] == 0) return 1;  // a boolean
  std::from_chars(v, v + std::strlen(v), out);
  return out;
}

std::string Statement::text(int col) const {
  return std::string(PQgetvalue(res_, row_, col),
                     static_cast<std::size_t>(PQgetlength(res_, row_, col)));
}

void Statement::reset() {
  if (res_) PQclear(res_);
  res_ = nullptr;
  row_ = -1;
  rows_ = 0;
  values_.clear();
  types_.clear();
  nulls_.clear();
}

Connection::Connection(const std::string& url) {
  conn_ = PQconnectdb(url.c_str());
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = conn_ ? PQerrorMessage(conn_) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    throw StorageError("cannot connect to PostgreSQL at " + redacted(url) + ": " + msg,
                       StorageError::Kind::Unavailable);
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  // As long as SQLite waits for a busy writer: then the write fails as unavailable (503) instead
  // of holding the request; and no statement runs for ever.
  exec("SET TIME ZONE 'UTC'; SET lock_timeout = '5s'; SET statement_timeout = '60s'");
}

Connection::~Connection() {
  cache_.clear();  // statements clear their results first
  if (conn_) PQfinish(conn_);
}

void Connection::fail(PGresult* r, std::string_view what) {
  std::string state, msg;
  if (r) {
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
    msg = PQresultErrorMessage(r);
    PQclear(r);
  }
  if (msg.empty()) msg = PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  std::string text = "database " + std::string(what) + " failed: " + msg;
  if (state.rfind("23", 0) == 0) throw sql::ConstraintError(text, state == "23505");
  throw StorageError(text, kind_of(state, PQstatus(conn_) != CONNECTION_OK));
}

// A query on a thread that serves connections makes its readers wait for the network: a
// defect, logged (once per statement) so that the tests on PostgreSQL catch it.
static void io_thread_query(const std::string& sql) {
  static std::mutex mu;
  static std::set<std::string> seen;
  std::lock_guard g(mu);
  if (seen.size() < 1000 && seen.insert(sql).second)
    spdlog::error("PostgreSQL query on an I/O thread: {}", sql.substr(0, 200));
}

PGresult* Connection::run(const std::string& name, const std::string& sql,
                          const std::vector<unsigned>& types,
                          const std::vector<const char*>& values, bool prepare) {
  int n = static_cast<int>(values.size());
  if (util::on_io_thread()) io_thread_query(sql);
  if (prepare) {
    PGresult* p = PQprepare(conn_, name.c_str(), sql.c_str(), n,
                            reinterpret_cast<const Oid*>(types.data()));
    if (PQresultStatus(p) != PGRES_COMMAND_OK) fail(p, "prepare");
    PQclear(p);
  }
  PGresult* r = PQexecPrepared(conn_, name.c_str(), n, values.data(), nullptr, nullptr, 0);
  auto st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) fail(r, "step");
  const char* changed = PQcmdTuples(r);
  changes_ = changed && *changed ? std::atoi(changed) : 0;
  return r;
}

sql::StmtImpl& Connection::statement(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) return *it->second;
  auto& slot = cache_[key];
  slot = std::make_unique<Statement>(*this, numbered_parameters(sql));
  return *slot;
}

void Connection::exec(std::string_view sql) {
  std::string q(sql);
  if (util::on_io_thread()) io_thread_query(q);
  PGresult* r = PQexec(conn_, q.c_str());
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, "statement");
  PQclear(r);
}

std::int64_t Connection::last_insert_id() {
  auto s = prepare("SELECT lastval()");
  return s.step() ? s.i64(0) : 0;
}

bool Connection::in_transaction() const {
  auto t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

bool Connection::healthy() const {
  return conn_ && PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

void Connection::serialize(std::string_view what, std::int64_t id) {
  prepare("SELECT pg_advisory_xact_lock(hashtext(?1), (?2 % 2147483647)::integer)")
      .bind(1, what)
      .bind(2, id)
      .run();
}

void Connection::relax(bool on) {
  exec(on ? "SET synchronous_commit = off" : "SET synchronous_commit = on");
}

Database::Database(std::string url, int max_connections, std::chrono::milliseconds wait)
    : url_(std::move(url)), max_(max_connections < 1 ? 1 : max_connections), wait_(wait),
      reserve_(max_ >= 4 ? max_ / 4 : 0) {}

Database::~Database() {
  std::lock_guard g(mu_);
  idle_.clear();
}

sql::Lease Database::take() {
  const bool reader = util::on_reading_thread();
  std::unique_lock g(mu_);
  auto deadline = std::chrono::steady_clock::now() + wait_;
  // Another thread may take a connection only when no reader's page waits for one, and
  // while it leaves the reserve free.
  auto may = [&] { return reader || (readers_waiting_ == 0 && lent_others_ < max_ - reserve_); };
  auto lend = [&](std::unique_ptr<sql::Connection> c) {
    if (!reader) ++lent_others_;
    static_cast<Connection&>(*c).set_lent_to_reader(reader);
    return sql::Lease(*this, std::move(c));
  };
  for (;;) {
    while (may() && !idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (static_cast<Connection&>(*c).healthy()) return lend(std::move(c));
      --open_;  // broken while it waited (the server restarted): open a new one
    }
    if (may() && open_ < max_) {
      ++open_;
      if (!reader) ++lent_others_;
      g.unlock();
      try {
        auto c = std::make_unique<Connection>(url_);
        c->set_lent_to_reader(reader);
        return sql::Lease(*this, std::move(c));
      } catch (...) {
        g.lock();
        --open_;
        if (!reader) --lent_others_;
        freed_.notify_all();
        throw;
      }
    }
    ++(reader ? readers_waiting_ : others_waiting_);
    auto status = freed_.wait_until(g, deadline);
    --(reader ? readers_waiting_ : others_waiting_);
    if (status == std::cv_status::timeout)
      throw StorageError("all " + std::to_string(max_) +
                             " connections to PostgreSQL are busy; try again soon",
                         StorageError::Kind::Unavailable);
  }
}

std::pair<int, int> Database::waiting() {
  std::lock_guard g(mu_);
  return {readers_waiting_, others_waiting_};
}

void Database::give_back(std::unique_ptr<sql::Connection> c, bool keep) {
  bool lent_to_reader = c && static_cast<Connection&>(*c).lent_to_reader();
  if (!keep) c.reset();
  if (c) {
    auto& pc = static_cast<Connection&>(*c);
    if (!pc.healthy() && pc.in_transaction()) {
      try {
        pc.exec("ROLLBACK");
      } catch (...) {
      }
    }
    if (!pc.healthy()) c.reset();
  }
  std::lock_guard g(mu_);
  if (c)
    idle_.push_back(std::move(c));
  else
    --open_;
  if (!lent_to_reader) --lent_others_;
  freed_.notify_all();  // (a reader's page first: every waiter looks, the others step back)
}

}  // namespace herald::storage::postgres
