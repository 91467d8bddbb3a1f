// The account pages: /account/login, register, reset, one-time links, the profile page and
// its forms. Thin: each handler reads the form, calls accounts::Accounts and renders.
#include <boost/json.hpp>
#include <ctemplate/template.h>

#include "accounts/pages.hpp"
#include "i18n/i18n.hpp"

namespace herald::accounts {

using ctemplate::TemplateDictionary;
namespace json = boost::json;

std::unique_ptr<web::Module> pages(web::App& app, Accounts& accounts, storage::ChatStore* chats) {
  return std::make_unique<Pages>(app, accounts, chats);
}

Pages::Pages(web::App& app, Accounts& a, storage::ChatStore* c)
    : web::Handlers(app.kit()), accounts(&a), chats(c) {
  using A = Pages;
  auto any = Need::Anyone;
  auto login = Need::Login;
  app.owns("/account/");
  app.owns("/account");
  app.owns("/api/v1/me");
  web::Rows<A> private_route(app, this);
  // Every account form that is posted may carry a password, hashed with Argon2id: on the
  // hashing pool. (/api/v1/me only reads.)
  private_route.posts_hash_passwords = true;
  private_route("GET", "/account/login", any, {}, &A::login_page);
  private_route("POST", "/account/login", any, {}, &A::login_post);
  private_route("GET", "/account/register", any, {}, &A::register_page);
  private_route("POST", "/account/register", any, {}, &A::register_post);
  private_route("GET", "/account/reset", any, {}, &A::reset_page);
  private_route("POST", "/account/reset", any, {}, &A::reset_post);
  private_route("GET", "/account/link/:purpose/:token", any, {}, &A::link_page);
  private_route("POST", "/account/link/:purpose/:token", any, {}, &A::link_post);
  private_route("POST", "/account/logout", any, {}, &A::logout_post);
  private_route("GET", "/account/", login, {}, &A::account_page);
  private_route("POST", "/account/name", login, {}, &A::account_name_post);
  private_route("POST", "/account/password", login, {}, &A::account_password_post);
  private_route("POST", "/account/email", login, {}, &A::account_email_post);
  private_route("POST", "/account/delete", login, {}, &A::account_delete_post);
  private_route("POST", "/account/tokens", login, {}, &A::token_create_post);
  private_route("POST", "/account/tokens/:id/revoke", login, {}, &A::token_revoke_post);
  private_route("GET", "/api/v1/me", any, {}, &A::me_json);
}

Reply Pages::account_form(const Ctx& c, const std::string& which, const std::string& error,
                               const std::string& email, const std::string& name, int status) {
  TemplateDictionary dict("account");
  if (!error.empty()) dict.AddSectionDictionary("ERROR")->SetValue("TEXT", error);
  auto* s = dict.AddSectionDictionary(which);
  s->SetValue("CSRF", c.csrf);
  s->SetValue("NEXT", c.next);
  s->SetValue("NEXT_Q", http::url_encode(c.next));
  s->SetValue("EMAIL", email);
  s->SetValue("NAME", name);
  std::string title = which == "LOGIN"      ? t(c, "login_title")
                      : which == "REGISTER" ? t(c, "register_title")
                                            : t(c, "reset_title");
  return private_page(c, title, render(c.lang, "account.tpl", dict), status);
}

Reply Pages::account_message(const Ctx& c, const std::string& heading_key,
                                  const std::string& text, const std::string& continue_url,
                                  int status) {
  TemplateDictionary dict("account");
  auto* s = dict.AddSectionDictionary("MESSAGE");
  s->SetValue("HEADING", t(c, heading_key));
  s->SetValue("TEXT", text);
  if (!continue_url.empty()) s->AddSectionDictionary("CONTINUE")->SetValue("URL", continue_url);
  return private_page(c, t(c, heading_key), render(c.lang, "account.tpl", dict), status);
}

Reply Pages::too_many(const Ctx& c, const accounts::Outcome& o) {
  Reply r = account_message(c, "too_many_title", outcome_text(c, o), {}, 429);
  r.headers.emplace_back("Retry-After", std::to_string(o.retry_after));
  return r;
}

Reply Pages::login_page(const net::Request&, const http::Params&, Ctx& c) {
  // Shown to a logged-in browser too: logging in again replaces its session.
  return account_form(c, "LOGIN", "", c.form.get("email"));
}

Reply Pages::login_post(const net::Request& r, const http::Params&, Ctx& c) {
  accounts::Outcome o;
  auto ns = accounts->login(c.form.get("email"), c.form.get("password"), c.ip,
                            http::cookie_value(r.header("Cookie"), "herald_device"), o);
  if (!ns) {
    if (o.retry_after) return too_many(c, o);
    return account_form(c, "LOGIN", outcome_text(c, o), c.form.get("email"), {},
                        o.message == "err_login_failed" ? 401 : 200);
  }
  // A planted or old session cookie is replaced: the session always gets a new token.
  if (!c.session_token.empty()) accounts->logout(c.session_token);
  start_session_cookies(c, *ns);
  return redirect(c.next);
}

Reply Pages::register_page(const net::Request&, const http::Params&, Ctx& c) {
  if (c.user()) return redirect(c.next);
  return account_form(c, "REGISTER", "");
}

Reply Pages::register_post(const net::Request&, const http::Params&, Ctx& c) {
  auto o = accounts->register_account(c.form.get("email"), c.form.get("name"),
                                      c.form.get("password"), c.ip, c.next);
  if (o.retry_after) return too_many(c, o);
  if (!o.ok)
    return account_form(c, "REGISTER", outcome_text(c, o), c.form.get("email"),
                        c.form.get("name"), 422);
  return account_message(c, "check_mail_title", outcome_text(c, o));
}

Reply Pages::reset_page(const net::Request&, const http::Params&, Ctx& c) {
  return account_form(c, "RESET", "", c.form.get("email"));
}

Reply Pages::reset_post(const net::Request&, const http::Params&, Ctx& c) {
  auto o = accounts->request_reset(c.form.get("email"), c.ip);
  if (o.retry_after) return too_many(c, o);
  if (!o.ok) return account_form(c, "RESET", outcome_text(c, o), c.form.get("email"), {}, 422);
  return account_message(c, "check_mail_title", outcome_text(c, o));
}

namespace {
bool known_purpose(std::string_view p) {
  return p == "verify" || p == "login" || p == "reset" || p == "email";
}
}  // namespace

// Links from mails open a page with a button: the link is used by the POST (mail scanners that
// follow links do not use it up, and GET changes nothing).
Reply Pages::link_page(const net::Request& r, const http::Params& p, Ctx& c) {
  std::string purpose(p.get("purpose"));
  if (!known_purpose(purpose)) return error_page(404, c.edition);
  TemplateDictionary dict("account");
  auto* s = dict.AddSectionDictionary("LINK");
  s->SetValue("HEADING", t(c, "link_" + purpose + "_title"));
  s->SetValue("BUTTON", t(c, "link_" + purpose + "_button"));
  s->SetValue("ACTION", r.path);
  s->SetValue("CSRF", c.csrf);
  s->SetValue("NEXT", c.next);
  if (purpose == "reset") s->ShowSection("NEW_PASSWORD");
  Reply reply = private_page(c, t(c, "link_" + purpose + "_title"),
                             render(c.lang, "account.tpl", dict));
  reply.headers.emplace_back("Referrer-Policy", "no-referrer");  // keep the token in this page
  return reply;
}

Reply Pages::link_post(const net::Request&, const http::Params& p, Ctx& c) {
  std::string purpose(p.get("purpose"));
  std::string token(p.get("token"));
  if (!known_purpose(purpose)) return error_page(404, c.edition);
  accounts::Outcome o;
  std::optional<accounts::NewSession> ns;
  if (purpose == "verify") {
    ns = accounts->verify_email(token, o);
  } else if (purpose == "login") {
    ns = accounts->use_login_link(token, o);
  } else if (purpose == "reset") {
    ns = accounts->reset_password(token, c.form.get("password"), o);
    if (!ns && o.message.rfind("err_password", 0) == 0) {
      TemplateDictionary dict("account");
      dict.AddSectionDictionary("ERROR")->SetValue("TEXT", outcome_text(c, o));
      auto* s = dict.AddSectionDictionary("LINK");
      s->SetValue("HEADING", t(c, "link_reset_title"));
      s->SetValue("BUTTON", t(c, "link_reset_button"));
      s->SetValue("ACTION", "/account/link/reset/" + token);
      s->SetValue("CSRF", c.csrf);
      s->SetValue("NEXT", c.next);
      s->ShowSection("NEW_PASSWORD");
      return private_page(c, t(c, "link_reset_title"), render(c.lang, "account.tpl", dict), 422);
    }
  } else {
    o = accounts->confirm_email_change(token);
    if (!o.ok) return account_message(c, "link_email_title", outcome_text(c, o), {}, 410);
    return account_message(c, "done_title", outcome_text(c, o), "/account/");
  }
  if (!ns) return account_message(c, "link_" + purpose + "_title", outcome_text(c, o), {}, 410);
  if (!c.session_token.empty()) accounts->logout(c.session_token);
  start_session_cookies(c, *ns);
  return account_message(c, "done_title", outcome_text(c, o),
                         content::is_staff(ns->user.role) && purpose == "login" ? "/account/"
                                                                                 : c.next);
}

Reply Pages::logout_post(const net::Request&, const http::Params&, Ctx& c) {
  accounts->logout(c.session_token);
  end_session_cookies(c);
  return redirect(c.edition ? "/" + c.edition->code + "/" : "/");
}

Reply Pages::profile(const Ctx& c, const std::string& notice, const std::string& error,
                          const std::string& new_token, int status) {
  const auto& u = *c.user();
  auto fresh = accounts->store().user_by_id(u.id).value_or(u);
  TemplateDictionary dict("account");
  if (!notice.empty()) dict.AddSectionDictionary("NOTICE")->SetValue("TEXT", notice);
  if (!error.empty()) dict.AddSectionDictionary("ERROR")->SetValue("TEXT", error);
  auto* s = dict.AddSectionDictionary("PROFILE");
  s->SetValue("NAME", fresh.display_name);
  s->SetValue("EMAIL", fresh.email);
  s->SetValue("ROLE", content::to_string(fresh.role));
  s->SetValue("CSRF", c.csrf);
  if (content::is_staff(fresh.role)) s->ShowSection("STAFF");
  if (!fresh.password_hash.empty()) s->ShowSection("HAS_PASSWORD");
  if (content::is_staff(fresh.role)) {
    auto* tk = s->AddSectionDictionary("TOKENS");
    if (!new_token.empty()) tk->AddSectionDictionary("NEW_TOKEN")->SetValue("TOKEN", new_token);
    for (auto& tok : accounts->store().api_tokens_of(u.id)) {
      auto* row = tk->AddSectionDictionary("TOKEN_ROW");
      row->SetValue("NAME", tok.name);
      row->SetIntValue("ID", static_cast<long>(tok.id));
      row->SetValue("CREATED", i18n::iso8601(tok.created_at).substr(0, 10));
      row->SetValue("CSRF", c.csrf);
    }
  }
  return private_page(c, t(c, "account_title"), render(c.lang, "account.tpl", dict), status);
}

Reply Pages::account_page(const net::Request&, const http::Params&, Ctx& c) {
  // Notices after a redirect come as ?done=<catalog key of a msg_ text>.
  std::string done = c.form.get("done");
  std::string notice = done.rfind("msg_", 0) == 0 && catalog.text(c.lang, done) != done
                           ? t(c, done)
                           : std::string();
  return profile(c, notice, "");
}

Reply Pages::account_name_post(const net::Request&, const http::Params&, Ctx& c) {
  auto o = accounts->change_name(*c.visitor, c.form.get("name"));
  if (!o.ok) return profile(c, "", outcome_text(c, o), {}, 422);
  return redirect("/account/?done=" + o.message);
}

Reply Pages::account_password_post(const net::Request&, const http::Params&, Ctx& c) {
  auto o = accounts->change_password(*c.visitor, c.form.get("current"), c.form.get("password"),
                                     c.form.get("others") == "1");
  if (o.retry_after) return too_many(c, o);
  if (!o.ok) return profile(c, "", outcome_text(c, o), {}, 422);
  return redirect("/account/?done=" + o.message);
}

Reply Pages::account_email_post(const net::Request&, const http::Params&, Ctx& c) {
  auto o = accounts->request_email_change(*c.visitor, c.form.get("email"), c.form.get("password"));
  if (o.retry_after) return too_many(c, o);
  if (!o.ok) return profile(c, "", outcome_text(c, o), {}, 422);
  return redirect("/account/?done=" + o.message);
}

Reply Pages::account_delete_post(const net::Request&, const http::Params&, Ctx& c) {
  auto o = accounts->delete_account(*c.visitor, c.form.get("password"));
  if (o.retry_after) return too_many(c, o);
  if (!o.ok) return profile(c, "", outcome_text(c, o), {}, 422);
  end_session_cookies(c);
  return account_message(c, "done_title", outcome_text(c, o),
                         c.edition ? "/" + c.edition->code + "/" : "/");
}

Reply Pages::token_create_post(const net::Request&, const http::Params&, Ctx& c) {
  if (!content::is_staff(c.user()->role)) return forbidden(c);
  accounts::Outcome o;
  auto token = accounts->create_api_token(c.user()->id, c.form.get("name"), o);
  if (token.empty()) return profile(c, "", outcome_text(c, o), {}, 422);
  return profile(c, outcome_text(c, o), "", token);
}

Reply Pages::token_revoke_post(const net::Request&, const http::Params& p, Ctx& c) {
  std::int64_t id = std::atoll(std::string(p.get("id")).c_str());
  auto r = accounts->store().revoke_api_token(c.user()->id, id);
  if (!r.ok()) return error_page(404, c.edition);
  return redirect("/account/?done=msg_token_revoked");
}

Reply Pages::me_json(const net::Request&, const http::Params&, Ctx& c) {
  Reply r;
  r.content_type = "application/json";
  json::object o;
  if (auto* u = c.user()) {
    json::object user;
    user["id"] = u->id;
    user["name"] = u->display_name;
    user["role"] = content::to_string(u->role);
    user["staff"] = content::is_staff(u->role);
    user["moderator"] = content::can(u->role, content::Action::Moderate);
    if (chats) user["newsfeed_seen_at"] = chats->newsfeed_seen(u->id);
    o["user"] = std::move(user);
    if (!c.visitor->via_api_token) o["csrf"] = c.csrf;
  } else {
    o["user"] = nullptr;
  }
  r.body = json::serialize(o);
  return r;
}

}  // namespace herald::accounts
