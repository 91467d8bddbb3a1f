// People and what they may do. Readers and staff share one account system; a role decides what
// an account may do in the newsroom. Plain values and pure rules, no I/O.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::content {

enum class Role { Reader, Contributor, Author, Editor, Moderator, Admin };
const char* to_string(Role r);
std::optional<Role> role_from_string(std::string_view s);

// Things an account may ask to do; see can().
enum class Action {
  WriteDraft,  // create and edit own drafts
  PublishOwn,  // publish own stories
  EditAny,     // edit and publish anyone's stories
  SeeDrafts,   // see drafts and embargoed stories of others
  Moderate,    // discussions and chats
  ManageSite,  // sections, editions, users and roles
};

// The role rules of the newsroom: contributor < author < editor; moderators moderate;
// admins may do everything.
bool can(Role r, Action a);
// Staff are every role above reader (their sessions are shorter and Strict).
bool is_staff(Role r);

struct User {
  std::int64_t id = 0;
  std::string email;  // stored lower-cased
  std::string display_name;
  std::string password_hash;  // libsodium Argon2id string; empty: no password set yet
  Role role = Role::Reader;
  std::int64_t email_verified_at = 0;
  bool disabled = false;
  std::int64_t created_at = 0;
};

// Lower-cases ASCII and trims spaces; returns empty when `email` is not plausibly an address
// (one '@', something on both sides, a dot in the domain, at most 254 bytes, no spaces).
std::string normalize_email(std::string_view email);

// Why a password is refused, as a catalog key (web/locales) for the person choosing it;
// empty when it is acceptable.
// Rules: 8 to 128 characters (code points, never truncated), not the email or display name.
std::string password_problem(std::string_view password, std::string_view email,
                             std::string_view display_name);

}  // namespace herald::accounts
