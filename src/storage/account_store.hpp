// Storage of accounts and their server-side sessions (issue 3 builds the flows on it).
// Same error conventions as NewsStore: not found is an empty optional, refused input a
// WriteResult message, a failing database throws StorageError. Thread-safe.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "content/people.hpp"
#include "storage/store.hpp"

namespace herald::storage {

struct Session {
  std::string digest;  // token_digest() of the cookie's token; the token itself is never stored
  std::int64_t user_id = 0;
  std::string csrf;  // the CSRF token bound to this session
  UnixTime created_at = 0;
  UnixTime last_seen_at = 0;
  UnixTime expires_at = 0;  // absolute lifetime; idle timeout is checked against last_seen_at
};

// A one-time link sent by mail or printed by the CLI: verify an address, reset a password,
// confirm a new address, or log in once. Only the digest of its token is stored.
struct AccountLink {
  std::string digest;
  std::int64_t user_id = 0;
  std::string purpose;  // "verify", "reset", "email", "login"
  std::string data;     // the new address for "email"
  UnixTime created_at = 0;
  UnixTime expires_at = 0;
};

// A personal API token for scripts (Authorization: Bearer ...). Only its digest is stored.
struct ApiToken {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string digest;
  std::string name;
  UnixTime created_at = 0;
  UnixTime last_used_at = 0;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Refused when the email (normalized by the caller) is taken.
  virtual WriteResult create_user(const content::User& u) = 0;
  virtual std::optional<content::User> user_by_email(const std::string& normalized_email) = 0;
  virtual std::optional<content::User> user_by_id(std::int64_t id) = 0;
  virtual WriteResult set_password_hash(std::int64_t user_id, const std::string& hash) = 0;
  virtual WriteResult set_role(std::int64_t user_id, content::Role role) = 0;
  virtual std::int64_t count_users() = 0;
  // Refused when another account has the address.
  virtual WriteResult set_email(std::int64_t user_id, const std::string& normalized_email) = 0;
  virtual WriteResult set_display_name(std::int64_t user_id, const std::string& name) = 0;
  virtual WriteResult mark_email_verified(std::int64_t user_id, UnixTime at) = 0;
  // Disabling also ends every session and API token of the account.
  virtual WriteResult set_disabled(std::int64_t user_id, bool disabled) = 0;
  // Deletes an account's personal data for good: the row stays (so that what the person wrote
  // keeps an author) as "deleted-<id>@invalid", without name, password, sessions, tokens or
  // links, and disabled.
  virtual WriteResult anonymise_user(std::int64_t user_id, UnixTime at) = 0;
  // Newest first; `query` (may be empty) matches the email or the name.
  virtual std::vector<content::User> list_users(const std::string& query, int limit,
                                                 int offset) = 0;

  virtual void add_link(const AccountLink& l) = 0;
  // Consumes the link: returns it (and deletes it) when it exists, has this purpose and has
  // not expired at `now`; a link can be used once.
  virtual std::optional<AccountLink> take_link(const std::string& digest,
                                               const std::string& purpose, UnixTime now) = 0;
  virtual void drop_links(std::int64_t user_id, const std::string& purpose) = 0;

  virtual WriteResult add_api_token(const ApiToken& t) = 0;
  virtual std::optional<ApiToken> api_token(const std::string& digest) = 0;
  virtual std::vector<ApiToken> api_tokens_of(std::int64_t user_id) = 0;
  virtual WriteResult revoke_api_token(std::int64_t user_id, std::int64_t token_id) = 0;
  virtual void touch_api_token(std::int64_t token_id, UnixTime at) = 0;

  // Browsers that logged in to an account before (they skip the per-account login throttle).
  virtual void add_device(const std::string& digest, std::int64_t user_id, UnixTime at) = 0;
  // The account a device cookie was given to, if it was given at or after `not_before`
  // (0: unknown or too old).
  virtual std::int64_t device_user(const std::string& digest, UnixTime not_before) = 0;
  // Forgets every known device of an account (its password changed).
  virtual void drop_devices(std::int64_t user_id) = 0;

  virtual void create_session(const Session& s) = 0;
  virtual std::optional<Session> session(const std::string& digest) = 0;
  virtual void touch_session(const std::string& digest, UnixTime at) = 0;
  virtual void delete_session(const std::string& digest) = 0;
  // Ends every session of the user except `keep_digest` (may be empty); returns how many.
  virtual int delete_sessions_of(std::int64_t user_id, const std::string& keep_digest) = 0;
};

}  // namespace herald::storage
