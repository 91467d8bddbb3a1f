// A page template's output cut where its per-page values stand, and filled in per page: the
// layout of every page is the same around its title, description, links and content, and
// building a ctemplate dictionary and expanding it for those few values costs more than the
// rest of the frame.
#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ctemplate {
class TemplateModifier;
}

namespace herald::web {

class Stencil {
 public:
  // `render(values)` expands the template with values[k] for hole k (a hole may appear several
  // times, each with its own escaping). The cut renders it with stand-ins made of letters and
  // digits (which no escaper changes), cuts there, and finds each place's escaper among
  // ctemplate's own modifiers by two probe renders, then checks that filling in the probes
  // gives those renders byte for byte. Nullopt: this template cannot be filled in (two holes
  // side by side, an escaper it does not know); render it instead.
  using Render = std::function<std::string(const std::vector<std::string>& values)>;
  static std::optional<Stencil> cut(const Render& render, std::size_t holes);

  // The template's output for these values, as render(values) would give it.
  std::string fill(const std::vector<std::string_view>& values) const;
  std::string fill(const std::vector<std::string>& values) const;
  std::size_t places() const { return places_.size(); }

 private:
  struct ByteMap;
  struct Place {
    std::size_t hole;
    const ctemplate::TemplateModifier* escape;
    const ByteMap* map = nullptr;  // the same escaping from a table, when it is one byte at a time
    bool colon_free_only = false;  // (a URL's: only for values without a scheme)
  };
  std::vector<std::string> text_;  // text_[k] before places_[k]; one more after the last
  std::vector<Place> places_;
  std::size_t text_bytes_ = 0;
  std::size_t holes_ = 0;
};

}  // namespace herald::web
