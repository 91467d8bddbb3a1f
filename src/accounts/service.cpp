#include "accounts/service.hpp"
#include "http/forms.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "accounts/password.hpp"
#include "mail/mail.hpp"

namespace herald::accounts {

namespace {
Outcome fail(std::string key, std::int64_t retry = 0) {
  Outcome o;
  o.message = std::move(key);
  o.retry_after = retry;
  return o;
}
Outcome done(std::string key, std::int64_t user_id = 0) {
  Outcome o;
  o.ok = true;
  o.message = std::move(key);
  o.user_id = user_id;
  return o;
}
std::string clean_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name)
    if (c >= 0x20 && c != 0x7f) out.push_back(static_cast<char>(c));
  while (!out.empty() && out.front() == ' ') out.erase(out.begin());
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}
bool name_ok(const std::string& n) { return !n.empty() && n.size() <= 80 * 4; }
}  // namespace

Accounts::Accounts(AccountsOptions o, storage::Stores& stores, mail::MailQueue* mail,
                   MailText texts, const util::Clock& clock)
    : o_(std::move(o)),
      clock_(clock),
      stores_(stores),
      store_(stores.accounts()),
      mail_(mail),
      texts_(std::move(texts)) {
  while (!o_.base_url.empty() && o_.base_url.back() == '/') o_.base_url.pop_back();
  dummy_hash_ = hash_password(random_token());
}

void Accounts::send(const std::string& to, const std::string& key, const std::string& name,
                    const std::string& link) {
  if (!mail_) return;
  auto [subject, text] = texts_(key, name, link);
  mail_->enqueue(mail::Mail{to, subject, text});
}

bool Accounts::mail_allowed(const std::string& email) {
  return limits().hit("mail-to:" + email, o_.mails_per_account_per_hour, 3600, now_unix()) == 0;
}

std::string Accounts::make_link(std::int64_t user_id, const std::string& purpose,
                                std::int64_t ttl, const std::string& data) {
  std::string token = random_token();
  auto now = now_unix();
  store_.add_link(storage::AccountLink{token_digest(token), user_id, purpose, data, now, now + ttl});
  return o_.base_url + "/account/link/" + purpose + "/" + token;
}

NewSession Accounts::start_session(const User& u, bool new_device) {
  NewSession ns;
  ns.token = random_token();
  ns.csrf = random_token();
  ns.user = u;
  auto now = now_unix();
  bool staff = is_staff(u.role);
  storage::Session s;
  s.digest = token_digest(ns.token);
  s.user_id = u.id;
  s.csrf = ns.csrf;
  s.created_at = now;
  s.last_seen_at = now;
  s.expires_at = now + (staff ? o_.staff_lifetime_s : o_.reader_lifetime_s);
  store_.create_session(s);
  ns.max_age = staff ? o_.staff_lifetime_s : o_.reader_lifetime_s;
  if (new_device) {
    ns.device_token = random_token();
    store_.add_device(token_digest(ns.device_token), u.id, now);
  }
  return ns;
}

Outcome Accounts::register_account(const std::string& email_in, const std::string& name_in,
                                   const std::string& password, const std::string& ip,
                                   const std::string& next) {
  std::string email = normalize_email(email_in);
  std::string name = clean_name(name_in);
  if (email.empty()) return fail("err_email_invalid");
  if (!name_ok(name)) return fail("err_name_required");
  if (auto p = password_problem(password, email, name); !p.empty()) return fail(p);
  if (auto w = limits().hit("mail-ip:" + ip, o_.mails_per_ip_per_hour, 3600, now_unix()))
    return fail("err_too_many", w);
  // Hash in every case: the answer takes as long for a taken address as for a new one.
  std::string hash = hash_password(password);
  if (hash.empty()) throw std::runtime_error("password hashing ran out of memory");
  if (auto existing = store_.user_by_email(email)) {
    if (mail_allowed(email))
      send(email, "mail_exists", existing->display_name,
           o_.base_url + "/account/reset?email=" + email);
    return done("msg_check_mail_register");
  }
  User u;
  u.email = email;
  u.display_name = name;
  u.password_hash = hash;
  u.role = Role::Reader;
  u.created_at = now_unix();
  auto r = store_.create_user(u);
  if (!r.ok()) return done("msg_check_mail_register");  // lost a race for the address
  if (mail_allowed(email))
    send(email, "mail_verify", name,
         make_link(r.id, "verify", o_.verify_link_s) +
             (next.size() > 1 && next[0] == '/' ? "?next=" + http::url_encode(next) : ""));
  return done("msg_check_mail_register", r.id);
}

