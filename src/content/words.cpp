#include "content/words.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>

namespace herald::content {

namespace {
// Letters and digits that stand in for others, read as the one they look like (after case
// folding). Cyrillic and Greek look-alikes of Latin letters, and digits and signs in words.
char32_t look_alike(char32_t c) {
  switch (c) {
    case U'ё': return U'e';
    // Cyrillic that looks Latin: read as Latin.
    case U'а': return U'a';
    case U'в': return U'b';
    case U'е': return U'e';
    case U'к': return U'k';
    case U'м': return U'm';
    case U'н': return U'h';
    case U'о': return U'o';
    case U'р': return U'p';
    case U'с': return U'c';
    case U'т': return U't';
    case U'у': return U'y';
    case U'х': return U'x';
    case U'і': return U'i';
    case U'ј': return U'j';
    case U'ѕ': return U's';
    // Greek.
    case U'α': return U'a';
    case U'ο': return U'o';
    case U'ρ': return U'p';
    case U'ι': return U'i';
    case U'κ': return U'k';
    case U'ν': return U'v';
    // Digits and signs inside words.
    case U'0': return U'o';
    case U'1': return U'i';
    case U'3': return U'e';
    case U'4': return U'a';
    case U'5': return U's';
    case U'7': return U't';
    case U'@': return U'a';
    case U'$': return U's';
    case U'!': return U'i';
    case U'|': return U'l';
    default: return c;
  }
}
// Latin l and i are read alike too (1 and ! and | already become one of them).
char32_t fold_more(char32_t c) { return c == U'l' ? U'i' : c; }

bool in_word(char32_t c) {
  return u_isalnum(static_cast<UChar32>(c)) || c == U'@' || c == U'$' || c == U'!' || c == U'|' ||
         u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}
}  // namespace

std::vector<std::string> word_skeletons(std::string_view text) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(err);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString norm;
  if (U_SUCCESS(err)) norm = nfkc_cf->normalize(in, err);
  if (U_FAILURE(err)) norm = in.foldCase();
  std::vector<std::string> words;
  std::string cur;
  for (int32_t i = 0; i < norm.length();) {
    UChar32 c = norm.char32At(i);
    i += U16_LENGTH(c);
    // Zero-width characters and soft hyphens split nothing: "b\u200Bad" is "bad".
    if (c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF || c == 0xAD) continue;
    bool inside = in_word(static_cast<char32_t>(c));
    // "!" and "|" stand for letters only inside a word ("sh!t"), not after one ("stop!").
    if (inside && (c == U'!' || c == U'|')) {
      UChar32 next = i < norm.length() ? norm.char32At(i) : 0;
      inside = !cur.empty() && next && u_isalnum(next);
    }
    if (!inside) {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    if (u_charType(c) == U_NON_SPACING_MARK) continue;  // combining accents over letters
    append_utf8(cur, fold_more(look_alike(static_cast<char32_t>(c))));
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

WordList::WordList(const std::vector<WordRule>& rules) {
  for (auto& r : rules) {
    auto sk = word_skeletons(r.word);
    if (!sk.empty()) rules_.push_back({std::move(sk), r.word, r.kind});
  }
  // Banned words are looked for first.
  std::stable_sort(rules_.begin(), rules_.end(),
                   [](const Rule& a, const Rule& b) { return a.kind < b.kind; });
}

std::string WordList::match(std::string_view text, WordKind& kind) const {
  if (rules_.empty()) return {};
  auto words = word_skeletons(text);
  for (auto& r : rules_) {
    auto n = r.skeleton.size();
    for (std::size_t i = 0; i + n <= words.size(); ++i)
      if (std::equal(r.skeleton.begin(), r.skeleton.end(), words.begin() + static_cast<long>(i))) {
        kind = r.kind;
        return r.word;
      }
  }
  return {};
}

}  // namespace herald::content
