// Storage of live chats: room settings, messages, mutes and bans. Same conventions as
// NewsStore (not found: empty optional; failing database: StorageError). Thread-safe.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace herald::storage {

struct ChatRoomSettings {
  std::string room;
  bool public_read = true;   // false: only logged-in readers may read
  bool locked = false;       // only moderators may write
  int slow_mode_s = 0;       // one message per N seconds per person (0: off)
  std::int64_t owner_id = 0;
};

struct ChatMessage {
  std::int64_t id = 0;
  std::string room;
  std::int64_t user_id = 0;
  std::string user_name;  // filled by reads
  std::string text;
  UnixTime created_at = 0;
};

struct ChatSanction {
  std::string room;  // "*": everywhere
  std::int64_t user_id = 0;
  std::string kind;  // "mute" or "ban"
  UnixTime until = 0;  // 0: until lifted
};

class ChatStore {
 public:
  virtual ~ChatStore() = default;
  virtual ChatRoomSettings room(const std::string& room) = 0;  // defaults when never set
  virtual void set_room(const ChatRoomSettings& s) = 0;
  virtual std::int64_t add_message(const ChatMessage& m) = 0;
  // The room's lines after `after_id`, oldest first, at most `limit` (deleted ones left out).
  virtual std::vector<ChatMessage> messages_after(const std::string& room, std::int64_t after_id,
                                                  int limit) = 0;
  // The ids, oldest first, of the deleted lines among the room's `window` newest lines up to
  // `up_to_id`: what a reader who saw the room up to there may still be showing.
  virtual std::vector<std::int64_t> deleted_among_last(const std::string& room,
                                                       std::int64_t up_to_id, int window) = 0;
  // Newest first, before message id `before` (0: the newest), not deleted.
  virtual std::vector<ChatMessage> messages(const std::string& room, std::int64_t before,
                                            int limit) = 0;
  virtual std::optional<ChatMessage> message(std::int64_t id) = 0;
  // Marks deleted; returns false when there is no such message.
  virtual bool delete_message(std::int64_t id, std::int64_t by_user, UnixTime at) = 0;
  // Deletes every message of the user in `room` ("*": everywhere); returns how many.
  virtual int delete_messages_of(std::int64_t user_id, const std::string& room,
                                 std::int64_t by_user, UnixTime at) = 0;
  // The rooms where the user has messages that are not deleted.
  virtual std::vector<std::string> rooms_of(std::int64_t user_id) = 0;
  virtual void add_sanction(const ChatSanction& s, std::int64_t by_user, UnixTime at) = 0;
  virtual void lift_sanctions(std::int64_t user_id, const std::string& room) = 0;
  // The sanctions on the user that apply in `room` (its own and '*') and are in force at `now`.
  virtual std::vector<ChatSanction> sanctions(std::int64_t user_id, const std::string& room,
                                              UnixTime now) = 0;
  // Opens or closes a story's chat room (recording the event that purges its page).
  virtual void set_chat_enabled(Id article_id, bool on, UnixTime at) = 0;
  virtual UnixTime newsfeed_seen(std::int64_t user_id) = 0;
  virtual void set_newsfeed_seen(std::int64_t user_id, UnixTime at) = 0;
};

}  // namespace herald::storage
