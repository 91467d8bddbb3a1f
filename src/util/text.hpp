// Small text helpers every layer shares: whole-number parsing, HTML escaping, byte tables.
#pragma once
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::util {

// A table of the 256 bytes, true for ASCII letters and digits and for the bytes of `extra`
// (header tokens, the bytes a URL keeps as they are).
constexpr std::array<bool, 256> alnum_and(std::string_view extra) {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = t[static_cast<std::size_t>(c - 32)] = true;
  for (char c : extra) t[static_cast<unsigned char>(c)] = true;
  return t;
}

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
