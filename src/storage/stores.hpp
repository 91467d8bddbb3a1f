// Every store of one site, over one database: what the composition root opens and hands to the
// services. A backend (storage/sqlite/ now, storage/postgres/ next) implements the interfaces;
// nothing above storage/ sees which one it is.
//
// Opening: `sqlite:PATH` (the file is created and migrated as needed) or, with the PostgreSQL
// backend, `postgresql://USER@HOST:PORT/DB`. Errors say what to do: StorageError (Unavailable
// when the database cannot be reached, Corrupt when it is damaged, Failed otherwise, e.g. a
// schema newer than this Herald).
// Thread safety: every store may be used from any thread at once. The Stores outlives every
// service built on it.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <functional>
#include <vector>

#include "storage/account_store.hpp"
#include "storage/chat_store.hpp"
#include "storage/comment_store.hpp"
#include "storage/event_store.hpp"
#include "storage/mail_store.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"
#include "util/throttle.hpp"

namespace herald::storage {

// An explicit write transaction: the stores it hands out all work inside it. Their writes
// commit together at commit(), or not at all when it is dropped without commit() (or when the
// process dies first); their reads see its own writes; the events its writes record go out
// only once it commits. A write refused inside it undoes only its own changes, so the caller
// decides whether to commit the rest.
// Use it from the thread that began it and keep it short: it holds the database's writer
// (SQLite) or one connection (PostgreSQL) until it ends. Do not begin another inside it.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual NewsStore& news() = 0;
  virtual AccountStore& accounts() = 0;
  virtual DeskStore& desk() = 0;
  virtual ChatStore& chat() = 0;
  virtual CommentStore& comments() = 0;
  virtual EventStore& events() = 0;
  virtual void commit() = 0;  // throws StorageError when the database refuses the commit
};

class Stores {
 public:
  virtual ~Stores() = default;
  virtual NewsStore& news() = 0;
  virtual AccountStore& accounts() = 0;
  virtual DeskStore& desk() = 0;
  virtual ChatStore& chat() = 0;
  virtual CommentStore& comments() = 0;
  virtual EventStore& events() = 0;
  // Rate limits counted in the database, so that every node sharing it counts together (login
  // and mail throttles, chat flood control and slow mode). The marks are bookkeeping: written
  // without waiting for the disk, and swept once their window has passed.
  virtual util::Limiter& limits() = 0;
  // Mail waiting to be sent, when several nodes share the database (see MailStore).
  virtual MailStore& mail() = 0;
  // Begins a write transaction (see Transaction).
  virtual std::unique_ptr<Transaction> transaction() = 0;
  // Refuses writes that would grow the database past `max_bytes` (StorageError of kind Full),
  // as a full disk would; reads go on. 0: no limit but the disk's.
  virtual void limit_size(std::int64_t max_bytes) = 0;
  // Where the data lives, for the operator ("SQLite database var/herald.db").
  virtual std::string describe() const = 0;
  // Housekeeping that the server runs about once a second off the request threads; it never
  // waits for readers or writers. SQLite: copies what was written since into the database file,
  // so that reads stop searching the write-ahead log for each page they need (a log left to
  // grow to its 1,000-page checkpoint, mostly one page rewritten, made a story page miss cost
  // 5 % more instructions). PostgreSQL: nothing (its own background writer does this).
  virtual void settle() = 0;
};

// What a database URL names, before anything is opened.
struct DatabaseUrl {
  enum class Backend { Sqlite, Postgres } backend = Backend::Sqlite;
  std::string location;  // the file for SQLite, the whole URL for PostgreSQL
};
// Parses `sqlite:PATH`, `sqlite://PATH` or `postgresql://...` (also `postgres://`); an error
// message naming the accepted forms otherwise.
bool parse_database_url(std::string_view url, DatabaseUrl& out, std::string& error);

// Opens the stores a URL names, applying migrations. Throws StorageError with what to do.
// Tests pass their own clock.
std::unique_ptr<Stores> open_stores(std::string_view url,
                                    const util::Clock& clock = util::system_clock());

// `herald migrate --from sqlite:PATH --to postgresql://...`: copies every row of a site into
// another database (migrated first; rows upserted by key, so it can run again), then compares
// each table's row count and checksum. `progress` hears (table, rows done, rows in it).
struct TableCopy {
  std::string table;
  std::int64_t from_rows = 0, to_rows = 0;
  bool same = false;  // counts and checksums agree
};
std::vector<TableCopy> copy_site(
    std::string_view from_url, std::string_view to_url,
    const std::function<void(const std::string&, std::int64_t, std::int64_t)>& progress);

}  // namespace herald::storage
