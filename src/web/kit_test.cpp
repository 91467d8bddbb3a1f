#include "web/kit.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

using namespace herald::web;

TEST(SiteHelpers, JsonForScriptCannotCloseTheScriptElement) {
  EXPECT_EQ(json_for_script(R"({"h":"</script><b>&"})"),
            R"({"h":"\u003c/script\u003e\u003cb\u003e\u0026"})");
  EXPECT_EQ(json_for_script("{\"s\":\"a\xe2\x80\xa8"
                            "b\xe2\x80\xa9"
                            "c\"}"),
            R"({"s":"a\u2028b\u2029c"})");
  EXPECT_EQ(json_for_script("{\"ru\":\"Привет — мир\"}"),
            "{\"ru\":\"Привет — мир\"}");  // other UTF-8 untouched
  EXPECT_EQ(json_for_script(""), "");
}

TEST(SiteHelpers, ScriptJsonWritesWhatSerialisingAndEscapingWould) {
  // Hostile and awkward texts: quotes, backslashes, every control byte, the script's closing
  // tag, HTML comments, U+2028/9, other UTF-8 (and a lone 0xe2 that is not one of them).
  std::string controls;
  for (char c = 1; c < 0x20; ++c) controls += c;
  std::vector<std::string> texts = {"",
                                    "plain",
                                    "say \"hi\" \\ back\\",
                                    controls,
                                    "</script><script>alert(1)</script>",
                                    "<!-- x --> & &amp;",
                                    "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c",
                                    "Привет — мир",
                                    "\xe2\x82\xac \xe2",
                                    "\x7f/"};
  for (const auto& t : texts) {
    boost::json::object want{{"@type", t},
                             {t.empty() ? "k" : t, boost::json::array{t, "x"}},
                             {"in", boost::json::object{{"name", t}}}};
    ScriptJson got;
    got.object()
        .member("@type", t)
        .array(t.empty() ? "k" : t)
        .item(t)
        .item("x")
        .end()
        .object("in")
        .member("name", t)
        .end()
        .end();
    auto text = got.take();
    EXPECT_EQ(text, json_for_script(boost::json::serialize(want))) << t;
    EXPECT_EQ(text.find("</"), std::string::npos);
    bool lone_byte = t == "\xe2\x82\xac \xe2";  // not UTF-8: a JSON parser refuses it
    if (!lone_byte) {
      EXPECT_EQ(boost::json::parse(text), boost::json::value(want)) << t;
    }
  }
  ScriptJson unbalanced;
  EXPECT_THROW(unbalanced.end(), std::logic_error);
}

TEST(SiteHelpers, QueryParametersAreDecoded) {
  EXPECT_EQ(query_param("a=1&before=17.5&x", "before"), "17.5");
  EXPECT_EQ(query_param("q=hello+world%21", "q"), "hello world!");
  EXPECT_EQ(query_param("q=%zz%4", "q"), "%zz%4");  // malformed escapes stay as they are
  EXPECT_EQ(query_param("flag", "flag"), "");
  EXPECT_EQ(query_param("", "x"), "");
}

TEST(SiteHelpers, CursorsAreStrict) {
  auto c = parse_cursor("1732800000.1234");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->published_at, 1732800000);
  EXPECT_EQ(c->id, 1234);
  for (const char* bad : {"", "abc", "1.", ".1", "1.0", "-1.2", "1.2.3", "1 .2",
                          "99999999999999999999999999999999999.1"})
    EXPECT_FALSE(parse_cursor(bad)) << bad;
}

TEST(SiteHelpers, OnlyKnownQueriesAreCacheable) {
  EXPECT_TRUE(query_is_cacheable(""));
  EXPECT_TRUE(query_is_cacheable("before=1.2&fragment=1"));
  EXPECT_FALSE(query_is_cacheable("utm_source=x"));
  EXPECT_FALSE(query_is_cacheable("before=1.2&cachebuster=9"));
  EXPECT_FALSE(query_is_cacheable("before=" + std::string(300, '1')));
  // Values too: only those a route takes as they are.
  EXPECT_FALSE(query_is_cacheable("before=banana"));
  EXPECT_FALSE(query_is_cacheable("fragment=2"));
  EXPECT_FALSE(query_is_cacheable("limit=007"));
  EXPECT_FALSE(query_is_cacheable("limit=1000"));
  EXPECT_TRUE(query_is_cacheable("limit=25&edition=en"));
  EXPECT_FALSE(query_is_cacheable("before=1.2&before=1.3"));
  EXPECT_FALSE(query_is_cacheable("edition=EN"));
  static constexpr std::string_view kHome[] = {"fragment"};
  EXPECT_TRUE(query_fits("fragment=1", kHome));
  EXPECT_FALSE(query_fits("limit=5", kHome));
  EXPECT_TRUE(query_fits("", kHome));
}

TEST(SiteHelpers, TemplatesAreLocalizedAndEscapedAtLoad) {
  herald::i18n::Catalog c;
  c.add("en", R"({"more": "Show <more> & \"all\""})");
  c.add("ru", R"({"more": "Ещё"})");
  EXPECT_EQ(localize_template("<a>{{T_MORE}}</a> {{NAME}}", c, "en"),
            "<a>Show &lt;more&gt; &amp; &quot;all&quot;</a> {{NAME}}");
  EXPECT_EQ(localize_template("<a>{{T_MORE}}</a>", c, "ru"), "<a>Ещё</a>");
}
