#include "events/event.hpp"

#include <array>
#include <utility>

namespace herald::events {

namespace {
constexpr std::array<std::pair<Kind, std::string_view>, 7> kNames = {{
    {Kind::StoryPublished, "article.published"},
    {Kind::StoryUpdated, "article.updated"},
    {Kind::StoryRemoved, "article.removed"},
    {Kind::StoryChat, "article.chat"},
    {Kind::Discussion, "discussion"},
    {Kind::CatalogChanged, "catalog"},
    {Kind::DirectoryChanged, "directory"},
}};
}  // namespace

Kind kind_from(std::string_view stored) {
  for (auto& [k, n] : kNames)
    if (n == stored) return k;
  return Kind::Other;
}

const char* to_string(Kind k) {
  for (auto& [kk, n] : kNames)
    if (kk == k) return n.data();
  return "other";
}

}  // namespace herald::events
