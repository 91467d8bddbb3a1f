// Readable Latin URL slugs from headlines in any script (ICU transliteration).
#pragma once
#include <string>

namespace herald::content {

// "Россия и Китай: новые договорённости" -> "rossiya-i-kitay-novye-dogovorennosti".
// Lower-case a-z, 0-9 and single dashes, at most `max_len` bytes, cut at a word boundary.
// Thread-safe (one transliterator per thread). Never empty: falls back to "story".
std::string make_slug(const std::string& text, std::size_t max_len = 80);

}  // namespace herald::content
