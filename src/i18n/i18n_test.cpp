#include "i18n/i18n.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <vector>

using namespace herald::i18n;

TEST(Catalog, EmbeddedCatalogsHaveTheSameKeys) {
  auto c = Catalog::load_embedded();
  ASSERT_TRUE(c.has_language("en"));
  ASSERT_TRUE(c.has_language("ru"));
  for (const auto& [k, v] : c.all("en")) EXPECT_TRUE(c.all("ru").count(k)) << "ru.json lacks " << k;
  for (const auto& [k, v] : c.all("ru")) EXPECT_TRUE(c.all("en").count(k)) << "en.json lacks " << k;
}

TEST(Catalog, PluralRulesPerLanguage) {
  auto c = Catalog::load_embedded();
  EXPECT_EQ(c.plural("en", "comments_count", 1), "1 comment");
  EXPECT_EQ(c.plural("en", "comments_count", 5), "5 comments");
  EXPECT_EQ(c.plural("ru", "comments_count", 1), "1 комментарий");
  EXPECT_EQ(c.plural("ru", "comments_count", 3), "3 комментария");
  EXPECT_EQ(c.plural("ru", "comments_count", 5), "5 комментариев");
  EXPECT_EQ(c.plural("ru", "comments_count", 21), "21 комментарий");
}

TEST(Catalog, FallsBackToEnglishThenTheKey) {
  Catalog c;
  c.add("en", R"({"hello": "Hello"})");
  c.add("ru", R"({})");
  EXPECT_EQ(c.text("ru", "hello"), "Hello");
  EXPECT_EQ(c.text("ru", "missing"), "missing");
  EXPECT_THROW(c.add("xx", "[1]"), std::runtime_error);
}

TEST(Dates, FormattedInTheEditionsLocaleAndZone) {
  // 2022-01-26 21:30 UTC is already the 27th in Moscow (UTC+3).
  std::int64_t t = 1643232600;
  EXPECT_EQ(format_time(t, "dd.MM.yyyy", "en_GB", "Europe/London"), "26.01.2022");
  EXPECT_EQ(format_time(t, "dd.MM.yyyy", "ru_RU", "Europe/Moscow"), "27.01.2022");
  EXPECT_EQ(format_time(t, "d MMMM yyyy", "ru_RU", "Europe/Moscow"), "27 января 2022");
  EXPECT_EQ(format_time(t, "d MMMM yyyy", "en_GB", "UTC"), "26 January 2022");
}

TEST(Dates, HttpDatesRoundTrip) {
  EXPECT_EQ(rfc1123(1643232600), "Wed, 26 Jan 2022 21:30:00 GMT");
  EXPECT_EQ(parse_http_date("Wed, 26 Jan 2022 21:30:00 GMT"), 1643232600);
  EXPECT_EQ(parse_http_date("yesterday"), -1);
  EXPECT_EQ(iso8601(1643232600), "2022-01-26T21:30:00Z");
}

// iso8601 and rfc1123 do their own calendar arithmetic: they agree with the C library's
// gmtime_r and strftime from before 1970 to far after 2100, leap days and year ends included.
TEST(Dates, UtcFormatsAgreeWithTheCLibrary) {
  std::vector<std::int64_t> times = {0, -1, -86400, -86401, 951782400, 951868799, 4107542400,
                                     253402300799, -2208988800, 1643232600};
  std::uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    times.push_back(static_cast<std::int64_t>(x % 12'000'000'000ull) - 4'000'000'000ll);
  }
  for (auto t : times) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    ASSERT_TRUE(gmtime_r(&tt, &tm));
    char iso[40], http[40];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::strftime(http, sizeof http, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    EXPECT_EQ(iso8601(t), iso) << t;
    EXPECT_EQ(rfc1123(t), http) << t;
  }
}

TEST(Dates, FastPathAgreesWithIcu) {
  const char* patterns[] = {"dd.MM.yyyy", "d MMMM yyyy, HH:mm", "d MMM, HH:mm", "HH:mm",
                            "d.M.yy",     "yyyy-MM-dd HH:mm"};
  const char* zones[][2] = {{"en_GB", "Europe/London"},
                            {"ru_RU", "Europe/Moscow"},
                            {"en_US", "America/New_York"},
                            {"ru_RU", "Asia/Kamchatka"}};
  // Every ~13 days and 7 hours over 60 years, across DST changes and leap days.
  for (std::int64_t t = -315619200; t < 1577836800 + 5 * 31536000LL;
       t += 13 * 86400 + 7 * 3600 + 1234)
    for (auto* p : patterns)
      for (auto& z : zones)
        ASSERT_EQ(format_time(t, p, z[0], z[1]), format_time_icu(t, p, z[0], z[1]))
            << p << " " << t << " " << z[1];
}
