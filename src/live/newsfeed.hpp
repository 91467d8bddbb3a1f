// The live newsfeed: each story published, updated or removed goes out on the bus, on the
// edition's "newsfeed:<code>" channel and on the story's own "story:<id>", for the hub to hand
// to readers. A once listener of events::Relay: one node of the site publishes each event.
// It reads the story (one query) and keeps the editions and sections it needs, read again only
// when the catalog changes.
// Thread safety: on_event() is called by the relay's thread, one event at a time.
#pragma once
#include <map>
#include <mutex>
#include <string>

#include "events/event.hpp"
#include "live/bus.hpp"
#include "storage/store.hpp"

namespace herald::live {

class Newsfeed {
 public:
  Newsfeed(storage::NewsStore& news, EventBus& bus) : news_(news), bus_(bus) {}
  void on_event(const events::Event& ev);

 private:
  void load_catalog();
  storage::NewsStore& news_;
  EventBus& bus_;
  bool loaded_ = false;
  std::map<content::Id, content::Edition> editions_;
  std::map<content::Id, content::Section> sections_;
};

}  // namespace herald::live