std::optional<NewSession> Accounts::verify_email(const std::string& token, Outcome& out) {
  auto link = store_.take_link(token_digest(token), "verify", now_unix());
  auto u = link ? store_.user_by_id(link->user_id) : std::nullopt;
  if (!u || u->disabled) {
    out = fail("err_link_invalid");
    return std::nullopt;
  }
  store_.mark_email_verified(u->id, now_unix());
  u->email_verified_at = now_unix();
  out = done("msg_email_verified", u->id);
  return start_session(*u);
}

std::optional<NewSession> Accounts::login(const std::string& email_in,
                                          const std::string& password, const std::string& ip,
                                          const std::string& device_token, Outcome& out) {
  auto now = now_unix();
  std::string email = normalize_email(email_in);
  if (email.empty() || password.empty() || password.size() > 4 * 128) {
    out = fail("err_login_failed");
    return std::nullopt;
  }
  std::string ip_key = "login-ip:" + ip, account_key = "login-account:" + email;
  if (auto w = limits().wait(ip_key, o_.login_failures_per_ip, o_.login_window_s, now)) {
    out = fail("err_too_many", w);
    return std::nullopt;
  }
  auto u = store_.user_by_email(email);
  bool known_device = u && !device_token.empty() &&
                      store_.device_user(token_digest(device_token),
                                         now - o_.device_lifetime_s) == u->id;
  if (!known_device) {
    if (auto w = limits().wait(account_key, o_.login_failures_per_account, o_.login_window_s,
                                now)) {
      out = fail("err_too_many", w);
      return std::nullopt;
    }
  }
  bool ok = u && !u->disabled && !u->password_hash.empty()
                ? verify_password(password, u->password_hash)
                : (verify_password(password, dummy_hash_), false);
  if (!ok) {
    limits().record(ip_key, o_.login_window_s, now);
    limits().record(account_key, o_.login_window_s, now);
    out = fail("err_login_failed");
    return std::nullopt;
  }
  if (!u->email_verified_at) {
    if (mail_allowed(email))
      send(email, "mail_verify", u->display_name, make_link(u->id, "verify", o_.verify_link_s));
    out = fail("err_not_verified");
    return std::nullopt;
  }
  limits().clear(account_key);
  if (needs_rehash(u->password_hash)) {
    auto h = hash_password(password);
    if (!h.empty()) store_.set_password_hash(u->id, h);
  }
  auto ns = start_session(*u, !known_device);
  out = done("msg_logged_in", u->id);
  return ns;
}

void Accounts::logout(const std::string& session_token) {
  if (!session_token.empty()) store_.delete_session(token_digest(session_token));
}

std::string Accounts::login_link(std::int64_t user_id) {
  return make_link(user_id, "login", o_.login_link_s);
}

std::optional<NewSession> Accounts::use_login_link(const std::string& token, Outcome& out) {
  auto link = store_.take_link(token_digest(token), "login", now_unix());
  auto u = link ? store_.user_by_id(link->user_id) : std::nullopt;
  if (!u || u->disabled) {
    out = fail("err_link_invalid");
    return std::nullopt;
  }
  if (!u->email_verified_at) store_.mark_email_verified(u->id, now_unix());
  out = done("msg_logged_in", u->id);
  return start_session(*u);
}

Outcome Accounts::request_reset(const std::string& email_in, const std::string& ip) {
  std::string email = normalize_email(email_in);
  if (email.empty()) return fail("err_email_invalid");
  if (auto w = limits().hit("mail-ip:" + ip, o_.mails_per_ip_per_hour, 3600, now_unix()))
    return fail("err_too_many", w);
  auto u = store_.user_by_email(email);
  if (u && !u->disabled && mail_allowed(email))
    send(email, "mail_reset", u->display_name, make_link(u->id, "reset", o_.reset_link_s));
  return done("msg_reset_sent");
}

