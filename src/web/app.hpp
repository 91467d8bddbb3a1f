// The HTTP front of the site: one App takes every request from the server and hands it to the
// module whose route matches. Modules (site/, accounts/, newsroom/, chat/, live/) declare their
// routes as rows; the App does what every route needs: the page cache for reader pages,
// session, permission and CSRF for per-person routes, 304s, gzip, static files and media.
// Thread safety: handle() is called from every thread at once; routes are added before serving.
#pragma once
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/people.hpp"
#include "net/server.hpp"
#include "web/kit.hpp"

namespace herald::events {
struct Event;
}

namespace herald::web {

class App;

// A reader page: the same for everyone, kept in the page cache.
// A reader page: built from one read snapshot (`news`), which the App takes for it.
using PageFn =
    std::function<Reply(const net::Request&, const http::Params&, storage::NewsReader& news)>;
// A per-person route: session-aware, never cached.
using PersonFn = std::function<Reply(const net::Request&, const http::Params&, Ctx&)>;

// Everything about a per-person route in one row. GET and HEAD never need the CSRF token;
// every other method does (unless called with an API token), and may change state.
struct Route {
  std::string method;                   // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string pattern;                  // "/api/v1/newsroom/stories/:id"
  Need need = Need::Anyone;             // who may call it
  std::optional<content::Action> action;  // for Need::Staff: what their role must allow
  PersonFn fn;
  std::size_t body_limit = 0;  // bytes this route reads (0: the server's default)
  bool hashes_passwords = false;  // runs on the password-hashing pool (Argon2id)
};

// A row for a handler that is a member function of a module's handler class.
template <class T>
Route row(T* self, std::string method, std::string pattern, Need need,
          std::optional<content::Action> action,
          Reply (T::*fn)(const net::Request&, const http::Params&, Ctx&)) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.need = need;
  r.action = action;
  r.fn = [self, fn](const net::Request& q, const http::Params& p, Ctx& c) {
    return (self->*fn)(q, p, c);
  };
  return r;
}

// A capability's handler object, owned by the composition root for as long as the App serves.
class Module {
 public:
  virtual ~Module() = default;
};

class App {
 public:
  App(Options options, storage::NewsStore& store, accounts::Accounts* accounts);
  Kit& kit() { return kit_; }

  // Reader pages and the read API: GET and HEAD, cached under their URL. `accepts` names the
  // query parameters the page reads; an answer to any other query is served but not cached.
  void page(const std::string& pattern, PageFn fn,
            std::initializer_list<std::string_view> accepts = {});
  // A per-person route; its path must lie under a prefix the module owns().
  void route(Route r);
  // Paths whose answers depend on who asks: `prefix` exactly, or anything below it ("/account/").
  void owns(std::string prefix);
  // The same, decided by a test (chat pages: /<edition>/chats/...).
  void owns_if(std::function<bool(std::string_view path)> test);
  // Called after each successful per-person write, before its answer goes out.
  void after_writes(std::function<void()> fn) { after_writes_ = std::move(fn); }
  // What /readyz tells the balancer: "ok", or what is wrong with the database and the bus.
  void set_readiness(std::string database, std::string bus);
  // The WebSocket endpoint (live/), when there is one.
  void websocket(std::function<net::WsDecision(const net::Request&)> accept) {
    ws_ = std::move(accept);
  }

  net::Response handle(const net::Request& req);
  net::WsDecision ws_accept(const net::Request& req);
  // Applies a content event to the kit's caches (page cache, directory, frames, photos).
  void apply(const events::Event& ev);

  // For the server (net::ServerOptions), from the route rows:
  bool per_person(std::string_view path) const;         // offload: reads the session
  // Whether handle() answers `req` without the database (a cached page, a static file, the
  // probes): on a database across the network, everything else leaves the I/O thread.
  bool answers_from_memory(const net::Request& req) const;
  bool hashes_passwords(const net::Request& r) const;   // the hashing pool
  std::size_t body_limit(std::string_view method, std::string_view path) const;  // 0: default
  int authorize_body(const net::Request& head);  // large bodies: 0, or 401 / 403
  // Every route: "METHOD PATTERN" (herald serve --print-routes).
  std::vector<std::string> routes() const;

 private:
  net::Response handle_person(const net::Request& req);
  net::Response serve_media(const net::Request& req);
  net::Response finish(const net::Request& req, Reply reply, bool cacheable, std::uint64_t gen,
                       const std::string& cache_url);
  const Route* row_for(std::string_view method, std::string_view path) const;

  Kit kit_;
  mutable std::mutex ready_mu_;
  std::string ready_db_ = "starting", ready_bus_ = "starting";
  http::Router<net::Request, Reply, PageFn> pages_;      // reader pages, feeds, sitemaps
  http::Router<net::Request, Reply, PageFn> api_pages_;  // the read API under /api/
  struct PersonRequest {
    const net::Request& req;
    Ctx* ctx;
  };
  http::Router<PersonRequest, Reply> person_;
  std::deque<Route> rows_;  // (stable addresses: the routers point at them)
  http::Router<int, const Route*> row_of_;
  std::vector<std::string> prefixes_;
  std::vector<std::function<bool(std::string_view)>> owner_tests_;
  std::function<void()> after_writes_;
  std::function<net::WsDecision(const net::Request&)> ws_;
};

// Adds one module's rows: on("POST", "/newsroom/media", Need::Staff, Action::WriteDraft,
// &Pages::upload, 21 << 20).
template <class T>
class Rows {
 public:
  Rows(App& app, T* self) : app_(app), self_(self) {}
  // Every POST these rows add reads a password and hashes it (the hashing pool).
  bool posts_hash_passwords = false;
  void operator()(const char* method, const char* pattern, Need need,
                  std::optional<content::Action> action,
                  Reply (T::*fn)(const net::Request&, const http::Params&, Ctx&),
                  std::size_t body_limit = 0) {
    auto r = row(self_, method, pattern, need, action, fn);
    r.body_limit = body_limit;
    r.hashes_passwords = posts_hash_passwords && r.method == "POST";
    app_.route(std::move(r));
  }

 private:
  App& app_;
  T* self_;
};

}  // namespace herald::web
