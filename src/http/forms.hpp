// Request helpers that carry no framework types: cookies, URL-encoded forms, multipart
// uploads, Set-Cookie values and same-site return addresses. Pure functions, thread-safe.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::http {

// Percent-decodes a form or query component ('+' is a space). Invalid escapes are kept as-is.
std::string form_decode(std::string_view s);
// Percent-encodes everything but unreserved characters (for query values and next= links).
std::string url_encode(std::string_view s);

// application/x-www-form-urlencoded body (or query string) -> name -> value. A repeated
// name keeps its first value; all values are in `all`.
struct Form {
  std::map<std::string, std::string> values;
  std::vector<std::pair<std::string, std::string>> all;
  const std::string& get(const std::string& name) const;
  bool has(const std::string& name) const { return values.count(name) != 0; }
};
Form parse_form(std::string_view body);

// The value of cookie `name` in a Cookie header; empty when absent.
std::string cookie_value(std::string_view cookie_header, std::string_view name);

struct CookieOptions {
  std::string same_site = "Lax";  // "Lax" or "Strict"
  bool secure = false;            // set over TLS (the name should then start with __Host-)
  bool http_only = true;
  long max_age = -1;  // seconds; -1: a session cookie; 0: delete
};
std::string set_cookie(std::string_view name, std::string_view value, const CookieOptions& o);

// One part of a multipart/form-data body.
struct Part {
  std::string name;
  std::string filename;      // as sent; never used as a path
  std::string content_type;  // as sent; never trusted
  std::string_view data;     // points into the body passed to parse_multipart
};
// Parses a multipart/form-data body with the boundary from `content_type`. Returns nullopt
// when the body is malformed (missing boundary, unterminated part, over 64 parts).
std::optional<std::vector<Part>> parse_multipart(std::string_view content_type,
                                                 std::string_view body);

// A safe place to send someone back to after logging in: a path on this site ("/en/...")
// that cannot leave it ("//evil", "/\\evil", schemes and control characters are refused).
// Returns `fallback` when `next` is not one.
std::string safe_return_path(std::string_view next, std::string_view fallback);

}  // namespace herald::http
