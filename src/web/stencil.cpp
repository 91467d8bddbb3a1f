#include "web/stencil.hpp"

#include <ctemplate/template_emitter.h>
#include <ctemplate/template_modifiers.h>

#include <array>

namespace herald::web {
namespace {

constexpr std::string_view kOpen = "zqxq";
constexpr std::string_view kClose = "qxqz";

std::string stand_in(std::size_t hole) { return std::string(kOpen) + std::to_string(hole) + std::string(kClose); }

// An unsafe URL and a safe one, each with every byte an escaper treats specially: between them
// they tell ctemplate's escapers apart (a URL validator answers "#" to the first).
const std::array<std::string, 2> kProbes = {
    std::string("javascript:alert(1)<b>&\"'\t\nx y=z/"),
    std::string("https://example.org/a?b=<c>&d=\"e'\t\nf g"),
};

// What ctemplate's auto-escaping may put on a variable (template_modifiers.h), and a few more
// so that a probe that two of them would answer alike is seen to be ambiguous.
const std::array<const ctemplate::TemplateModifier*, 12> kEscapers = {
    &ctemplate::null_modifier,
    &ctemplate::html_escape,
    &ctemplate::pre_escape,
    &ctemplate::snippet_escape,
    &ctemplate::cleanse_attribute,
    &ctemplate::xml_escape,
    &ctemplate::javascript_escape,
    &ctemplate::url_query_escape,
    &ctemplate::json_escape,
    &ctemplate::validate_url_and_html_escape,
    &ctemplate::validate_url_and_javascript_escape,
    &ctemplate::validate_img_src_url_and_html_escape,
};

std::string escaped(const ctemplate::TemplateModifier& m, std::string_view v) {
  std::string out;
  ctemplate::StringEmitter e(&out);
  m.Modify(v.data(), v.size(), nullptr, &e, std::string());
  return out;
}

}  // namespace

// A ctemplate escaper that replaces each byte on its own, whatever surrounds it (html_escape,
// the one in every text and attribute of an HTML page), applied from a table of what it makes of each of the 256 bytes:
// runs of bytes it keeps are copied at once instead of being handed over one at a time. The
// table is read off the escaper itself, and used only if the escaper gives the same as the
// table on strings holding every byte in several orders and the Unicode characters escapers
// treat apart (U+2028, U+2029, a 4-byte character).
struct Stencil::ByteMap {
  std::array<bool, 256> special{};
  std::array<std::string, 256> to;

  static const ByteMap* of(const ctemplate::TemplateModifier* m) {
    static const std::optional<ByteMap> html = read_off(ctemplate::html_escape);
    return m == &ctemplate::html_escape && html ? &*html : nullptr;
  }

  void append(std::string& out, std::string_view v) const {
    std::size_t run = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto c = static_cast<unsigned char>(v[i]);
      if (!special[c]) continue;
      out.append(v.data() + run, i - run);
      out += to[c];
      run = i + 1;
    }
    out.append(v.data() + run, v.size() - run);
  }

 private:
  static std::optional<ByteMap> read_off(const ctemplate::TemplateModifier& m) {
    ByteMap map;
    for (int b = 0; b < 256; ++b) {
      const char c = static_cast<char>(b);
      map.to[b] = escaped(m, std::string_view(&c, 1));
      map.special[b] = map.to[b] != std::string_view(&c, 1);
    }
    std::string forward, backward, strided;
    for (int b = 0; b < 256; ++b) forward += static_cast<char>(b);
    for (int b = 255; b >= 0; --b) backward += static_cast<char>(b);
    for (int k = 0; k < 256; ++k) strided += static_cast<char>((k * 37 + 11) & 255);
    for (const std::string& probe :
         {forward, backward, strided, forward + backward,
          std::string("a\u2028b\u2029c \xe2\x80\xa8\xe2\x80\xa9 \xf0\x9d\x84\x9e <&> \"'"),
          std::string(kProbes[0]) + kProbes[1]}) {
      std::string by_table;
      map.append(by_table, probe);
      if (by_table != escaped(m, probe)) return std::nullopt;
    }
    return map;
  }
};

