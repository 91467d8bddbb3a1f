// Channels of several capabilities behind the one live::Channels the hub asks: each channel
// goes to the rules of the capability whose prefix it has ("comments:" to discussions), and
// every other one to the default's (chat's: "newsfeed:", "story:", "chat:"). Who a member is
// (current) is the default's to say.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "live/hub.hpp"

namespace herald::live {

class ChannelRouter final : public Channels {
 public:
  explicit ChannelRouter(Channels& fallback) : fallback_(fallback) {}
  // Before the hub starts; `c` must outlive the router.
  void add(std::string prefix, Channels& c) { routes_.emplace_back(std::move(prefix), &c); }

  std::string check_subscribe(const Member& m, const std::string& channel) override {
    return of(channel).check_subscribe(m, channel);
  }
  SendResult send(const Member& m, const std::string& channel,
                  const boost::json::object& message) override {
    return of(channel).send(m, channel, message);
  }
  std::optional<Member> current(const Member& m) override { return fallback_.current(m); }
  std::optional<std::vector<std::string>> recover(const std::string& channel, std::int64_t after_id,
                                                  std::size_t limit) override {
    return of(channel).recover(channel, after_id, limit);
  }

 private:
  Channels& of(const std::string& channel) {
    for (auto& [prefix, c] : routes_)
      if (channel.rfind(prefix, 0) == 0) return *c;
    return fallback_;
  }
  Channels& fallback_;
  std::vector<std::pair<std::string, Channels*>> routes_;
};

}  // namespace herald::live
