#include "i18n/i18n.hpp"

#include <unicode/calendar.h>
#include <unicode/dtfmtsym.h>
#include <unicode/locid.h>
#include <unicode/msgfmt.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>

#include <boost/json.hpp>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <unordered_map>

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
  if (ec || !v.is_object())
    throw std::runtime_error("web/locales/" + lang + ".json is not a JSON object");
  auto& m = langs_[lang];
  for (auto& [k, val] : v.get_object()) {
    if (!val.is_string())
      throw std::runtime_error("web/locales/" + lang + ".json: key '" + std::string(k) +
                               "' is not a string");
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

std::string Catalog::plural(const std::string& lang, const std::string& key,
                            std::int64_t count) const {
  const std::string& pattern = text(lang, key);
  // The same few counts come up on every page ("0 comments"): each thread keeps what it
  // formatted, by language, pattern and count, and starts over past a few thousand.
  thread_local std::unordered_map<std::string, std::string> done;
  std::string done_key = std::to_string(count);
  done_key.append("\x1f").append(lang).append("\x1f").append(pattern);
  if (auto it = done.find(done_key); it != done.end()) return it->second;
  if (done.size() >= 4096) done.clear();
  std::string s = format_plural(lang, pattern, count);
  done.emplace(std::move(done_key), s);
  return s;
}

std::string Catalog::format_plural(const std::string& lang, const std::string& pattern,
                                   std::int64_t count) {
  thread_local std::map<std::pair<std::string, std::string>, std::unique_ptr<icu::MessageFormat>>
      cache;
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

std::string format_time_icu(std::int64_t unix_seconds, const std::string& pattern,
                            const std::string& locale, const std::string& time_zone) {
  thread_local std::map<std::string, std::unique_ptr<icu::SimpleDateFormat>> cache;
  auto& f = cache[pattern + '\x1f' + locale + '\x1f' + time_zone];
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
  f->format(static_cast<UDate>(unix_seconds) * 1000.0, out);
  std::string s;
  out.toUTF8String(s);
  return s;
}

namespace {

struct MonthNames {
  std::string wide[12];
  std::string abbreviated[12];
};

const MonthNames& month_names(const std::string& locale) {
  thread_local std::map<std::string, MonthNames> cache;
  auto [it, fresh] = cache.try_emplace(locale);
  if (fresh) {
    UErrorCode st = U_ZERO_ERROR;
    icu::DateFormatSymbols syms(icu::Locale(locale.c_str()), st);
    int32_t n = 0;
    const icu::UnicodeString* w =
        syms.getMonths(n, icu::DateFormatSymbols::FORMAT, icu::DateFormatSymbols::WIDE);
    for (int i = 0; i < 12 && i < n; ++i) w[i].toUTF8String(it->second.wide[i]);
    const icu::UnicodeString* a =
        syms.getMonths(n, icu::DateFormatSymbols::FORMAT, icu::DateFormatSymbols::ABBREVIATED);
    for (int i = 0; i < 12 && i < n; ++i) a[i].toUTF8String(it->second.abbreviated[i]);
  }
  return it->second;
}

// Offset of `zone` from UTC at `t`, in seconds, with daylight saving.
std::int64_t zone_offset(const std::string& zone, std::int64_t t) {
  thread_local std::map<std::string, std::unique_ptr<icu::TimeZone>> zones;
  auto& z = zones[zone];
  if (!z) z.reset(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(zone)));
  int32_t raw = 0, dst = 0;
  UErrorCode st = U_ZERO_ERROR;
  z->getOffset(static_cast<UDate>(t) * 1000.0, false, raw, dst, st);
  return U_SUCCESS(st) ? (raw + dst) / 1000 : 0;
}

// Day count -> civil date (proleptic Gregorian), after H. Hinnant's algorithm.
void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t yy = static_cast<std::int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yy + (m <= 2));
}

