#include "i18n/i18n.hpp"

#include <unicode/calendar.h>
#include <unicode/locid.h>
#include <unicode/msgfmt.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>

#include <boost/json.hpp>
#include <ctime>
#include <memory>
#include <unordered_map>
#include <stdexcept>

#include "util/assets.hpp"

namespace herald::i18n {

Catalog Catalog::load_embedded() {
  Catalog c;
  for (const auto& [path, data] : assets::all()) {
    const std::string_view prefix = "web/locales/";
    if (path.substr(0, prefix.size()) != prefix || path.size() < 5 ||
        path.substr(path.size() - 5) != ".json")
      continue;
    std::string lang(path.substr(prefix.size(), path.size() - prefix.size() - 5));
    c.add(lang, data);
  }
  if (!c.has_language("en")) throw std::runtime_error("web/locales/en.json is missing");
  return c;
}

void Catalog::add(const std::string& lang, std::string_view json_text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json_text, ec);
  if (ec || !v.is_object()) throw std::runtime_error("web/locales/" + lang + ".json is not a JSON object");
  auto& m = langs_[lang];
  for (auto& [k, val] : v.get_object()) {
    if (!val.is_string())
      throw std::runtime_error("web/locales/" + lang + ".json: key '" + std::string(k) + "' is not a string");
    m[std::string(k)] = std::string(val.get_string());
  }
}

const std::string& Catalog::text(const std::string& lang, const std::string& key) const {
  if (auto l = langs_.find(lang); l != langs_.end())
    if (auto it = l->second.find(key); it != l->second.end()) return it->second;
  if (auto l = langs_.find("en"); l != langs_.end())
    if (auto it = l->second.find(key); it != l->second.end()) return it->second;
  return key;
}

const std::unordered_map<std::string, std::string>& Catalog::all(const std::string& lang) const {
  if (auto l = langs_.find(lang); l != langs_.end()) return l->second;
  return langs_.at("en");
}

std::string Catalog::plural(const std::string& lang, const std::string& key, std::int64_t count) const {
  const std::string& pattern = text(lang, key);
  thread_local std::map<std::pair<std::string, std::string>, std::unique_ptr<icu::MessageFormat>> cache;
  auto& fmt = cache[{lang, pattern}];
  if (!fmt) {
    UErrorCode st = U_ZERO_ERROR;
    fmt = std::make_unique<icu::MessageFormat>(icu::UnicodeString::fromUTF8(pattern),
                                               icu::Locale(lang.c_str()), st);
    if (U_FAILURE(st)) {
      fmt.reset();
      return pattern;
    }
  }
  icu::UnicodeString names[] = {"count"};
  icu::Formattable args[] = {icu::Formattable(static_cast<int64_t>(count))};
  icu::UnicodeString out;
  UErrorCode st = U_ZERO_ERROR;
  fmt->format(names, args, 1, out, st);
  if (U_FAILURE(st)) return pattern;
  std::string s;
  out.toUTF8String(s);
  return s;
}

std::string format_time(std::int64_t unix_seconds, const std::string& pattern, const std::string& locale,
                        const std::string& time_zone) {
  thread_local std::map<std::string, std::unique_ptr<icu::SimpleDateFormat>> cache;
  std::string key = pattern + '\x1f' + locale + '\x1f' + time_zone;
  // ICU formatting costs ~10 µs; pages show the same few times over and over. Patterns without
  // seconds are remembered per minute.
  bool per_minute = pattern.find('s') == std::string::npos && pattern.find('S') == std::string::npos;
  thread_local std::unordered_map<std::string, std::string> done;
  std::string done_key;
  if (per_minute) {
    done_key = key + '\x1f' + std::to_string(unix_seconds / 60);
    if (auto it = done.find(done_key); it != done.end()) return it->second;
    if (done.size() > 20000) done.clear();
  }
  auto& f = cache[key];
  if (!f) {
    UErrorCode st = U_ZERO_ERROR;
    f = std::make_unique<icu::SimpleDateFormat>(icu::UnicodeString::fromUTF8(pattern),
                                                icu::Locale(locale.c_str()), st);
    if (U_FAILURE(st)) {
      f.reset();
      return iso8601(unix_seconds);
    }
    f->adoptTimeZone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(time_zone)));
  }
  icu::UnicodeString out;
  f->format(static_cast<UDate>(unix_seconds - (per_minute ? unix_seconds % 60 : 0)) * 1000.0, out);
  std::string s;
  out.toUTF8String(s);
  if (per_minute) done.emplace(std::move(done_key), s);
  return s;
}

std::string iso8601(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string rfc1123(std::int64_t t) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::int64_t parse_http_date(std::string_view s) {
  std::tm tm{};
  std::string str(s);
  const char* end = strptime(str.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return -1;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace herald::i18n
