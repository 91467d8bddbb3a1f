// The SQLite database's write-ahead log folded into the file between requests
// (Database::fold_log, run by Stores::settle): all of it when no reader holds an older
// snapshot, as far as it can without waiting when one does, and nothing written is lost.
#include "storage/sqlite/db.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/temp_dir.hpp"

namespace herald::storage::sqlite {
namespace {

std::int64_t count(sql::Connection& c) {
  auto s = c.prepare("SELECT count(*) FROM notes");
  std::int64_t n = s.step() ? s.i64(0) : -1;
  while (s.step()) {
  }
  return n;
}

void add_note(Database& db, int i) {
  auto w = db.writer();
  w->prepare("INSERT INTO notes(body) VALUES (?1)").bind(1, "note " + std::to_string(i)).run();
}

TEST(SqliteLog, FoldedIntoTheFileWithoutWaitingForAReaderAndNothingIsLost) {
  herald::testing::TempDir dir("herald-sqlite-log-");
  auto path = dir.file("herald.db");
  Database db(path);
  db.writer()->exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  for (int i = 0; i < 20; ++i) add_note(db, i);
  auto fold = db.fold_log();
  EXPECT_GT(fold.log, 0);
  EXPECT_EQ(fold.folded, fold.log);  // nobody reading: all of it

  {
    // A reader keeps its snapshot (the first 20 notes) while more are written: the fold copies
    // what that snapshot allows and returns at once instead of waiting for it.
    auto r = db.reader();
    r->begin_read();
    EXPECT_EQ(count(*r), 20);
    for (int i = 20; i < 30; ++i) add_note(db, i);
    auto partial = db.fold_log();
    EXPECT_GT(partial.log, partial.folded);
    EXPECT_EQ(count(*r), 20);  // the snapshot is unchanged
    r->exec("COMMIT");
  }
  auto rest = db.fold_log();
  EXPECT_EQ(rest.folded, rest.log);
  auto r = db.reader();
  EXPECT_EQ(count(*r), 30);
}

TEST(SqliteLog, FoldingAnEmptyLogIsHarmless) {
  herald::testing::TempDir dir("herald-sqlite-log-");
  Database db(dir.file("herald.db"));
  auto fold = db.fold_log();
  EXPECT_EQ(fold.log, fold.folded);
  db.writer()->exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  add_note(db, 1);
  db.fold_log();
  db.fold_log();
  EXPECT_EQ(count(*db.reader()), 1);
}

}  // namespace
}  // namespace herald::storage::sqlite
