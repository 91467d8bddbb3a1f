// Live chats and the live channels' rules: which channels exist and who may read them, chat
// messages (length, flood control, slow mode, locks, mutes and bans) and moderation. Messages
// are stored, then published on the bus to "chat:<room>". Rooms: "<edition>" (the edition's
// general room), "<edition>.<section>" (one per section), "story.<id>" (under a story whose
// editor turned it on). Thread-safe.
#pragma once
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "content/outcome.hpp"
#include "util/throttle.hpp"
#include "live/bus.hpp"
#include "live/hub.hpp"
#include "storage/account_store.hpp"
#include "storage/chat_store.hpp"
#include "util/clock.hpp"

namespace herald::chat {

struct ChatOptions {
  // Where flood control and slow mode count: null, in this process (one node); the
  // database's (storage::Stores::limits()) when several nodes share it.
  util::Limiter* limits = nullptr;
  int flood_messages = 5;      // per person, in flood_window_s, across rooms
  int flood_window_s = 10;
  std::size_t max_chars = 1000;
};

struct ModResult {
  content::Outcome outcome = content::Outcome::Done;  // Forbidden, NotFound or Invalid
  std::string message;    // for the person when it did not succeed
  bool ok() const { return content::succeeded(outcome); }
};

class ChatService final : public live::Channels {
 public:
  ChatService(storage::NewsStore& news, storage::ChatStore& chats, storage::AccountStore& accounts,
              live::EventBus& bus, ChatOptions options = {},
              const util::Clock& clock = util::system_clock());

  std::string check_subscribe(const live::Member& m, const std::string& channel) override;
  live::SendResult send(const live::Member& m, const std::string& channel,
                        const boost::json::object& message) override;
  std::optional<live::Member> current(const live::Member& m) override;
  std::optional<std::vector<std::string>> recover(const std::string& channel, std::int64_t after_id,
                                                  std::size_t limit) override;

  // A room key ("en", "en.world", "story.12") exists (and, for stories, has its chat on).
  bool room_exists(const std::string& room);
  // Display name of a room for pages ("World", "Chat: <headline>").
  std::string room_title(const std::string& room);
  bool may_moderate(const live::Member& m, const std::string& room);

  ModResult delete_message(const live::Member& m, std::int64_t id);
  // kind "mute" or "ban"; minutes 0: until lifted; everywhere: all rooms (moderators only).
  ModResult sanction(const live::Member& m, const std::string& room, std::int64_t user_id,
                     const std::string& kind, int minutes, bool everywhere);
  ModResult lift(const live::Member& m, const std::string& room, std::int64_t user_id);
  ModResult settings(const live::Member& m, const storage::ChatRoomSettings& s);


  storage::ChatStore& store() { return chats_; }
  live::EventBus& bus() { return bus_; }

 private:
  void publish(const std::string& room, boost::json::object data);
  // Takes the chat lines for which `which(id, user_id)` holds out of the room's live
  // history (a client resuming from before the deletion is sent "deleted" in their place).
  void redact(const std::string& room, const std::function<bool(std::int64_t, std::int64_t)>& which);

  storage::NewsStore& news_;
  storage::ChatStore& chats_;
  storage::AccountStore& accounts_;
  live::EventBus& bus_;
  ChatOptions o_;
  const util::Clock& clock_;
  util::Throttle local_limits_;
  util::Limiter& limits() { return o_.limits ? *o_.limits : local_limits_; }
};

// The live identity of an account: name and what its role allows, with the credential
// (session digest or API token digest) that Channels::current checks again later.
live::Member member_for(const content::User& u, std::string credential, bool via_api_token);

// "chat:en.world" -> "en.world"; empty when not a chat channel.
std::string room_of(const std::string& channel);

}  // namespace herald::chat
