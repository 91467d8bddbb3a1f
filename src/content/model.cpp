#include "content/model.hpp"

#include <array>
#include <string_view>

namespace herald::content {

const char* to_string(Status s) {
  switch (s) {
    case Status::Draft:
      return "draft";
    case Status::Review:
      return "review";
    case Status::Scheduled:
      return "scheduled";
    case Status::Published:
      return "published";
    case Status::Unpublished:
      return "unpublished";
  }
  return "draft";
}

std::optional<Status> status_from_string(const std::string& s) {
  for (auto st :
       {Status::Draft, Status::Review, Status::Scheduled, Status::Published, Status::Unpublished})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

namespace {
std::string path_of(const Edition& e, const Section& s, Id id, const std::string& slug) {
  return "/" + e.code + "/" + s.slug + "/" + std::to_string(id) + "-" + slug;
}
}  // namespace

std::string article_path(const Edition& e, const Section& s, const Article& a) {
  return path_of(e, s, a.id, a.slug);
}

std::string article_path(const Edition& e, const Section& s, const TranslationRef& t) {
  return path_of(e, s, t.id, t.slug);
}

bool is_reserved_section_slug(const std::string& slug) {
  static constexpr std::array<std::string_view, 15> kReserved = {
      "feeds",  "newsfeed", "tag",      "author", "rss.xml",  "atom.xml", "api",    "static",
      "media",  "search",   "newsroom", "live",   "sitemaps", "chats",    "account"};
  for (auto r : kReserved)
    if (slug == r) return true;
  return false;
}

std::string validate(const Article& a) {
  if (a.headline.empty()) return "story_headline_empty";
  if (a.headline.size() > 300) return "story_headline_long";
  if (a.summary.size() > 1000) return "story_summary_long";
  if (a.slug.empty()) return "story_slug_empty";
  for (char c : a.slug)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return "story_slug_chars";
  if (a.section_id == 0) return "story_no_section";
  if (a.status == Status::Published && a.published_at == 0)
    return "story_no_time";
  for (const auto& b : a.body) {
    if (b.type == Block::Type::Image && b.media_id == 0) return "story_image_empty";
    if (b.type == Block::Type::Embed &&
        !(b.url.rfind("https://", 0) == 0 || b.url.rfind("http://", 0) == 0))
      return "story_embed_link";
    if (b.type == Block::Type::List && b.items.empty()) return "story_list_empty";
  }
  return {};
}

}  // namespace herald::content

namespace herald::content {
std::vector<std::string> purge_keys_for(const Article& a) {
  std::vector<std::string> keys;
  auto e = std::to_string(a.edition_id);
  keys.push_back("article:" + std::to_string(a.id));
  keys.push_back("section:" + std::to_string(a.section_id));
  for (auto t : a.tag_ids) keys.push_back("tag:" + std::to_string(t));
  for (auto au : a.author_ids) keys.push_back("author:" + std::to_string(au));
  keys.push_back("home:" + e);
  keys.push_back("newsfeed:" + e);
  keys.push_back("feed:" + e);
  keys.push_back("sitemap:" + e);
  return keys;
}
}  // namespace herald::content
