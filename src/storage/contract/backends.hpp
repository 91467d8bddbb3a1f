// The contract suites: one per store interface, written against storage/stores.hpp only and
// run on every backend this build can reach. SQLite always; PostgreSQL joins when its backend
// exists and HERALD_TEST_POSTGRES names a server (the test command starts one).
//
//   class FooContract : public herald::storage::contract::StoresTest {};
//   TEST_P(FooContract, ...) { stores().news()... }
//   HERALD_CONTRACT_SUITE(FooContract);
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <cctype>
#include <cstdlib>

#include "storage/postgres/open.hpp"
#include "storage/stores.hpp"
#include "util/token.hpp"
#include "testing/temp_dir.hpp"
#include "util/clock.hpp"

namespace herald::storage::contract {

// SQLite, and PostgreSQL on the server HERALD_TEST_POSTGRES names, where the suites make scratch
// databases (scripts/services.sh starts one for `make test`; without it they are skipped).
inline std::vector<std::string> backends() { return {"sqlite", "postgres"}; }

// A fresh, empty set of stores on the backend named by the test's parameter, with a manual
// clock the test may move.
class StoresTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<herald::testing::TempDir>("herald-contract-");
    if (GetParam() == "postgres") {
      const char* admin = std::getenv("HERALD_TEST_POSTGRES");
      if (!admin || !*admin) GTEST_SKIP() << "HERALD_TEST_POSTGRES names no PostgreSQL server";
      admin_ = admin;
      database_ = "contract_" + util::random_token().substr(0, 12);
      for (auto& ch : database_) ch = std::isalnum(static_cast<unsigned char>(ch)) ? std::tolower(ch) : '_';
      url_ = postgres::create_database(admin_, database_);
    } else {
      url_ = "sqlite:" + dir_->file("herald.db");
    }
    stores_ = open_stores(url_, clock);
  }
  void TearDown() override {
    stores_.reset();
    if (!database_.empty()) postgres::drop_database(admin_, database_);
    dir_.reset();
  }
  Stores& stores() { return *stores_; }
  // Closes the stores and opens the same database again (what a restart sees).
  void reopen() {
    stores_.reset();
    stores_ = open_stores(url_, clock);
  }
  // A second set of stores on the same database (another node).
  std::unique_ptr<Stores> another_node() { return open_stores(url_, clock); }
  util::ManualClock clock;

 private:
  std::unique_ptr<herald::testing::TempDir> dir_;
  std::string url_;
  std::string admin_, database_;  // PostgreSQL: the server and this test's scratch database
  std::unique_ptr<Stores> stores_;
};

}  // namespace herald::storage::contract

#define HERALD_CONTRACT_SUITE(Suite)                                                     \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                              \
                           ::testing::ValuesIn(herald::storage::contract::backends()), \
                           [](const auto& info) { return info.param; })
