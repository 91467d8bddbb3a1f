// Storage of accounts and their server-side sessions (issue 3 builds the flows on it).
// Same error conventions as NewsStore: not found is an empty optional, refused input a
// WriteResult message, a failing database throws StorageError. Thread-safe.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "accounts/account.hpp"
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

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Refused when the email (normalized by the caller) is taken.
  virtual WriteResult create_user(const accounts::User& u) = 0;
  virtual std::optional<accounts::User> user_by_email(const std::string& normalized_email) = 0;
  virtual std::optional<accounts::User> user_by_id(std::int64_t id) = 0;
  virtual WriteResult set_password_hash(std::int64_t user_id, const std::string& hash) = 0;
  virtual WriteResult set_role(std::int64_t user_id, accounts::Role role) = 0;
  virtual std::int64_t count_users() = 0;

  virtual void create_session(const Session& s) = 0;
  virtual std::optional<Session> session(const std::string& digest) = 0;
  virtual void touch_session(const std::string& digest, UnixTime at) = 0;
  virtual void delete_session(const std::string& digest) = 0;
  // Ends every session of the user except `keep_digest` (may be empty); returns how many.
  virtual int delete_sessions_of(std::int64_t user_id, const std::string& keep_digest) = 0;
};

// Both stores over one SQLite database (one writer connection, shared readers).
class SqliteStores : public NewsStore, public AccountStore {};
std::unique_ptr<SqliteStores> open_sqlite_stores(const std::string& path);

}  // namespace herald::storage
