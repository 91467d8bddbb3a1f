// The local comment scorer: a plain text classifier trained on this site's own moderation
// decisions (approved against rejected or removed), one model per language. Multinomial naive
// Bayes over the normalised words of words.hpp, with add-one smoothing; no external service.
// It gives the chance that moderators would refuse a comment and the words that weighed most.
// It never decides: the service only orders the queue and holds likely-bad comments with it.
// Thread-safe.
#pragma once
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace herald::content {

class Scorer {
 public:
  // Keeps the newest `max_examples` decisions per language (older ones are forgotten).
  explicit Scorer(std::size_t max_examples = 20000) : max_(max_examples) {}

  void learn(const std::string& lang, std::string_view text, bool refused);
  void clear();

  struct Score {
    bool trained = false;  // enough decisions of both kinds in this language
    double refuse = 0;     // the chance moderators would refuse it, 0..1
    // The words that weighed most, and how much (log-odds; > 0 towards refusal).
    std::vector<std::pair<std::string, double>> words;
  };
  Score score(const std::string& lang, std::string_view text, std::size_t top_words = 5) const;

  // How good it is, measured on its own decisions by leaving each one out in turn: of the
  // comments it would hold at `threshold`, the share moderators refused (precision), and of
  // the refused ones, the share it would hold (recall).
  struct Quality {
    int decisions = 0;
    int refused = 0;
    int would_hold = 0;
    int held_and_refused = 0;
    double precision() const { return would_hold ? double(held_and_refused) / would_hold : 0; }
    double recall() const { return refused ? double(held_and_refused) / refused : 0; }
  };
  Quality quality(const std::string& lang, double threshold) const;
  std::vector<std::string> languages() const;

  // A model needs this many decisions of each kind before it scores.
  static constexpr int kMinEachKind = 10;

 private:
  struct Example {
    std::vector<std::string> words;
    bool refused;
  };
  struct Model {
    std::deque<Example> examples;
    std::unordered_map<std::string, int> count[2];  // [refused] word -> occurrences
    long long total[2] = {0, 0};                     // words seen in each class
    int docs[2] = {0, 0};
  };
  static void add(Model& m, const Example& e, int sign);
  static std::size_t vocabulary(const Model& m);
  static double log_odds(const Model& m, std::size_t vocab, const std::vector<std::string>& words,
                         std::vector<std::pair<std::string, double>>* weights);
  mutable std::mutex mu_;
  std::map<std::string, Model> models_;
  std::size_t max_;
};

}  // namespace herald::content
