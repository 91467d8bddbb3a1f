#include "storage/sqlite/open.hpp"

#include <algorithm>

#include "storage/sql/stores.hpp"
#include "storage/sqlite/db.hpp"
#include "storage/sqlite/migrations.hpp"

namespace herald::storage::sqlite {

namespace {

class SqliteBackend final : public sql::Backend {
 public:
  explicit SqliteBackend(const std::string& path) : db_(path) { migrate(); }
  sql::Db& db() override { return db_; }
  std::string describe() const override { return "SQLite database " + db_.path(); }

  // Refuses writes that would grow the file past max_bytes, as a full disk would.
  void limit_size(std::int64_t max_bytes) override {
    auto w = db_.writer();
    auto s = w->prepare("PRAGMA page_size");
    std::int64_t page = s.step() ? s.i64(0) : 4096;
    while (s.step()) {
    }
    std::int64_t pages = max_bytes > 0 ? std::max<std::int64_t>(1, max_bytes / page) : 4294967294LL;
    w->exec("PRAGMA max_page_count=" + std::to_string(pages));
  }

  // Folds the big load into the main file.
  void after_bulk() override { db_.writer()->exec("PRAGMA wal_checkpoint(TRUNCATE)"); }
  void settle() override { db_.fold_log(); }

 private:
  // Each migration once, in order; the schema version is SQLite's user_version.
  void migrate() {
    auto w = db_.writer();
    auto& c = *w;
    auto s = c.prepare("PRAGMA user_version");
    std::int64_t version = s.step() ? s.i64(0) : 0;
    while (s.step()) {
    }
    const auto& ms = migrations();
    if (version > static_cast<std::int64_t>(ms.size()))
      throw StorageError("the database was written by a newer Herald (schema version " +
                         std::to_string(version) + "); upgrade Herald or restore a backup");
    for (auto v = version; v < static_cast<std::int64_t>(ms.size()); ++v) {
      sql::Step tx(c, true);
      c.exec(ms[static_cast<std::size_t>(v)]);
      c.exec("PRAGMA user_version = " + std::to_string(v + 1));
      tx.commit();
    }
  }

  Database db_;
};

}  // namespace

std::unique_ptr<Stores> open_stores(const std::string& path, const util::Clock& clock) {
  return sql::make_stores(std::make_unique<SqliteBackend>(path), clock);
}

std::unique_ptr<sql::Backend> open_backend(const std::string& path) {
  return std::make_unique<SqliteBackend>(path);
}

}  // namespace herald::storage::sqlite
