#include "content/slug.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>

namespace herald::content {

namespace {
icu::Transliterator* transliterator() {
  // Creating one costs 25-50 ms: keep one per thread.
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> p(icu::Transliterator::createInstance(
        "Russian-Latin/BGN; [\\u00B7] Remove; Any-Latin; Latin-ASCII; Lower", UTRANS_FORWARD,
        status));
    if (U_FAILURE(status)) {
      status = U_ZERO_ERROR;
      p.reset(icu::Transliterator::createInstance("Any-Latin; Latin-ASCII; Lower", UTRANS_FORWARD,
                                                  status));
    }
    return U_SUCCESS(status) ? std::move(p) : nullptr;
  }();
  return t.get();
}
}  // namespace

std::string make_slug(const std::string& text, std::size_t max_len) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  if (auto* t = transliterator()) t->transliterate(u);
  std::string latin;
  u.toUTF8String(latin);
  std::string out;
  bool dash = false;
  for (char ch : latin) {
    char c = ch;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (dash && !out.empty()) out.push_back('-');
      dash = false;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      continue;  // BGN's soft and hard signs: no break inside the word
    } else {
      dash = true;  // apostrophes, soft signs, punctuation and spaces all become one dash
    }
  }
  if (out.size() > max_len) {
    out.resize(max_len);
    auto cut = out.rfind('-');
    if (cut != std::string::npos && cut > max_len / 2) out.resize(cut);
    while (!out.empty() && out.back() == '-') out.pop_back();
  }
  if (out.empty()) out = "story";
  return out;
}

}  // namespace herald::content
