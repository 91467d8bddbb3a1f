// The AccountStore contract (and the size limit every Stores honours), on every backend.
#include <gtest/gtest.h>

#include "accounts/password.hpp"
#include "storage/contract/backends.hpp"

using namespace herald;
using content::Role;
using content::User;

namespace {
class AccountStoreContract : public storage::contract::StoresTest {
 protected:
  void SetUp() override {
    StoresTest::SetUp();
    if (IsSkipped()) return;
    store = &stores().accounts();
  }
  storage::AccountStore* store = nullptr;
};
}  // namespace

HERALD_CONTRACT_SUITE(AccountStoreContract);

TEST_P(AccountStoreContract, UsersAreUniqueByEmailAndKeepTheirRole) {
  User u;
  u.email = "anna@example.org";
  u.display_name = "Anna";
  u.role = Role::Editor;
  auto r = store->create_user(u);
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(store->create_user(u).refusal, storage::Refusal::Conflict);  // the same email again
  User nameless;
  nameless.email = "x@example.org";
  EXPECT_FALSE(store->create_user(nameless).ok());
  auto back = store->user_by_email("anna@example.org");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, r.id);
  EXPECT_EQ(back->role, Role::Editor);
  EXPECT_FALSE(store->user_by_email("nobody@example.org"));
  ASSERT_TRUE(store->set_role(r.id, Role::Admin).ok());
  EXPECT_EQ(store->user_by_id(r.id)->role, Role::Admin);
  EXPECT_EQ(store->set_role(99999, Role::Admin).refusal, storage::Refusal::NotFound);
  EXPECT_EQ(store->count_users(), 1);
}

TEST_P(AccountStoreContract, PasswordHashesAreStoredAndVerified) {
  User u;
  u.email = "b@example.org";
  u.display_name = "Bea Example";
  auto id = store->create_user(u).id;
  ASSERT_TRUE(store->set_password_hash(id, accounts::hash_password("correct horse")).ok());
  auto back = store->user_by_id(id);
  EXPECT_TRUE(accounts::verify_password("correct horse", back->password_hash));
  EXPECT_FALSE(accounts::verify_password("wrong horse!", back->password_hash));
}

TEST_P(AccountStoreContract, SessionsAreFoundByDigestAndEndedOnTheServer) {
  User u;
  u.email = "c@example.org";
  u.display_name = "Cyril Example";
  auto id = store->create_user(u).id;
  std::string t1 = accounts::random_token(), t2 = accounts::random_token();
  store->create_session({accounts::token_digest(t1), id, "csrf1", 100, 100, 1000});
  store->create_session({accounts::token_digest(t2), id, "csrf2", 100, 100, 1000});
  auto s = store->session(accounts::token_digest(t1));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->user_id, id);
  EXPECT_EQ(s->csrf, "csrf1");
  EXPECT_FALSE(store->session(t1));  // the raw token is not what is stored
  store->touch_session(s->digest, 500);
  EXPECT_EQ(store->session(s->digest)->last_seen_at, 500);
  // "Log out my other sessions": keeps the current one.
  EXPECT_EQ(store->delete_sessions_of(id, accounts::token_digest(t1)), 1);
  EXPECT_FALSE(store->session(accounts::token_digest(t2)));
  store->delete_session(accounts::token_digest(t1));
  EXPECT_FALSE(store->session(accounts::token_digest(t1)));
}

TEST_P(AccountStoreContract, KnownDevicesExpireAndAreForgottenTogether) {
  User u;
  u.email = "d@example.org";
  u.display_name = "Dora Example";
  auto id = store->create_user(u).id;
  store->add_device("dev-a", id, 1000);
  store->add_device("dev-b", id, 2000);
  EXPECT_EQ(store->device_user("dev-a", 500), id);
  EXPECT_EQ(store->device_user("dev-a", 1500), 0);  // given before the cut-off: too old
  EXPECT_EQ(store->device_user("dev-b", 1500), id);
  EXPECT_EQ(store->device_user("unknown", 0), 0);
  store->drop_devices(id);
  EXPECT_EQ(store->device_user("dev-b", 0), 0);
}

TEST_P(AccountStoreContract, ASizeLimitRefusesWritesAsAFullDiskWould) {
  if (GetParam() == "postgres")
    GTEST_SKIP() << "PostgreSQL has no per-database size limit; its server's disk full answers "
                    "53100, which the driver maps to StorageError::Kind::Full";
  stores().limit_size(1);  // smaller than the database already is
  User u;
  u.email = "e@example.org";
  u.display_name = "Emil Example";
  u.display_name.append(200000, 'x');
  try {
    store->create_user(u);
    ADD_FAILURE() << "the write went through";
  } catch (const storage::StorageError& e) {
    EXPECT_EQ(e.kind, storage::StorageError::Kind::Full) << e.what();
  }
  stores().limit_size(0);
  u.display_name = "Emil Example";
  EXPECT_TRUE(store->create_user(u).ok());
}
