// Small text helpers every layer shares: whole-number parsing and HTML escaping.
#pragma once
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::util {

// A whole decimal number written plainly (optional '-', digits, nothing else); nullopt otherwise.
inline std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// The number after `prefix` in `s` ("room:12", "room:") -> 12; 0 when `s` is not prefix+number.
inline std::int64_t int_after(std::string_view s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return 0;
  return to_int(s.substr(prefix.size())).value_or(0);
}

// Appends `s` to `out` with &, <, >, " and ' escaped for HTML text and attributes.
void html_escape_into(std::string& out, std::string_view s);
inline std::string html_escape(std::string_view s) {
  std::string out;
  html_escape_into(out, s);
  return out;
}

}  // namespace herald::util
