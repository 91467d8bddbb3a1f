#include "util/assets.hpp"

#include <cstddef>

namespace herald::assets {
extern const std::pair<std::string_view, std::string_view> kFiles[];
extern const std::size_t kFileCount;

std::span<const std::pair<std::string_view, std::string_view>> all() {
  return {kFiles, kFileCount};
}

std::string_view get(std::string_view path) {
  for (const auto& [p, d] : all())
    if (p == path) return d;
  return {};
}
}  // namespace herald::assets
