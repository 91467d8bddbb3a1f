#include "content/scorer.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "content/words.hpp"

namespace herald::content {

namespace {
// Each word once per comment (a word repeated fifty times is no fifty times surer).
std::vector<std::string> distinct_words(std::string_view text) {
  auto w = word_skeletons(text);
  std::sort(w.begin(), w.end());
  w.erase(std::unique(w.begin(), w.end()), w.end());
  return w;
}
}  // namespace

void Scorer::add(Model& m, const Example& e, int sign) {
  int k = e.refused ? 1 : 0;
  m.docs[k] += sign;
  for (auto& w : e.words) {
    auto& c = m.count[k][w];
    c += sign;
    if (c <= 0) m.count[k].erase(w);
    m.total[k] += sign;
  }
}

void Scorer::learn(const std::string& lang, std::string_view text, bool refused) {
  Example e{distinct_words(text), refused};
  if (e.words.empty()) return;
  std::lock_guard lock(mu_);
  auto& m = models_[lang];
  add(m, e, +1);
  m.examples.push_back(std::move(e));
  while (m.examples.size() > max_) {
    add(m, m.examples.front(), -1);
    m.examples.pop_front();
  }
}

void Scorer::clear() {
  std::lock_guard lock(mu_);
  models_.clear();
}

std::size_t Scorer::vocabulary(const Model& m) {
  // For add-one smoothing: the words either class has seen.
  std::size_t vocab = m.count[0].size();
  for (auto& [w, n] : m.count[1])
    if (!m.count[0].count(w)) ++vocab;
  return std::max<std::size_t>(vocab, 1);
}

double Scorer::log_odds(const Model& m, std::size_t vocab, const std::vector<std::string>& words,
                        std::vector<std::pair<std::string, double>>* weights) {
  double odds = std::log((m.docs[1] + 1.0) / (m.docs[0] + 1.0));
  for (auto& w : words) {
    auto f = [&](int k) {
      auto it = m.count[k].find(w);
      double n = it == m.count[k].end() ? 0 : it->second;
      return std::log((n + 1.0) / (static_cast<double>(m.total[k]) + static_cast<double>(vocab)));
    };
    double d = f(1) - f(0);
    odds += d;
    if (weights) weights->emplace_back(w, d);
  }
  return odds;
}

Scorer::Score Scorer::score(const std::string& lang, std::string_view text, std::size_t top) const {
  Score s;
  auto words = distinct_words(text);
  std::lock_guard lock(mu_);
  auto it = models_.find(lang);
  if (it == models_.end()) return s;
  auto& m = it->second;
  if (m.docs[0] < kMinEachKind || m.docs[1] < kMinEachKind) return s;
  s.trained = true;
  double odds = log_odds(m, vocabulary(m), words, &s.words);
  s.refuse = 1.0 / (1.0 + std::exp(-odds));
  std::sort(s.words.begin(), s.words.end(),
            [](auto& a, auto& b) { return std::abs(a.second) > std::abs(b.second); });
  if (s.words.size() > top) s.words.resize(top);
  return s;
}

Scorer::Quality Scorer::quality(const std::string& lang, double threshold) const {
  Quality q;
  std::lock_guard lock(mu_);
  auto it = models_.find(lang);
  if (it == models_.end()) return q;
  Model m = it->second;  // a copy to take each example out of in turn
  std::size_t vocab = vocabulary(m);
  // (The newest 2,000 decisions: enough to measure, quick to run.)
  auto& ex = it->second.examples;
  for (std::size_t i = ex.size() > 2000 ? ex.size() - 2000 : 0; i < ex.size(); ++i) {
    auto& e = ex[i];
    add(m, e, -1);
    if (m.docs[0] >= 1 && m.docs[1] >= 1) {
      double p = 1.0 / (1.0 + std::exp(-log_odds(m, vocab, e.words, nullptr)));
      ++q.decisions;
      if (e.refused) ++q.refused;
      if (p >= threshold) {
        ++q.would_hold;
        if (e.refused) ++q.held_and_refused;
      }
    }
    add(m, e, +1);
  }
  return q;
}

std::vector<std::string> Scorer::languages() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (auto& [lang, m] : models_) out.push_back(lang);
  return out;
}

}  // namespace herald::content
