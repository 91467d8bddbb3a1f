#include "storage/postgres/open.hpp"

#include <cctype>

#include "storage/postgres/db.hpp"
#include "storage/postgres/migrations.hpp"
#include "storage/sql/stores.hpp"

namespace herald::storage::postgres {

namespace {

// The key of the advisory lock migrations run under ("herald" in ASCII).
constexpr const char* kMigrationLock = "SELECT pg_advisory_lock(104101114097108100)";
constexpr const char* kMigrationUnlock = "SELECT pg_advisory_unlock(104101114097108100)";

class PostgresBackend final : public sql::Backend {
 public:
  PostgresBackend(const std::string& url, int max_connections) : db_(url, max_connections) {
    migrate();
  }
  sql::Db& db() override { return db_; }
  std::string describe() const override { return "PostgreSQL database " + redacted(db_.url()); }
  // The server's own limits (disk, quotas) apply; there is no separate size limit.
  void limit_size(std::int64_t) override {}
  // Fresh statistics after a big load, so that the planner uses the indexes.
  void after_bulk() override { db_.writer()->exec("ANALYZE"); }
  // Copied rows came with their ids: the identity sequences go on after the largest.
  void after_import(const std::string& table) override {
    auto w = db_.writer();
    for (const char* col : {"id", "seq"}) {
      auto s = w->prepare(
          "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
          "AND table_name = ?1 AND column_name = ?2 AND is_identity = 'YES'");
      s.bind(1, table).bind(2, col);
      if (!s.step() || s.i64(0) == 0) continue;
      w->exec("SELECT setval(pg_get_serial_sequence('" + table + "', '" + col +
              "'), greatest(1, (SELECT coalesce(max(" + col + "), 0) FROM " + table + ")))");
    }
    w->exec("ANALYZE " + table);
  }

 private:
  void migrate() {
    auto w = db_.writer();
    auto& c = *w;
    c.exec(kMigrationLock);  // held by this session until the unlock (or its end)
    try {
      c.exec("CREATE TABLE IF NOT EXISTS herald_schema(version BIGINT NOT NULL)");
      std::int64_t version = 0;
      {
        auto s = c.prepare("SELECT coalesce(max(version), 0) FROM herald_schema");
        if (s.step()) version = s.i64(0);
      }
      const auto& ms = migrations();
      if (version > static_cast<std::int64_t>(ms.size()))
        throw StorageError("the database was written by a newer Herald (schema version " +
                           std::to_string(version) + "); upgrade Herald or restore a backup");
      for (auto v = version; v < static_cast<std::int64_t>(ms.size()); ++v) {
        sql::Step tx(c, true);
        c.exec(ms[static_cast<std::size_t>(v)]);
        c.exec("DELETE FROM herald_schema");
        c.prepare("INSERT INTO herald_schema(version) VALUES (?1)").bind(1, v + 1).run();
        tx.commit();
      }
    } catch (...) {
      try {
        c.exec(kMigrationUnlock);
      } catch (...) {
      }
      throw;
    }
    c.exec(kMigrationUnlock);
  }

  Database db_;
};

}  // namespace

std::unique_ptr<Stores> open_stores(const std::string& url, const util::Clock& clock,
                                    int max_connections) {
  return sql::make_stores(std::make_unique<PostgresBackend>(url, max_connections), clock);
}

std::unique_ptr<sql::Backend> open_backend(const std::string& url) {
  return std::make_unique<PostgresBackend>(url, 4);
}

namespace {
void check_name(const std::string& name) {
  bool ok = !name.empty() && name.size() < 60;
  for (char ch : name) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
  if (!ok) throw StorageError("'" + name + "' is not a database name (letters, digits and _)");
}
}  // namespace

std::string create_database(const std::string& admin_url, const std::string& name) {
  check_name(name);
  Connection c(admin_url);
  c.exec("CREATE DATABASE " + name);
  auto slash = admin_url.rfind('/');
  auto query = admin_url.find('?', slash);
  return admin_url.substr(0, slash + 1) + name +
         (query == std::string::npos ? "" : admin_url.substr(query));
}

void drop_database(const std::string& admin_url, const std::string& name) {
  check_name(name);
  Connection c(admin_url);
  c.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}

}  // namespace herald::storage::postgres
