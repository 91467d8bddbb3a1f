#include "web/filling.hpp"

#include <ctemplate/template.h>
#include <gtest/gtest.h>

using herald::web::Filling;

namespace {
void story(Filling& f, const std::string& headline, const std::vector<std::string>& authors,
           bool breaking) {
  f.set("HEADLINE", headline);
  if (breaking) f.show("BREAKING");
  for (auto& a : authors) f.add("AUTHOR").set("NAME", a);
  f.set("W", 760L);
}

std::string expand(ctemplate::TemplateDictionary& d) {
  static bool loaded = ctemplate::StringToTemplateCache(
      "filling_story",
      "{{%AUTOESCAPE context=\"HTML\"}}{{#BREAKING}}!{{/BREAKING}}<h1>{{HEADLINE}}</h1>"
      "{{#AUTHOR}}<a>{{NAME}}</a>{{#AUTHOR_separator}}, {{/AUTHOR_separator}}{{/AUTHOR}} w={{W}}",
      ctemplate::DO_NOT_STRIP);
  EXPECT_TRUE(loaded);
  std::string out;
  EXPECT_TRUE(ctemplate::ExpandTemplate("filling_story", ctemplate::DO_NOT_STRIP, &d, &out));
  return out;
}
}  // namespace

TEST(Filling, PagesOfOneShapeDifferOnlyInTheirValues) {
  Filling a, b, c, d, e;
  story(a, "One", {"Ann", "Bob"}, false);
  story(b, "Two <b>", {"Cy", "Di"}, false);
  story(c, "One", {"Ann"}, false);         // one author fewer
  story(d, "One", {"Ann", "Bob"}, true);   // breaking
  e.set("HEADLINE", "One");                // the name set in the section's scope instead
  e.add("AUTHOR");
  e.set("NAME", "Ann");
  EXPECT_EQ(a.shape(), b.shape());
  EXPECT_NE(a.shape(), c.shape());
  EXPECT_NE(a.shape(), d.shape());
  EXPECT_NE(c.shape(), e.shape());
  EXPECT_EQ(b.values(), (std::vector<std::string>{"Two <b>", "Cy", "Di", "760"}));
}

TEST(Filling, BuildsTheDictionaryItRecorded) {
  Filling f;
  story(f, "Tom & Jerry's", {"Ann", "Bob"}, true);
  ctemplate::TemplateDictionary direct("d");
  direct.SetValue("HEADLINE", "Tom & Jerry's");
  direct.ShowSection("BREAKING");
  direct.AddSectionDictionary("AUTHOR")->SetValue("NAME", "Ann");
  direct.AddSectionDictionary("AUTHOR")->SetValue("NAME", "Bob");
  direct.SetIntValue("W", 760);
  ctemplate::TemplateDictionary built("b");
  f.build(built);
  EXPECT_EQ(expand(built), expand(direct));
  EXPECT_EQ(expand(built), "!<h1>Tom &amp; Jerry&#39;s</h1><a>Ann</a>, <a>Bob</a> w=760");
  // Other values of the same count in the same places (what a cut uses)
  ctemplate::TemplateDictionary other("o");
  f.build(other, {"X", "Y", "Z", "1"});
  EXPECT_EQ(expand(other), "!<h1>X</h1><a>Y</a>, <a>Z</a> w=1");
}
