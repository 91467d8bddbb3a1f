// The account flows: register and verify, log in and out, reset a forgotten password, change
// password or email, delete an account, one-time login links and API tokens. No HTTP here:
// handlers pass in what the person typed and get back what to tell them.
//
// Promises kept here rather than in handlers:
//  - no account enumeration: register, login and reset answer alike whether or not the email
//    exists (login checks a dummy hash for unknown addresses; mails go out from a queue);
//  - failed logins are throttled per IP and per account (10 in 10 minutes); a browser that has
//    logged in to the account before (known-device cookie) is not held back by the account
//    limit, so an attacker cannot lock the real person out;
//  - sessions are server-side; a new token on every login, idle and absolute lifetimes by role.
// Thread-safe. Slow: hashing takes ~0.2 s and 64 MiB, so call it off the I/O threads.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "content/people.hpp"
#include "util/throttle.hpp"
#include "storage/stores.hpp"
#include "util/clock.hpp"

namespace herald::mail {
class MailQueue;
}

namespace herald::accounts {

// People and their roles are the news domain's (content/people.hpp); the account service
// speaks of them by these names.
using content::Action;
using content::can;
using content::is_staff;
using content::normalize_email;
using content::password_problem;
using content::Role;
using content::User;

struct AccountsOptions {
  std::string base_url = "http://127.0.0.1:8080";  // links in mails
  // Where login, mail and password-check throttles count: null, in this process (one node);
  // the database's (storage::Stores::limits()) when several nodes share it.
  util::Limiter* limits = nullptr;
  std::int64_t reader_idle_s = 30 * 86400;
  std::int64_t reader_lifetime_s = 90 * 86400;
  std::int64_t staff_idle_s = 12 * 3600;
  std::int64_t staff_lifetime_s = 7 * 86400;
  std::int64_t verify_link_s = 2 * 86400;
  std::int64_t reset_link_s = 3600;
  std::int64_t login_link_s = 86400;
  int login_failures_per_ip = 30;  // within login_window_s (one address guessing many accounts)
  int login_failures_per_account = 10;
  std::int64_t login_window_s = 600;
  int mails_per_ip_per_hour = 5;       // registration and reset mails asked from one address
  int mails_per_account_per_hour = 3;  // mails to one address (more are dropped silently)
  int password_checks = 10;  // current-password checks per account within login_window_s
  std::int64_t device_lifetime_s = 365 * 86400;  // a known-device cookie skips the account throttle this long
};

// Mail texts in the site's language: (key, {name, link}) -> (subject, text).
using MailText = std::function<std::pair<std::string, std::string>(
    const std::string& key, const std::string& name, const std::string& link)>;

struct Outcome {
  bool ok = false;
  std::string message;          // for the person: what happened or what to do
  std::int64_t retry_after = 0; // seconds; > 0 means "too many attempts" (429)
  std::int64_t user_id = 0;
};

struct NewSession {
  std::string token;  // goes into the cookie; never stored
  std::string csrf;
  content::User user;
  std::int64_t max_age = 0;  // cookie lifetime in seconds
  std::string device_token;  // set when this browser should get a known-device cookie
};

struct Visitor {
  content::User user;
  storage::Session session;
  std::string token_digest;
  bool via_api_token = false;
};

class Accounts {
 public:
  // `store`, `mail` and `texts` must outlive this object.
  // `clock` (the system clock by default) must outlive the service; tests pass a ManualClock.
  // Steps that change several things at once (a password reset ends sessions, forgets devices
  // and links) commit together, in one storage::Transaction.
  Accounts(AccountsOptions o, storage::Stores& stores, mail::MailQueue* mail, MailText texts,
           const util::Clock& clock = util::system_clock());

  // `next`: a path on this site the confirmation link brings the person back to (the story
  // whose discussion they wanted to join).
  Outcome register_account(const std::string& email, const std::string& name,
                           const std::string& password, const std::string& ip,
                           const std::string& next = {});
  // Confirms the address of a new account and starts a session.
  std::optional<NewSession> verify_email(const std::string& token, Outcome& out);

  // `device_token` is the browser's known-device cookie (may be empty).
  std::optional<NewSession> login(const std::string& email, const std::string& password,
                                  const std::string& ip, const std::string& device_token,
                                  Outcome& out);
  void logout(const std::string& session_token);
  // A one-time login link (CLI, first start); returns the URL.
  std::string login_link(std::int64_t user_id);
  std::optional<NewSession> use_login_link(const std::string& token, Outcome& out);

  Outcome request_reset(const std::string& email, const std::string& ip);
  // Sets a new password from a reset link; ends every session of the account and starts one.
  std::optional<NewSession> reset_password(const std::string& token, const std::string& password,
                                           Outcome& out);

  // Current password required (except for an account with none yet, made by a login link).
  Outcome change_password(const Visitor& v, const std::string& current, const std::string& next,
                          bool end_other_sessions);
  Outcome request_email_change(const Visitor& v, const std::string& new_email,
                               const std::string& password);
  Outcome confirm_email_change(const std::string& token);
  Outcome change_name(const Visitor& v, const std::string& name);
  Outcome delete_account(const Visitor& v, const std::string& password);

  // The visitor behind a session cookie's token, when the session is alive; extends it.
  std::optional<Visitor> session_visitor(const std::string& token);
  // The visitor behind an API token (Authorization: Bearer).
  std::optional<Visitor> bearer_visitor(const std::string& token);
  // Creates a personal API token; returns the token (shown once) or empty with `out.message`.
  std::string create_api_token(std::int64_t user_id, const std::string& name, Outcome& out);

  // Creates an account as an administrator would (CLI): no password, verified address.
  Outcome create_user(const std::string& email, const std::string& name, Role role);
  // Changes a role; the account's sessions end (it logs in again with a new token).
  Outcome set_role(std::int64_t user_id, Role role);
  // An administrator changes someone's role or locks their account (the newsroom's people
  // page and API). Refused for non-admins, for an admin demoting or disabling themself, and
  // for accounts that do not exist.
  Outcome manage(const User& by, std::int64_t user_id, std::optional<Role> role,
                 std::optional<bool> disabled);
  Outcome set_disabled(std::int64_t user_id, bool disabled);

  storage::AccountStore& store() { return store_; }
  const AccountsOptions& options() const { return o_; }

 private:
  NewSession start_session(const content::User& u, bool new_device = true);
  void send(const std::string& to, const std::string& key, const std::string& name,
            const std::string& link);
  std::string make_link(std::int64_t user_id, const std::string& purpose, std::int64_t ttl,
                        const std::string& data = {});
  bool mail_allowed(const std::string& email);

  AccountsOptions o_;
  const util::Clock& clock_;
  std::int64_t now_unix() const { return clock_.now(); }
  storage::Stores& stores_;
  storage::AccountStore& store_;
  mail::MailQueue* mail_;
  MailText texts_;
  util::Throttle local_limits_;
  util::Limiter& limits() { return o_.limits ? *o_.limits : local_limits_; }
  // The current password, checked (and throttled) before a change of password or email or
  // a deletion; nullopt when it is right.
  std::optional<Outcome> current_password_refused(const User& u, const std::string& password);
  std::string dummy_hash_;  // verified against for unknown addresses: same time either way
};

}  // namespace herald::accounts