// The patterns pages use (d, M, y, H, m fields and plain punctuation), formatted without an
// ICU formatter. Returns false for anything else, which then goes to ICU.
bool format_time_fast(std::int64_t t, const std::string& pattern, const std::string& locale,
                      const std::string& time_zone, std::string& out) {
  for (char c : pattern)
    if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && c != 'd' && c != 'M' && c != 'y' &&
        c != 'H' && c != 'm')
      return false;
    else if (c == '\'')
      return false;
  std::int64_t local = t + zone_offset(time_zone, t);
  std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  std::int64_t secs = local - days * 86400;
  int y = 0, mo = 0, d = 0;
  civil_from_days(days, y, mo, d);
  int hh = static_cast<int>(secs / 3600), mi = static_cast<int>(secs % 3600 / 60);
  auto num = [&](int v, std::size_t width) {
    std::string s = std::to_string(v);
    if (s.size() < width) out.append(width - s.size(), '0');
    out += s;
  };
  for (std::size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    std::size_t n = 1;
    while (i + n < pattern.size() && pattern[i + n] == c) ++n;
    switch (c) {
      case 'd':
        num(d, n);
        break;
      case 'H':
        num(hh, n);
        break;
      case 'm':
        num(mi, n);
        break;
      case 'y':
        if (n == 2)
          num(y % 100, 2);
        else
          num(y, n);
        break;
      case 'M':
        if (n <= 2)
          num(mo, n);
        else if (n == 3)
          out += month_names(locale).abbreviated[mo - 1];
        else
          out += month_names(locale).wide[mo - 1];
        break;
      default:
        out.append(n, c);
    }
    i += n;
  }
  return true;
}

}  // namespace

std::string format_time(std::int64_t unix_seconds, const std::string& pattern,
                        const std::string& locale, const std::string& time_zone) {
  std::string out;
  if (format_time_fast(unix_seconds, pattern, locale, time_zone, out)) return out;
  return format_time_icu(unix_seconds, pattern, locale, time_zone);
}

namespace {
// A UTC time's calendar fields, without gmtime_r and a formatter: every page's date headers
// and ISO times go through here.
struct Utc {
  std::int64_t year;
  int month, day, hour, minute, second, weekday;  // month 1-12, weekday 0 = Sunday
};

Utc utc_of(std::int64_t t) {
  std::int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  std::int64_t secs = t - days * 86400;
  Utc u{};
  u.hour = static_cast<int>(secs / 3600);
  u.minute = static_cast<int>(secs / 60 % 60);
  u.second = static_cast<int>(secs % 60);
  u.weekday = static_cast<int>(days >= -4 ? (days + 4) % 7 : 6 - (-days - 5) % 7);
  int y = 0;
  civil_from_days(days, y, u.month, u.day);
  u.year = y;
  return u;
}

void digits(std::string& out, std::int64_t v, int width) {
  char buf[24];
  int n = 0;
  bool negative = v < 0;
  std::uint64_t x = negative ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v);
  do {
    buf[n++] = static_cast<char>('0' + x % 10);
    x /= 10;
  } while (x);
  if (negative) out += '-';
  for (int k = n; k < width; ++k) out += '0';
  while (n) out += buf[--n];
}

void clock(std::string& out, const Utc& u) {  // HH:MM:SS
  digits(out, u.hour, 2);
  out += ':';
  digits(out, u.minute, 2);
  out += ':';
  digits(out, u.second, 2);
}
}  // namespace

std::string iso8601(std::int64_t t) {
  Utc u = utc_of(t);
  std::string out;
  out.reserve(24);
  digits(out, u.year, 4);
  out += '-';
  digits(out, u.month, 2);
  out += '-';
  digits(out, u.day, 2);
  out += 'T';
  clock(out, u);
  out += 'Z';
  return out;
}

std::string rfc1123(std::int64_t t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Utc u = utc_of(t);
  std::string out;
  out.reserve(32);
  out += kDays[u.weekday];
  out += ", ";
  digits(out, u.day, 2);
  out += ' ';
  out += kMonths[u.month - 1];
  out += ' ';
  digits(out, u.year, 4);
  out += ' ';
  clock(out, u);
  out += " GMT";
  return out;
}

std::int64_t parse_http_date(std::string_view s) {
  std::tm tm{};
  std::string str(s);
  const char* end = strptime(str.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return -1;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& args) {
  for (auto& [name, value] : args) {
    std::string mark = "{" + name + "}";
    for (auto at = text.find(mark); at != std::string::npos; at = text.find(mark, at + value.size()))
      text.replace(at, mark.size(), value);
  }
  return text;
}

}  // namespace herald::i18n
