// The private side of the site (accounts, newsroom): who is asking (session cookie or API
// token), the permission each route declares, CSRF on every state change, no caching.
#include <ctemplate/template.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "accounts/password.hpp"
#include "site/internal.hpp"

namespace herald::site {

using ctemplate::TemplateDictionary;

namespace {
bool same_token(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

bool Site::Impl::is_private_path(std::string_view path) const {
  auto starts = [&](std::string_view p) { return path.substr(0, p.size()) == p; };
  if (!accounts) return false;
  if (starts("/account/") || path == "/account" || starts("/newsroom/") || path == "/newsroom" ||
      starts("/api/v1/newsroom/") || starts("/api/v1/me") || starts("/api/v1/chat/"))
    return true;
  // Chat pages show the composer or the log-in prompt: /<edition>/chats/...
  auto second = path.find('/', 1);
  return hub && second != std::string_view::npos && path.substr(second, 7) == "/chats/";
}

std::vector<std::string> Site::routes() const {
  std::vector<std::string> out;
  for (const auto* table : {&impl_->router, &impl_->api_router})
    for (auto& [m, p] : table->list()) out.push_back(m + " " + p);
  for (auto& [m, p] : impl_->private_router.list()) out.push_back(m + " " + p);
  return out;
}

bool Site::per_person(std::string_view path) const { return impl_->is_private_path(path); }

int Site::authorize_body(const net::Request& head) {
  auto& im = *impl_;
  if (!im.accounts) return 403;
  Ctx c = im.make_ctx(head);
  const auto* u = c.user();
  if (!u) return 401;
  return content::is_staff(u->role) && content::can(u->role, content::Action::WriteDraft) ? 0
                                                                                            : 403;
}

std::string Site::Impl::session_cookie_name() const {
  return options.secure_cookies ? "__Host-herald_session" : "herald_session";
}

Ctx Site::Impl::make_ctx(const net::Request& req) {
  Ctx c;
  c.api = req.path.rfind("/api/", 0) == 0;
  auto d = dir();
  c.edition = d->default_edition();
  if (c.edition) c.lang = c.edition->language;
  auto cookies = req.header("Cookie");
  auto auth = req.header("Authorization");
  if (auth.size() > 7 && net::iequals(auth.substr(0, 7), "Bearer ")) {
    c.visitor = accounts->bearer_visitor(std::string(auth.substr(7)));
  } else {
    c.session_token = http::cookie_value(cookies, session_cookie_name());
    if (!c.session_token.empty()) c.visitor = accounts->session_visitor(c.session_token);
  }
  if (c.visitor && !c.visitor->via_api_token) {
    c.csrf = c.visitor->session.csrf;
  } else {
    // Forms of people not logged in (login, register, reset) carry a token that must match
    // a cookie of this browser (double submit): another site can read neither.
    c.csrf = http::cookie_value(cookies, "herald_csrf");
    if (c.csrf.size() < 20) {
      c.csrf = accounts::random_token();
      http::CookieOptions o;
      o.secure = options.secure_cookies;
      c.set_cookies.push_back(http::set_cookie("herald_csrf", c.csrf, o));
    }
  }
  auto ct = req.header("Content-Type");
  if (req.method == "GET" || req.method == "HEAD")
    c.form = http::parse_form(req.query);
  else if (ct.rfind("application/x-www-form-urlencoded", 0) == 0)
    c.form = http::parse_form(req.body);
  else if (ct.rfind("multipart/form-data", 0) == 0)
    // The no-JavaScript upload form: its fields (the CSRF token among them) sit beside the
    // file. Files stay in the body for the handler.
    if (auto parts = http::parse_multipart(ct, req.body))
      for (auto& part : *parts)
        if (part.filename.empty() && part.data.size() <= 64 * 1024 && !c.form.has(part.name)) {
          c.form.values[part.name] = std::string(part.data);
          c.form.all.emplace_back(part.name, std::string(part.data));
        }
  c.ip = req.remote;
  // Return address: ?next= / the form's next, else the page the person came from on this site.
  std::string fallback = c.edition ? "/" + c.edition->code + "/" : "/";
  std::string next = c.form.get("next");
  if (next.empty()) {
    auto ref = req.header("Referer");
    if (ref.substr(0, options.base_url.size()) == options.base_url &&
        ref.size() > options.base_url.size() && ref[options.base_url.size()] == '/')
      next = std::string(ref.substr(options.base_url.size()));
  }
  if (next.rfind("/account/", 0) == 0) next.clear();
  c.next = http::safe_return_path(next, fallback);
  return c;
}

void Site::Impl::start_session_cookies(Ctx& c, const accounts::NewSession& ns) {
  http::CookieOptions o;
  o.secure = options.secure_cookies;
  o.same_site = content::is_staff(ns.user.role) ? "Strict" : "Lax";
  o.max_age = ns.max_age;
  c.set_cookies.push_back(http::set_cookie(session_cookie_name(), ns.token, o));
  // A hint for the page script (no secret): show the account link instead of "Log in".
  http::CookieOptions hint;
  hint.secure = options.secure_cookies;
  hint.http_only = false;
  hint.max_age = ns.max_age;
  c.set_cookies.push_back(http::set_cookie("herald_user", "1", hint));
  if (!ns.device_token.empty()) {
    http::CookieOptions dev;
    dev.secure = options.secure_cookies;
    dev.max_age = 365 * 86400;
    c.set_cookies.push_back(http::set_cookie("herald_device", ns.device_token, dev));
  }
}

void Site::Impl::end_session_cookies(Ctx& c) {
  http::CookieOptions o;
  o.secure = options.secure_cookies;
  o.max_age = 0;
  c.set_cookies.push_back(http::set_cookie(session_cookie_name(), "", o));
  o.http_only = false;
  c.set_cookies.push_back(http::set_cookie("herald_user", "", o));
}

void Site::Impl::private_route(const char* method, const char* pattern, Need need,
                               std::optional<content::Action> action, PrivateFn fn) {
  private_router.add(method, pattern,
                     [this, need, action, fn](const PrivateRequest& pr, const http::Params& p) {
                       Ctx& c = *pr.ctx;
                       const auto& req = pr.req;
                       const auto* u = c.user();
                       if (need != Need::Anyone && !u) {
                         if (c.api) return api_error(401, "unauthorized", "Log in first, or send an API token.");
                         return redirect("/account/login?next=" + http::url_encode(req.target));
                       }
                       if (need == Need::Staff && (!content::is_staff(u->role) ||
                                                   (action && !content::can(u->role, *action)))) {
                         if (c.api)
                           return api_error(403, "forbidden", "Your account cannot do this.");
                         return forbidden(c);
                       }
                       return (this->*fn)(req, p, c);
                     });
}

std::string Site::Impl::outcome_text(const Ctx& c, const accounts::Outcome& o) const {
  if (o.retry_after > 0)
    return catalog.plural(c.lang, "err_too_many", (o.retry_after + 59) / 60);
  return catalog.text(c.lang, o.message);
}

Reply Site::Impl::private_page(const Ctx& c, const std::string& title, const std::string& html,
                               int status, std::vector<std::string> scripts) const {
  Chrome ch;
  ch.scripts = std::move(scripts);
  ch.edition = c.edition;
  ch.title = title;
  ch.canonical = "/account/";
  ch.noindex = true;
  Reply r;
  r.status = status;
  r.body = page(ch, html);
  return r;
}

Reply Site::Impl::forbidden(const Ctx& c) const {
  Reply r = error_page(403, c.edition);
  return r;
}

Reply Site::Impl::redirect(const std::string& to, int status) const {
  Reply r;
  r.status = status;
  r.location = to;
  return r;
}

net::Response Site::Impl::handle_private(const net::Request& req) {
  Ctx c = make_ctx(req);
  http::Params params;
  bool wrong_method = false;
  PrivateRequest pr{req, &c};
  auto* fn = private_router.match(req.method == "HEAD" ? "GET" : req.method, req.path, params,
                                  wrong_method);
  Reply reply;
  if (!fn) {
    if (wrong_method) {
      reply = c.api ? api_error(405, "method_not_allowed", "This address does not take this method.")
                    : error_page(405, c.edition);
    } else {
      reply = c.api ? api_error(404, "not_found", "There is no API endpoint at this address.")
                    : error_page(404, c.edition);
      if (!c.api && !req.path.empty() && req.path.back() != '/') {
        bool mm = false;
        http::Params p2;
        if (private_router.match("GET", req.path + "/", p2, mm))
          reply = redirect(slash_location(req), 301);
      }
    }
  } else if (c.api && !c.visitor && req.header("Authorization").size() > 0) {
    reply = api_error(401, "unauthorized", "The API token is not valid: it may be revoked or mistyped.");
  } else if (req.method != "GET" && req.method != "HEAD" &&
             !(c.visitor && c.visitor->via_api_token) &&
             !same_token(c.form.has("csrf") ? c.form.get("csrf")
                                            : std::string(req.header("X-CSRF-Token")),
                         c.csrf)) {
    // Every state change carries the token of this session (or of this browser).
    reply = c.api ? api_error(403, "csrf", t(c, "err_csrf")) : error_page(403, c.edition, t(c, "err_csrf"));
  } else {
    try {
      reply = (*fn)(pr, params);
      // A write from the newsroom is visible to readers when its answer arrives: purge now
      // rather than at the watcher's next poll.
      if (req.method != "GET" && req.method != "HEAD" && reply.status < 400 && after_writes)
        after_writes();
    } catch (const std::exception& ex) {
      reply = failure(req, c.api, c.edition, ex);
    }
  }
  reply.cache_control = "no-store";
  for (auto& sc : c.set_cookies) reply.headers.emplace_back("Set-Cookie", sc);
  return finish(req, std::move(reply), false, 0, {});
}

}  // namespace herald::site
