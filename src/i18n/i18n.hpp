// Reader-facing text that is not content: message catalogs per language (web/locales/*.json,
// ICU MessageFormat patterns with plural rules) and dates in an edition's locale and zone.
// Thread safety: a loaded Catalog is immutable and safe to share; formatting uses
// per-thread ICU objects.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace herald::i18n {

class Catalog {
 public:
  // Loads every "<lang>.json" asset under web/locales/. Throws std::runtime_error naming the
  // file and key on a malformed catalog.
  static Catalog load_embedded();
  // Adds one language from JSON text (an object of key -> pattern).
  void add(const std::string& lang, std::string_view json_text);

  // The plain text for `key`; falls back to English, then to the key itself.
  const std::string& text(const std::string& lang, const std::string& key) const;
  // Formats a MessageFormat pattern with one numeric argument named `count`,
  // e.g. "{count, plural, one {# comment} other {# comments}}".
  std::string plural(const std::string& lang, const std::string& key, std::int64_t count) const;
  // Every key of one language (templates fill their dictionaries from it).
  const std::unordered_map<std::string, std::string>& all(const std::string& lang) const;
  bool has_language(const std::string& lang) const { return langs_.count(lang) != 0; }
  std::vector<std::string> languages() const {
    std::vector<std::string> out;
    for (auto& [k, v] : langs_) out.push_back(k);
    return out;
  }

 private:
  static std::string format_plural(const std::string& lang, const std::string& pattern,
                                   std::int64_t count);
  std::unordered_map<std::string, std::unordered_map<std::string, std::string>> langs_;
};

// `text` with each {name} replaced by its value from `args` (catalog texts with values).
std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& args);

// Formats a Unix time with an ICU pattern ("dd.MM.yyyy", "HH:mm", "d MMMM yyyy") in the given
// ICU locale ("ru_RU") and IANA time zone.
std::string format_time(std::int64_t unix_seconds, const std::string& pattern,
                        const std::string& locale, const std::string& time_zone);

// The same through ICU's SimpleDateFormat in every case (format_time takes a faster path for
// the numeric and month-name patterns pages use; tests compare the two).
std::string format_time_icu(std::int64_t unix_seconds, const std::string& pattern,
                            const std::string& locale, const std::string& time_zone);

// RFC 3339 / ISO 8601 in UTC: "2026-11-28T15:04:05Z".
std::string iso8601(std::int64_t unix_seconds);
// RFC 1123 (HTTP dates, RSS): "Sat, 28 Nov 2026 15:04:05 GMT".
std::string rfc1123(std::int64_t unix_seconds);
// Parses an HTTP date; returns -1 when it is not one.
std::int64_t parse_http_date(std::string_view s);

}  // namespace herald::i18n
