#include "net/message.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cstring>

#include "util/text.hpp"

namespace herald::net {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

std::string_view Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers)
    if (iequals(k, name)) {
      v = std::move(value);
      return;
    }
  headers.emplace_back(std::move(name), std::move(value));
}

bool decode_path(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int h = hex(in[i + 1]), l = hex(in[i + 2]);
      if (h < 0 || l < 0) return false;
      c = static_cast<char>(h * 16 + l);
      i += 2;
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
    out.push_back(c);
  }
  return true;
}

bool header_is_safe(std::string_view name, std::string_view value) {
  // A name is a token (RFC 9110 5.6.2: letters, digits and !#$%&'*+-.^_`|~); a value holds no
  // CR, LF or NUL. Tables: every response's headers pass here.
  static constexpr auto kToken = util::alnum_and("!#$%&'*+-.^_`|~");
  static constexpr auto kBreaks = [] {
    std::array<bool, 256> t{};
    t['\r'] = t['\n'] = t[0] = true;
    return t;
  }();
  if (name.empty()) return false;
  for (char ch : name)
    if (!kToken[static_cast<unsigned char>(ch)]) return false;
  for (char ch : value)
    if (kBreaks[static_cast<unsigned char>(ch)]) return false;
  if (iequals(name, "Location")) {
    // Browsers drop tabs and newlines from URLs and read '\\' as '/': "/\t/x" is "//x".
    for (char ch : value)
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) return false;
    if (value.size() >= 2 && (value[0] == '/' || value[0] == '\\') &&
        (value[1] == '/' || value[1] == '\\'))
      return false;
  }
  return true;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string ready_head(int status, const Headers& headers, std::size_t content_length) {
  std::string out;
  out.reserve(512);
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  for (auto& [k, v] : headers) {
    if (!header_is_safe(k, v)) return {};
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  // (No Content-Length on a 1xx, 204 or 304: RFC 9110 8.6.)
  if (status >= 200 && status != 204 && status != 304) {
    out += "Content-Length: ";
    out += std::to_string(content_length);
    out += "\r\n";
  }
  return out;
}

namespace {
// Parses an address into 16 bytes (IPv4 as ::ffff:a.b.c.d); false when it is not one.
bool parse_ip(std::string_view text, std::array<unsigned char, 16>& out, bool& v4) {
  if (text.size() > 45) return false;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = 0;
  out.fill(0);
  unsigned char a4[4];
  if (::inet_pton(AF_INET, buf, a4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, a4, 4);
    v4 = true;
    return true;
  }
  v4 = false;
  if (::inet_pton(AF_INET6, buf, out.data()) != 1) return false;
  // An IPv4-mapped IPv6 address is the IPv4 address.
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  v4 = std::memcmp(out.data(), mapped, 12) == 0;
  return true;
}

bool range_parts(std::string_view range, std::array<unsigned char, 16>& base, int& bits) {
  auto slash = range.find('/');
  bool v4 = false;
  if (!parse_ip(range.substr(0, slash), base, v4)) return false;
  int max = v4 ? 32 : 128;
  bits = max;
  if (slash != std::string_view::npos) {
    auto tail = range.substr(slash + 1);
    auto [p, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), bits);
    if (ec != std::errc() || p != tail.data() + tail.size() || tail.empty() || bits < 0 ||
        bits > max)
      return false;
  }
  if (v4) bits += 96;
  return true;
}
}  // namespace

bool valid_ip_range(std::string_view range) {
  std::array<unsigned char, 16> base;
  int bits = 0;
  return range_parts(range, base, bits);
}

bool ip_in_ranges(std::string_view ip, const std::vector<std::string>& ranges) {
  std::array<unsigned char, 16> addr;
  bool v4 = false;
  if (ranges.empty() || !parse_ip(ip, addr, v4)) return false;
  for (const auto& r : ranges) {
    std::array<unsigned char, 16> base;
    int bits = 0;
    if (!range_parts(r, base, bits)) continue;
    bool match = true;
    for (int i = 0; i < 16 && match; ++i) {
      int take = std::min(8, std::max(0, bits - i * 8));
      if (!take) break;
      unsigned char mask = static_cast<unsigned char>(0xff << (8 - take));
      match = (addr[i] & mask) == (base[i] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string client_address(std::string_view peer, std::string_view xff,
                           const std::vector<std::string>& trusted) {
  if (xff.empty() || !ip_in_ranges(peer, trusted)) return std::string(peer);
  std::string_view best = peer;
  while (!xff.empty()) {
    auto comma = xff.rfind(',');
    auto hop = comma == std::string_view::npos ? xff : xff.substr(comma + 1);
    xff = comma == std::string_view::npos ? std::string_view() : xff.substr(0, comma);
    while (!hop.empty() && (hop.front() == ' ' || hop.front() == '\t')) hop.remove_prefix(1);
    while (!hop.empty() && (hop.back() == ' ' || hop.back() == '\t')) hop.remove_suffix(1);
    if (!valid_ip_range(hop) || hop.find('/') != std::string_view::npos) break;  // garbage
    best = hop;
    if (!ip_in_ranges(hop, trusted)) break;
  }
  return std::string(best);
}

}  // namespace herald::net