std::optional<Stencil> Stencil::cut(const Render& render, std::size_t holes) {
  Stencil s;
  s.holes_ = holes;
  std::vector<std::string> values;
  for (std::size_t k = 0; k < holes; ++k) values.push_back(stand_in(k));
  const std::string html = render(values);
  std::string piece;
  std::size_t i = 0;
  while (i < html.size()) {
    if (html.compare(i, kOpen.size(), kOpen) == 0) {
      std::size_t j = i + kOpen.size();
      std::size_t hole = 0;
      bool digits = false;
      while (j < html.size() && html[j] >= '0' && html[j] <= '9' && j - i < 12) {
        hole = hole * 10 + static_cast<std::size_t>(html[j] - '0');
        digits = true;
        ++j;
      }
      if (digits && hole < holes && html.compare(j, kClose.size(), kClose) == 0) {
        s.text_.push_back(std::move(piece));
        piece.clear();
        s.places_.push_back(Place{hole, nullptr});
        i = j + kClose.size();
        continue;
      }
    }
    piece += html[i++];
  }
  s.text_.push_back(std::move(piece));
  for (std::size_t k = 1; k + 1 < s.text_.size(); ++k)
    if (s.text_[k].empty()) return std::nullopt;  // two places side by side: cannot be told apart

  // Each place's output under each probe, split at the text around it.
  std::array<std::string, 2> renders;
  std::array<std::vector<std::string>, 2> seen;
  for (std::size_t p = 0; p < kProbes.size(); ++p) {
    renders[p] = render(std::vector<std::string>(holes, kProbes[p]));
    const std::string& r = renders[p];
    const std::string& last = s.text_.back();
    if (s.places_.empty()) {
      if (r != last) return std::nullopt;
      continue;
    }
    if (r.compare(0, s.text_.front().size(), s.text_.front()) != 0) return std::nullopt;
    if (r.size() < s.text_.front().size() + last.size() ||
        r.compare(r.size() - last.size(), last.size(), last) != 0)
      return std::nullopt;
    std::size_t pos = s.text_.front().size();
    for (std::size_t k = 0; k < s.places_.size(); ++k) {
      std::size_t end;
      if (k + 2 == s.text_.size()) {
        end = r.size() - last.size();
        if (end < pos) return std::nullopt;
      } else {
        end = r.find(s.text_[k + 1], pos);
        if (end == std::string::npos) return std::nullopt;
      }
      seen[p].push_back(r.substr(pos, end - pos));
      pos = end + s.text_[k + 1].size();
    }
  }
  for (std::size_t k = 0; k < s.places_.size(); ++k) {
    for (const auto* m : kEscapers) {
      if (escaped(*m, kProbes[0]) != seen[0][k] || escaped(*m, kProbes[1]) != seen[1][k]) continue;
      if (s.places_[k].escape) return std::nullopt;  // two escapers fit: ambiguous
      s.places_[k].escape = m;
    }
    if (!s.places_[k].escape) return std::nullopt;  // an escaper (or chain) not known here
    s.places_[k].map = ByteMap::of(s.places_[k].escape);
    // A URL place: ctemplate refuses a value whose scheme it does not trust and HTML-escapes
    // the rest; a value without a colon has no scheme, so it is escaped from the table too.
    if (s.places_[k].escape == &ctemplate::validate_url_and_html_escape ||
        s.places_[k].escape == &ctemplate::validate_img_src_url_and_html_escape) {
      s.places_[k].map = ByteMap::of(&ctemplate::html_escape);
      s.places_[k].colon_free_only = true;
    }
  }
  for (auto& t : s.text_) s.text_bytes_ += t.size();
  for (std::size_t p = 0; p < kProbes.size(); ++p)
    if (s.fill(std::vector<std::string>(holes, kProbes[p])) != renders[p]) return std::nullopt;
  return s;
}

std::string Stencil::fill(const std::vector<std::string_view>& values) const {
  std::size_t size = text_bytes_;
  for (auto& p : places_) size += p.hole < values.size() ? values[p.hole].size() + 16 : 0;
  std::string out;
  out.reserve(size);
  ctemplate::StringEmitter e(&out);
  static const std::string kNoArg;
  for (std::size_t k = 0; k < text_.size(); ++k) {
    out += text_[k];
    if (k < places_.size() && places_[k].hole < values.size()) {
      std::string_view v = values[places_[k].hole];
      if (places_[k].escape == &ctemplate::null_modifier)
        out += v;
      else if (places_[k].map &&
               !(places_[k].colon_free_only && v.find(':') != std::string_view::npos))
        places_[k].map->append(out, v);
      else
        places_[k].escape->Modify(v.data(), v.size(), nullptr, &e, kNoArg);
    }
  }
  return out;
}

std::string Stencil::fill(const std::vector<std::string>& values) const {
  return fill(std::vector<std::string_view>(values.begin(), values.end()));
}

}  // namespace herald::web
