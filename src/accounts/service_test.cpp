// Session lifetimes by role, checked against the real SQLite account store.
#include "accounts/service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "testing/temp_dir.hpp"

#include "accounts/password.hpp"
#include "storage/stores.hpp"

using namespace herald;
using content::Role;

namespace {
class SessionLifetimes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::make_unique<herald::testing::TempDir>("herald-sessions-");
    stores = storage::open_stores("sqlite:" + dir->file("herald.db"), clock);
    store = &stores->accounts();
    acc = std::make_unique<accounts::Accounts>(
        accounts::AccountsOptions{}, *stores, nullptr,
        [](const std::string&, const std::string&, const std::string&) {
          return std::pair<std::string, std::string>{};
        },
        clock);
  }
  void TearDown() override {
    acc.reset();
    stores.reset();
    dir.reset();
  }
  // A session of a new account with `role`, last seen `idle` seconds ago, created `age` ago.
  std::string session(Role role, std::int64_t idle, std::int64_t age, std::int64_t lifetime) {
    auto o = acc->create_user(std::to_string(++n) + "x@example.org", "Person", role);
    EXPECT_TRUE(o.ok) << o.message;
    std::string token = accounts::random_token();
    auto now = clock.now();
    store->create_session(storage::Session{accounts::token_digest(token), o.user_id, "csrf",
                                           now - age, now - idle, now - age + lifetime});
    return token;
  }
  util::ManualClock clock;
  std::unique_ptr<herald::testing::TempDir> dir;
  std::unique_ptr<storage::Stores> stores;
  storage::AccountStore* store = nullptr;
  std::unique_ptr<accounts::Accounts> acc;
  int n = 0;
};
}  // namespace

TEST_F(SessionLifetimes, ReadersStayThirtyDaysIdleStaffTwelveHours) {
  const std::int64_t h = 3600, d = 86400;
  EXPECT_TRUE(acc->session_visitor(session(Role::Reader, 13 * h, 20 * d, 90 * d)));
  EXPECT_TRUE(acc->session_visitor(session(Role::Reader, 29 * d, 40 * d, 90 * d)));
  EXPECT_FALSE(acc->session_visitor(session(Role::Reader, 31 * d, 40 * d, 90 * d)));
  EXPECT_TRUE(acc->session_visitor(session(Role::Editor, 11 * h, 2 * d, 7 * d)));
  EXPECT_FALSE(acc->session_visitor(session(Role::Editor, 13 * h, 2 * d, 7 * d)));
}

TEST_F(SessionLifetimes, AbsoluteLifetimeEndsEvenActiveSessions) {
  const std::int64_t d = 86400;
  auto token = session(Role::Reader, 10, 91 * d, 90 * d);
  EXPECT_FALSE(acc->session_visitor(token));
  // An expired session is deleted on the server, not only refused.
  EXPECT_FALSE(store->session(accounts::token_digest(token)));
}

TEST_F(SessionLifetimes, DisabledAccountsLoseTheirSessions) {
  auto token = session(Role::Author, 10, 10, 86400);
  auto v = acc->session_visitor(token);
  ASSERT_TRUE(v);
  acc->set_disabled(v->user.id, true);
  EXPECT_FALSE(acc->session_visitor(token));
}

// The same rules as time passes on the service's own clock: a session opened now is still good
// just before its idle limit and refused just after it.
TEST_F(SessionLifetimes, IdleLimitFollowsTheClock) {
  const std::int64_t h = 3600, d = 86400;
  auto reader = session(Role::Reader, 0, 0, 90 * d);
  auto editor = session(Role::Editor, 0, 0, 7 * d);
  clock.advance(11 * h);
  EXPECT_TRUE(acc->session_visitor(editor));  // seen again: idle time starts over
  clock.advance(12 * h + 60);
  EXPECT_FALSE(acc->session_visitor(editor));
  EXPECT_TRUE(acc->session_visitor(reader));
  clock.advance(31 * d);
  EXPECT_FALSE(acc->session_visitor(reader));
}
