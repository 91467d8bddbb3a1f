// Database URLs: the forms Herald takes, and a clear refusal for anything else.
#include "storage/stores.hpp"

#include <gtest/gtest.h>

using herald::storage::DatabaseUrl;
using herald::storage::parse_database_url;

TEST(DatabaseUrl, SqliteAndPostgresFormsAreRead) {
  DatabaseUrl u;
  std::string err;
  ASSERT_TRUE(parse_database_url("sqlite:/srv/herald/herald.db", u, err));
  EXPECT_EQ(u.backend, DatabaseUrl::Backend::Sqlite);
  EXPECT_EQ(u.location, "/srv/herald/herald.db");
  ASSERT_TRUE(parse_database_url("sqlite://var/herald.db", u, err));
  EXPECT_EQ(u.location, "var/herald.db");
  ASSERT_TRUE(parse_database_url("postgresql://herald@127.0.0.1:5432/herald", u, err));
  EXPECT_EQ(u.backend, DatabaseUrl::Backend::Postgres);
  EXPECT_TRUE(parse_database_url("postgres://h@db/x", u, err));
}

TEST(DatabaseUrl, AnythingElseIsRefusedWithTheFormsToWrite) {
  DatabaseUrl u;
  for (const char* bad : {"", "sqlite:", "mysql://x", "/var/herald.db"}) {
    std::string err;
    EXPECT_FALSE(parse_database_url(bad, u, err)) << bad;
    EXPECT_NE(err.find("sqlite:"), std::string::npos) << err;
  }
  // A PostgreSQL URL is understood but this build cannot open it: it says so.
  try {
    herald::storage::open_stores("postgresql://h@127.0.0.1/x");
    ADD_FAILURE() << "opened";
  } catch (const herald::storage::StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("PostgreSQL"), std::string::npos);
  }
}
