#include "http/forms.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "util/text.hpp"

namespace herald::http {

namespace {
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The value of `key` in a `;`-separated list: `form-data; name="x"` or a Cookie header.
std::string list_value(std::string_view header, std::string_view key, bool any_case) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto semi = header.find(';', pos);
    auto part = trim(header.substr(pos, semi == std::string_view::npos ? std::string_view::npos
                                                                       : semi - pos));
    auto eq = part.find('=');
    if (eq != std::string_view::npos) {
      auto k = trim(part.substr(0, eq));
      if (any_case ? iequal(k, key) : k == key) {
        auto v = trim(part.substr(eq + 1));
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return std::string(v);
      }
    }
    if (semi == std::string_view::npos) break;
    pos = semi + 1;
  }
  return {};
}

std::string header_param(std::string_view header, std::string_view key) {
  return list_value(header, key, true);
}
}  // namespace

std::string form_decode(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '+') {
      out.push_back(' ');
    } else if (v[i] == '%' && i + 2 < v.size() &&
               hexval(v[i + 1]) >= 0 && hexval(v[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexval(v[i + 1]) * 16 + hexval(v[i + 2])));
      i += 2;
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  // Kept as they are: ASCII letters and digits, - _ . ~ and /; every other byte is %XX.
  static constexpr auto kKeep = util::alnum_and("-_.~/");
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() + s.size() / 2);
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (kKeep[c]) continue;
    out.append(s.data() + run, i - run);
    const char esc[3] = {'%', kHex[c >> 4], kHex[c & 15]};
    out.append(esc, 3);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
  return out;
}

const std::string& Form::get(const std::string& name) const {
  static const std::string empty;
  auto it = values.find(name);
  return it == values.end() ? empty : it->second;
}

Form parse_form(std::string_view body) {
  Form f;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto amp = body.find('&', pos);
    auto part =
        body.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!part.empty()) {
      auto eq = part.find('=');
      std::string name = form_decode(part.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : form_decode(part.substr(eq + 1));
      f.values.emplace(name, value);
      f.all.emplace_back(std::move(name), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return f;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  return list_value(header, name, false);
}

std::string set_cookie(std::string_view name, std::string_view value, const CookieOptions& o) {
  std::string c(name);
  c += '=';
  c += value;
  c += "; Path=/";
  if (o.max_age >= 0) c += "; Max-Age=" + std::to_string(o.max_age);
  if (o.http_only) c += "; HttpOnly";
  if (o.secure) c += "; Secure";
  c += "; SameSite=" + o.same_site;
  return c;
}

std::optional<std::vector<Part>> parse_multipart(std::string_view content_type,
                                                 std::string_view body) {
  auto semi = content_type.find(';');
  if (!iequal(trim(content_type.substr(0, semi)), "multipart/form-data")) return std::nullopt;
  std::string boundary = header_param(content_type.substr(semi == std::string_view::npos
                                                              ? content_type.size()
                                                              : semi + 1),
                                      "boundary");
  if (boundary.empty() || boundary.size() > 200) return std::nullopt;
  std::string delim = "--" + boundary;
  std::vector<Part> parts;
  auto pos = body.find(delim);
  if (pos == std::string_view::npos) return std::nullopt;
  pos += delim.size();
  for (;;) {
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") return std::nullopt;
    pos += 2;
    auto head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) return std::nullopt;
    Part p;
    auto head = body.substr(pos, head_end - pos);
    std::size_t hp = 0;
    while (hp <= head.size()) {
      auto eol = head.find("\r\n", hp);
      auto line =
          head.substr(hp, eol == std::string_view::npos ? std::string_view::npos : eol - hp);
      auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        auto hname = trim(line.substr(0, colon));
        auto hval = trim(line.substr(colon + 1));
        if (iequal(hname, "Content-Disposition")) {
          p.name = header_param(hval, "name");
          p.filename = header_param(hval, "filename");
        } else if (iequal(hname, "Content-Type")) {
          p.content_type = std::string(hval);
        }
      }
      if (eol == std::string_view::npos) break;
      hp = eol + 2;
    }
    auto data_start = head_end + 4;
    auto next = body.find("\r\n" + delim, data_start);
    if (next == std::string_view::npos) return std::nullopt;
    p.data = body.substr(data_start, next - data_start);
    parts.push_back(std::move(p));
    if (parts.size() > 64) return std::nullopt;
    pos = next + 2 + delim.size();
  }
}

std::string safe_return_path(std::string_view next, std::string_view fallback) {
  if (next.empty() || next.size() > 1000 || next[0] != '/') return std::string(fallback);
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return std::string(fallback);
  for (unsigned char c : next)
    if (c < 0x20 || c == 0x7f || c == '\\') return std::string(fallback);
  return std::string(next);
}

}  // namespace herald::http
