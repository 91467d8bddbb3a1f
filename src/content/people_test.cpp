#include "content/people.hpp"

#include <gtest/gtest.h>

#include <set>

#include "accounts/password.hpp"

using namespace herald::content;
using namespace herald::accounts;

TEST(Roles, FollowTheNewsroomsRules) {
  EXPECT_FALSE(can(Role::Reader, Action::WriteDraft));
  EXPECT_TRUE(can(Role::Contributor, Action::WriteDraft));
  EXPECT_FALSE(can(Role::Contributor, Action::PublishOwn));
  EXPECT_TRUE(can(Role::Author, Action::PublishOwn));
  EXPECT_FALSE(can(Role::Author, Action::EditAny));
  EXPECT_TRUE(can(Role::Editor, Action::EditAny));
  EXPECT_TRUE(can(Role::Editor, Action::SeeDrafts));
  EXPECT_FALSE(can(Role::Editor, Action::ManageSite));
  EXPECT_TRUE(can(Role::Moderator, Action::Moderate));
  EXPECT_FALSE(can(Role::Moderator, Action::WriteDraft));
  for (auto a : {Action::WriteDraft, Action::PublishOwn, Action::EditAny, Action::SeeDrafts,
                 Action::Moderate, Action::ManageSite})
    EXPECT_TRUE(can(Role::Admin, a));
  EXPECT_FALSE(is_staff(Role::Reader));
  EXPECT_TRUE(is_staff(Role::Contributor));
  for (auto r :
       {Role::Reader, Role::Contributor, Role::Author, Role::Editor, Role::Moderator, Role::Admin})
    EXPECT_EQ(role_from_string(to_string(r)), r);
  EXPECT_FALSE(role_from_string("root"));
}

TEST(Emails, AreNormalizedOrRefused) {
  EXPECT_EQ(normalize_email("  Anna.Veles@Example.ORG "), "anna.veles@example.org");
  for (const char* bad : {"", "anna", "@example.org", "anna@", "anna@example", "anna@@example.org",
                          "an na@example.org", "anna@example.org.", "anna@.org"})
    EXPECT_EQ(normalize_email(bad), "") << bad;
  EXPECT_EQ(normalize_email(std::string(250, 'a') + "@x.org"), "");
}

TEST(Passwords, PolicyCountsCharactersAndRefusesTheObvious) {
  EXPECT_EQ(password_problem("correct horse", "a@b.org", "Anna"), "");
  EXPECT_NE(password_problem("short", "a@b.org", "Anna"), "");
  EXPECT_EQ(password_problem("пароль12", "a@b.org", "Anna"), "");  // 8 characters, 14 bytes
  EXPECT_NE(password_problem(std::string(129, 'x'), "a@b.org", "Anna"), "");
  EXPECT_NE(password_problem("Anna.Veles@Example.org", "anna.veles@example.org", "Anna"), "");
  EXPECT_NE(password_problem("Anna Veles", "a@b.org", "anna veles"), "");
}

TEST(Passwords, Argon2idHashesVerifyAndNeverTruncate) {
  std::string long_pw(128, 'p');
  auto h = hash_password(long_pw);
  ASSERT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_NE(h.find("m=65536"), std::string::npos);
  EXPECT_TRUE(verify_password(long_pw, h));
  EXPECT_FALSE(verify_password(std::string(127, 'p'), h));
  EXPECT_FALSE(verify_password(long_pw + "x", h));
  EXPECT_FALSE(verify_password(long_pw, "not a hash"));
  EXPECT_FALSE(needs_rehash(h));
  EXPECT_NE(hash_password(long_pw), h);  // salted
}

TEST(Tokens, AreLongRandomAndStoredAsDigests) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random_token());
  EXPECT_EQ(seen.size(), 100u);
  auto t = *seen.begin();
  EXPECT_EQ(t.size(), 43u);  // 256 bits, URL-safe base64 without padding
  EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(token_digest(t), token_digest(t));
  EXPECT_EQ(token_digest(t).size(), 64u);
  EXPECT_NE(token_digest(t), t);
}
