#include "live/newsfeed.hpp"

#include <stdexcept>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace herald::live {

void Newsfeed::load_catalog() {
  editions_.clear();
  sections_.clear();
  for (auto& e : news_.editions()) editions_[e.id] = e;
  for (auto& s : news_.sections()) sections_[s.id] = s;
  loaded_ = true;
}

void Newsfeed::on_event(const events::Event& ev) {
  if (ev.kind == events::Kind::CatalogChanged || ev.kind == events::Kind::DirectoryChanged) {
    loaded_ = false;  // read again when a story next needs it
    return;
  }
  if (!events::is_story(ev.kind) || !ev.article_id) return;
  spdlog::debug("event {} story {}", events::to_string(ev.kind), ev.article_id);
  auto a = news_.article(ev.article_id);
  if (!a) return;
  if (!loaded_ || !editions_.count(a->edition_id) || !sections_.count(a->section_id))
    load_catalog();
  auto e = editions_.find(a->edition_id);
  auto s = sections_.find(a->section_id);
  if (e == editions_.end() || s == sections_.end()) return;
  const char* kind = ev.kind == events::Kind::StoryPublished ? "published"
                     : ev.kind == events::Kind::StoryUpdated ? "updated"
                                                              : "removed";
  boost::json::object d{{"kind", kind},
                        {"id", a->id},
                        {"headline", a->headline},
                        {"summary", a->summary},
                        {"url", content::article_path(e->second, s->second, *a)},
                        {"section", s->second.name},
                        {"published_at", a->published_at},
                        {"breaking", a->breaking}};
  std::string data = boost::json::serialize(d);
  // The outbox event's number names the publication: a repeat (delivery is at least once, and
  // a node that takes over a lease may hand on an event again) is dropped by the bus.
  // (Its time and story too: sites that share one NATS, as tests do, number alike.)
  std::string id = "content-" + std::to_string(ev.seq) + "-" + std::to_string(ev.at) + "-" +
                   std::to_string(a->id);
  // A bus that cannot take it now (NATS away): the relay hands this event on again later; the
  // ids make the part that did go out a no-op the second time.
  if (!bus_.publish("newsfeed:" + e->second.code, data, id + "-newsfeed") ||
      !bus_.publish("story:" + std::to_string(a->id), std::move(data), id + "-story"))
    throw std::runtime_error("the live bus did not take the event; it is sent again later");
}

}  // namespace herald::live
