// Banned and suspect words in readers' comments, matched as whole words after normalising both
// the list and the text the same way: NFKC with case folding, ё as е, and the letters and
// digits people swap in to slip past a list (Cyrillic а for Latin a, 0 for o, $ for s, ...)
// read as one letter. No I/O; thread-safe once built.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace herald::content {

// `text` as the words it is matched by: each word normalised (see above), in order.
std::vector<std::string> word_skeletons(std::string_view text);

enum class WordKind { Banned, Suspect };

struct WordRule {
  std::string word;  // as the moderator typed it
  WordKind kind = WordKind::Banned;
};

class WordList {
 public:
  WordList() = default;
  explicit WordList(const std::vector<WordRule>& rules);
  // The first banned word of `text` (as the moderator typed it), else the first suspect one;
  // `kind` says which. Empty when none matches.
  std::string match(std::string_view text, WordKind& kind) const;
  bool empty() const { return rules_.empty(); }

 private:
  struct Rule {
    std::vector<std::string> skeleton;  // a phrase is several words in a row
    std::string word;
    WordKind kind;
  };
  std::vector<Rule> rules_;
};

}  // namespace herald::content
