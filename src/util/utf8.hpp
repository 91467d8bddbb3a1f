// Counting characters (Unicode code points) in UTF-8 text, for length limits that people read
// as "characters" ("at most 1,000 characters"), never bytes.
#pragma once
#include <cstddef>
#include <string_view>

namespace herald::util {

// The number of code points in valid UTF-8 (continuation bytes are not counted).
inline std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace herald::util
