// The PostgreSQL connection pool, on the server HERALD_TEST_POSTGRES names: threads that render
// reader pages always find a connection, however many the writers hold.
#include "storage/postgres/db.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <thread>
#include <vector>

#include "storage/store.hpp"
#include "util/thread_role.hpp"

namespace herald::storage::postgres {
namespace {

std::string admin() {
  const char* a = std::getenv("HERALD_TEST_POSTGRES");
  return a ? a : "";
}

// Runs `fn` on a thread marked as the server's reading pool marks its own.
template <class F>
void as_reader(F fn) {
  std::thread t([&] {
    util::mark_reading_thread();
    fn();
  });
  t.join();
}

std::int64_t value(sql::Connection& c, const char* q) {
  auto s = c.prepare(q);
  return s.step() ? s.i64(0) : -1;
}

bool refused_as_busy(Database& db) {
  try {
    auto l = db.reader();
    return false;
  } catch (const StorageError& e) {
    return e.kind == StorageError::Kind::Unavailable;
  }
}

TEST(PostgresPool, OtherThreadsLeaveAQuarterOfTheConnectionsToReaderPages) {
  if (admin().empty()) GTEST_SKIP() << "HERALD_TEST_POSTGRES names no PostgreSQL server";
  Database db(admin(), 8, std::chrono::milliseconds(100));
  std::vector<sql::Lease> held;
  for (int i = 0; i < 6; ++i) held.push_back(db.reader());  // 8 less the reserve of 2
  EXPECT_TRUE(refused_as_busy(db));
  // A reader's page gets the reserve, and when that is lent too, it waits like anyone.
  as_reader([&] {
    auto a = db.reader();
    auto b = db.reader();
    EXPECT_EQ(value(*a, "SELECT 40 + 2"), 42);
    EXPECT_TRUE(refused_as_busy(db));
  });
  // Given back (one closed instead, its state unknown): the others may take them again.
  held.back().discard();
  held.pop_back();
  held.pop_back();
  held.push_back(db.reader());
  held.push_back(db.reader());
  EXPECT_TRUE(refused_as_busy(db));
}

// Waits for a state of the pool (never for a time).
template <class F>
void until(F ready) {
  while (!ready()) std::this_thread::yield();
}

TEST(PostgresPool, AConnectionGivenBackGoesToAWaitingReaderPageFirst) {
  if (admin().empty()) GTEST_SKIP() << "HERALD_TEST_POSTGRES names no PostgreSQL server";
  Database db(admin(), 4, std::chrono::seconds(60));
  std::vector<sql::Lease> others;
  for (int i = 0; i < 3; ++i) others.push_back(db.reader());
  std::optional<sql::Lease> page_one;
  as_reader([&] { page_one.emplace(db.reader()); });  // the reserve: all 4 are lent now
  // Another thread waits first, then a reader's page.
  std::optional<sql::Lease> other, page;
  std::thread o([&] { other.emplace(db.reader()); });
  until([&] { return db.waiting() == std::pair(0, 1); });
  std::thread p([&] {
    util::mark_reading_thread();
    page.emplace(db.reader());
  });
  until([&] { return db.waiting() == std::pair(1, 1); });
  others.pop_back();  // one given back: the page's, though the other thread asked first
  p.join();
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(value(**page, "SELECT 1"), 1);
  EXPECT_EQ(db.waiting(), std::pair(0, 1));
  page_one.reset();  // no reader's page waits now, and the others hold 2 of their 3: theirs
  o.join();
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(db.waiting(), std::pair(0, 0));
}

}  // namespace
}  // namespace herald::storage::postgres