std::optional<NewSession> Accounts::reset_password(const std::string& token,
                                                   const std::string& password, Outcome& out) {
  // Check the password before using up the link, so that a refused password can be retried.
  auto digest = token_digest(token);
  auto link = store_.take_link(digest, "reset", now_unix());
  auto u = link ? store_.user_by_id(link->user_id) : std::nullopt;
  if (!u || u->disabled) {
    out = fail("err_link_invalid");
    return std::nullopt;
  }
  if (auto p = password_problem(password, u->email, u->display_name); !p.empty()) {
    store_.add_link(*link);  // give the link back
    out = fail(p);
    return std::nullopt;
  }
  auto hash = hash_password(password);  // before the transaction: it takes a while
  {
    auto tx = stores_.transaction();
    auto& s = tx->accounts();
    s.set_password_hash(u->id, hash);
    s.delete_sessions_of(u->id, "");
    s.drop_devices(u->id);  // a device that knew the old password is not trusted any more
    s.drop_links(u->id, "reset");
    if (!u->email_verified_at) s.mark_email_verified(u->id, now_unix());  // the mail arrived
    tx->commit();
  }
  out = done("msg_password_changed", u->id);
  return start_session(*u);
}

std::optional<Outcome> Accounts::current_password_refused(const User& u,
                                                        const std::string& password) {
  if (u.password_hash.empty()) return std::nullopt;
  // Every check costs an Argon2id hash: one account may ask for only so many, right or wrong.
  if (auto w = limits().hit("password-check:" + std::to_string(u.id), o_.password_checks,
                             o_.login_window_s, now_unix()))
    return fail("err_too_many", w);
  if (!verify_password(password, u.password_hash)) return fail("err_password_current");
  return std::nullopt;
}

Outcome Accounts::change_password(const Visitor& v, const std::string& current,
                                  const std::string& next, bool end_other_sessions) {
  auto u = store_.user_by_id(v.user.id);
  if (!u) return fail("err_link_invalid");
  if (auto refused = current_password_refused(*u, current)) return *refused;
  if (auto p = password_problem(next, u->email, u->display_name); !p.empty()) return fail(p);
  auto hash = hash_password(next);
  auto tx = stores_.transaction();
  tx->accounts().set_password_hash(u->id, hash);
  tx->accounts().drop_devices(u->id);  // a device that knew the old password is not trusted
  if (end_other_sessions) tx->accounts().delete_sessions_of(u->id, v.token_digest);
  tx->commit();
  return done(end_other_sessions ? "msg_password_changed_others" : "msg_password_changed", u->id);
}

Outcome Accounts::request_email_change(const Visitor& v, const std::string& new_email,
                                       const std::string& password) {
  auto u = store_.user_by_id(v.user.id);
  if (!u) return fail("err_link_invalid");
  std::string email = normalize_email(new_email);
  if (email.empty()) return fail("err_email_invalid");
  if (auto refused = current_password_refused(*u, password)) return *refused;
  if (email == u->email) return fail("err_email_same");
  // Whether the address is taken is only told at the new address (no enumeration).
  if (mail_allowed(email))
    send(email, "mail_email", u->display_name, make_link(u->id, "email", o_.verify_link_s, email));
  return done("msg_email_sent", u->id);
}

Outcome Accounts::confirm_email_change(const std::string& token) {
  auto link = store_.take_link(token_digest(token), "email", now_unix());
  auto u = link ? store_.user_by_id(link->user_id) : std::nullopt;
  if (!u || u->disabled) return fail("err_link_invalid");
  {
    auto tx = stores_.transaction();
    if (!tx->accounts().set_email(u->id, link->data).ok()) return fail("err_email_taken");
    tx->accounts().mark_email_verified(u->id, now_unix());
    tx->commit();
  }
  if (mail_allowed(u->email)) send(u->email, "mail_email_changed", u->display_name, link->data);
  return done("msg_email_changed", u->id);
}

Outcome Accounts::change_name(const Visitor& v, const std::string& name_in) {
  std::string name = clean_name(name_in);
  if (!name_ok(name)) return fail("err_name_required");
  store_.set_display_name(v.user.id, name);
  return done("msg_name_changed", v.user.id);
}

Outcome Accounts::delete_account(const Visitor& v, const std::string& password) {
  auto u = store_.user_by_id(v.user.id);
  if (!u) return fail("err_link_invalid");
  if (auto refused = current_password_refused(*u, password)) return *refused;
  store_.anonymise_user(u->id, now_unix());
  spdlog::info("account {} deleted by its owner", u->id);
  return done("msg_account_deleted", u->id);
}

