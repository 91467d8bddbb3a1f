#include "web/stencil.hpp"

#include <ctemplate/template.h>
#include <gtest/gtest.h>

using namespace herald::web;

namespace {
// A template registered under `name`, rendered with VARk = values[k].
Stencil::Render renderer(const std::string& name, const std::string& text) {
  ctemplate::StringToTemplateCache(name, text, ctemplate::DO_NOT_STRIP);
  return [name](const std::vector<std::string>& values) {
    ctemplate::TemplateDictionary dict("t");
    for (std::size_t k = 0; k < values.size(); ++k)
      dict.SetValue("VAR" + std::to_string(k), values[k]);
    dict.ShowSection("ONCE");
    std::string out;
    EXPECT_TRUE(ctemplate::ExpandTemplate(name, ctemplate::DO_NOT_STRIP, &dict, &out));
    return out;
  };
}

const std::vector<std::string> kAwkward = {
    "",
    "plain",
    "Tom & Jerry's \"best\" <b>night</b>",
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "https://example.org/a?b=1&c=<2>#x",
    "/ru/politika/2-parlament",
    "data:text/html,<script>alert(1)</script>",
    "tabs\tand\nnew\rlines",
    "Парламент принял закон — «жильё»",
    "a\xe2\x80\xa8line",
    "</script><script>alert(1)</script>",
    "zqxq0qxqz stands in zqxq1qxqz",  // the stand-ins themselves, as a value
};
}  // namespace

TEST(Stencil, FillsEachPlaceAsTheTemplateEscapesIt) {
  auto render = renderer("stencil_layout",
                         "{{%AUTOESCAPE context=\"HTML\"}}<!doctype html><title>{{VAR0}}</title>\n"
                         "<meta name=\"description\" content=\"{{VAR1}}\">\n"
                         "<link rel=\"canonical\" href=\"{{VAR2}}\">\n"
                         "<meta property=\"og:title\" content=\"{{VAR0}}\">\n"
                         "{{#ONCE}}<img src=\"{{VAR2}}\" alt=\"\">{{/ONCE}}\n"
                         "<a href=\"/search?q={{VAR1}}\">more</a>\n"
                         "<script type=\"application/ld+json\">{{VAR3:none}}</script>\n"
                         "<script>var x = '{{VAR1}}';</script>\n"
                         "<main>{{VAR4:none}}</main>\n");
  auto s = Stencil::cut(render, 5);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->places(), 9u);
  for (auto& a : kAwkward)
    for (auto& b : kAwkward) {
      std::vector<std::string> v = {a, b, b, a, a + b};
      EXPECT_EQ(s->fill(v), render(v)) << "values: [" << a << "] [" << b << "]";
    }
}

TEST(Stencil, RefusesPlacesSideBySideAndEscapersItDoesNotKnow) {
  EXPECT_FALSE(Stencil::cut(
      renderer("stencil_adjacent", "{{%AUTOESCAPE context=\"HTML\"}}<p>{{VAR0}}{{VAR1}}</p>"), 2));
  // A chain of two escapers is none of the single ones.
  EXPECT_FALSE(Stencil::cut(renderer("stencil_chain", "<p>{{VAR0:h:j}}</p>"), 1));
  // Nothing to fill in is still a stencil (of one piece).
  auto plain = Stencil::cut(renderer("stencil_plain", "<p>fixed</p>"), 1);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->fill(std::vector<std::string>{"x"}), "<p>fixed</p>");
}

// HTML escaping, which works a byte at a time, is applied from a table read off ctemplate's own;
// every byte, alone and among others, comes out as the template's render gives it.
TEST(Stencil, EveryByteComesOutAsTheTemplatesOwnEscaperGivesIt) {
  std::vector<std::string> values;
  std::string all;
  for (int b = 0; b < 256; ++b) {
    values.push_back(std::string(1, static_cast<char>(b)));
    all += static_cast<char>(b);
  }
  values.push_back(all);
  std::uint32_t x = 2463534242u;  // xorshift: the same bytes on every run
  for (int n = 0; n < 200; ++n) {
    std::string v;
    for (int k = 0; k < n % 40; ++k) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      v += static_cast<char>(x & 255);
    }
    values.push_back(v);
  }
  auto html = renderer("stencil_bytes_html",
                       "{{%AUTOESCAPE context=\"HTML\"}}<p title=\"{{VAR0}}\">{{VAR0}}</p>\n");
  // URL places: a value without a colon (no scheme) is escaped from the table as well.
  auto urls = renderer("stencil_bytes_urls",
                       "{{%AUTOESCAPE context=\"HTML\"}}<a href=\"{{VAR0}}\">x</a><img src=\"{{VAR0}}\">"
                       "<a href=\"/search?q={{VAR0}}\">y</a>\n");
  for (int n = 0; n < 300; ++n) {
    std::string v = n % 3 ? "/" : "";
    for (int k = 0; k < n % 30; ++k) {
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      char c = static_cast<char>(x & 255);
      v += c == ':' ? '/' : c;
    }
    values.push_back(v);
    values.push_back("/a:b" + v);
    values.push_back("javascript" + v);
  }
  for (auto* render : {&html, &urls}) {
    auto s = Stencil::cut(*render, 1);
    ASSERT_TRUE(s);
    for (auto& v : values) {
      const std::vector<std::string> one = {v};
      EXPECT_EQ(s->fill(one), (*render)(one)) << "value of " << v.size() << " bytes";
    }
  }
}
