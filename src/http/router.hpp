// The route table: method + path pattern -> handler. Patterns are literal segments and
// ":name" captures ("/:edition/tag/:tag/"); a trailing slash in the pattern is significant.
// The first matching route wins, in the order added. Not thread-safe to add(); match() is.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::http {

class Params {
 public:
  std::string_view get(std::string_view name) const {
    for (auto& [k, v] : items_)
      if (k == name) return v;
    return {};
  }
  void add(std::string_view k, std::string_view v) { items_.emplace_back(k, v); }

 private:
  std::vector<std::pair<std::string_view, std::string_view>> items_;
};

// `Handler`: what a route leads to (by default a function of the request and its captures).
template <class Req, class Reply,
          class Handler = std::function<Reply(const Req&, const Params&)>>
class Router {
 public:
  using Fn = Handler;

  void add(std::string method, std::string pattern, Fn fn) {
    Route r{std::move(method), {}, pattern.size() > 1 && pattern.back() == '/', std::move(fn),
            pattern};
    r.segments = split(pattern);
    for (const auto& s : r.segments) r.literals += s.empty() || s[0] != ':';
    routes_.push_back(std::move(r));
  }

  // Finds the handler for `path`: of the routes that match, the one with the most literal
  // segments (so "/stories/:id/chat" wins over "/stories/:id/:action" whatever the order they
  // were added in); among equals, the first added. Sets `method_mismatch` when the path
  // matched a route of another method only (the caller answers 405).
  const Fn* match(std::string_view method, std::string_view path, Params& params,
                  bool& method_mismatch) const {
    method_mismatch = false;
    bool slash = path.size() > 1 && path.back() == '/';
    auto segs = split_view(path);
    const Route* best = nullptr;
    int best_literals = -1;
    for (const auto& r : routes_) {
      if (r.segments.size() != segs.size() || r.trailing_slash != slash) continue;
      if (r.literals <= best_literals) continue;
      bool ok = true;
      for (std::size_t i = 0; i < segs.size() && ok; ++i) {
        const auto& s = r.segments[i];
        ok = (!s.empty() && s[0] == ':') ? !segs[i].empty() : s == segs[i];
      }
      if (!ok) continue;
      if (r.method != method && !(r.method == "GET" && method == "HEAD")) {
        method_mismatch = true;
        continue;
      }
      best = &r;
      best_literals = r.literals;
    }
    if (!best) return nullptr;
    method_mismatch = false;
    Params p;
    for (std::size_t i = 0; i < segs.size(); ++i)
      if (const auto& s = best->segments[i]; !s.empty() && s[0] == ':')
        p.add(std::string_view(s).substr(1), segs[i]);
    params = std::move(p);
    return &best->fn;
  }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    bool trailing_slash;
    Fn fn;
    std::string pattern;
    int literals = 0;  // segments that are not :parameters
  };

 public:
  // Every route as (method, pattern), in the order added (the role-by-route test reads it).
  std::vector<std::pair<std::string, std::string>> list() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : routes_) out.emplace_back(r.method, r.pattern);
    return out;
  }

 private:
  static std::vector<std::string> split(std::string_view p) {
    std::vector<std::string> out;
    for (auto v : split_view(p)) out.emplace_back(v);
    return out;
  }
  static std::vector<std::string_view> split_view(std::string_view p) {
    std::vector<std::string_view> out;
    std::size_t i = 1;
    while (i < p.size()) {
      auto j = p.find('/', i);
      if (j == std::string_view::npos) j = p.size();
      out.push_back(p.substr(i, j - i));
      i = j + 1;
    }
    return out;
  }
  std::vector<Route> routes_;
};

}  // namespace herald::http