std::optional<Visitor> Accounts::session_visitor(const std::string& token) {
  if (token.empty() || token.size() > 100) return std::nullopt;
  auto digest = token_digest(token);
  auto s = store_.session(digest);
  if (!s) return std::nullopt;
  auto u = store_.user_by_id(s->user_id);
  auto now = now_unix();
  if (!u || u->disabled) {
    store_.delete_session(digest);
    return std::nullopt;
  }
  bool staff = is_staff(u->role);
  auto idle = staff ? o_.staff_idle_s : o_.reader_idle_s;
  if (now >= s->expires_at || now - s->last_seen_at >= idle) {
    store_.delete_session(digest);
    return std::nullopt;
  }
  // One write a minute at most per session.
  if (now - s->last_seen_at >= 60) store_.touch_session(digest, now);
  return Visitor{*u, *s, digest, false};
}

std::optional<Visitor> Accounts::bearer_visitor(const std::string& token) {
  if (token.empty() || token.size() > 100) return std::nullopt;
  auto t = store_.api_token(token_digest(token));
  if (!t) return std::nullopt;
  auto u = store_.user_by_id(t->user_id);
  if (!u || u->disabled) return std::nullopt;
  auto now = now_unix();
  if (now - t->last_used_at >= 60) store_.touch_api_token(t->id, now);
  Visitor v;
  v.user = *u;
  v.token_digest = t->digest;
  v.via_api_token = true;
  return v;
}

std::string Accounts::create_api_token(std::int64_t user_id, const std::string& name_in,
                                       Outcome& out) {
  std::string name = clean_name(name_in);
  if (name.empty() || name.size() > 100) {
    out = fail("err_token_name");
    return {};
  }
  if (store_.api_tokens_of(user_id).size() >= 20) {
    out = fail("err_token_limit");
    return {};
  }
  std::string token = "hrld_" + random_token();
  auto r = store_.add_api_token(storage::ApiToken{0, user_id, token_digest(token), name,
                                                  now_unix(), 0});
  if (!r.ok()) {
    out = fail("err_token_name");
    return {};
  }
  out = done("msg_token_created", user_id);
  return token;
}

Outcome Accounts::create_user(const std::string& email_in, const std::string& name_in, Role role) {
  std::string email = normalize_email(email_in);
  if (email.empty()) return fail("err_email_invalid");
  std::string name = clean_name(name_in);
  if (name.empty()) name = email.substr(0, email.find('@'));
  User u;
  u.email = email;
  u.display_name = name;
  u.role = role;
  u.email_verified_at = now_unix();
  u.created_at = now_unix();
  auto r = store_.create_user(u);
  if (!r.ok()) return fail("err_email_taken");
  return done("msg_user_created", r.id);
}

Outcome Accounts::set_role(std::int64_t user_id, Role role) {
  auto tx = stores_.transaction();  // a new role and the end of the sessions of the old one
  auto r = tx->accounts().set_role(user_id, role);
  if (!r.ok()) return fail("err_no_user");
  tx->accounts().delete_sessions_of(user_id, "");
  tx->commit();
  return done("msg_role_changed", user_id);
}

Outcome Accounts::manage(const User& by, std::int64_t user_id, std::optional<Role> role,
                         std::optional<bool> disabled) {
  if (!can(by.role, Action::ManageSite)) return fail("err_manage_forbidden");
  if (!store_.user_by_id(user_id)) return fail("err_no_user");
  if (role && user_id == by.id && *role != Role::Admin) return fail("err_self_demote");
  if (disabled && user_id == by.id) return fail("err_self_disable");
  if (role) {
    auto o = set_role(user_id, *role);
    if (!o.ok) return o;
  }
  if (disabled) return set_disabled(user_id, *disabled);
  return done("msg_role_changed", user_id);
}

Outcome Accounts::set_disabled(std::int64_t user_id, bool disabled) {
  auto r = store_.set_disabled(user_id, disabled);
  if (!r.ok()) return fail("err_no_user");
  return done(disabled ? "msg_user_disabled" : "msg_user_enabled", user_id);
}

}  // namespace herald::accounts
