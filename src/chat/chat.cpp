#include "chat/chat.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

#include "accounts/service.hpp"

namespace herald::chat {

namespace json = boost::json;

std::string room_of(const std::string& channel) {
  return channel.rfind("chat:", 0) == 0 ? channel.substr(5) : std::string();
}

live::Member member_for(const content::User& u, std::string credential, bool via_api_token) {
  live::Member m;
  m.user_id = u.id;
  m.name = u.display_name;
  m.staff = content::is_staff(u.role);
  m.moderator = content::can(u.role, content::Action::Moderate);
  m.credential = std::move(credential);
  m.via_api_token = via_api_token;
  return m;
}

namespace {
// A room's page shows its 100 newest lines, and "older" pages 100 more: a resuming reader is
// told of deletions among twice that many lines up to theirs.
constexpr int kRecoveredDeletionsWindow = 200;

live::SendResult refuse(std::string code, std::string message, std::int64_t retry = 0) {
  live::SendResult r;
  r.code = std::move(code);
  r.message = std::move(message);
  r.retry_after = retry;
  return r;
}
}  // namespace

ChatService::ChatService(storage::NewsStore& news, storage::ChatStore& chats,
                         storage::AccountStore& accounts, live::EventBus& bus, ChatOptions options,
                         const util::Clock& clock)
    : news_(news), chats_(chats), accounts_(accounts), bus_(bus), o_(options), clock_(clock) {}

bool ChatService::room_exists(const std::string& room) {
  if (auto id = util::int_after(room, "story.")) {
    auto a = news_.article(id);
    return a && a->status == content::Status::Published && a->chat_enabled;
  }
  auto dot = room.find('.');
  std::string code = room.substr(0, dot);
  for (auto& e : news_.editions()) {
    if (e.code != code) continue;
    if (dot == std::string::npos) return true;
    for (auto& s : news_.sections())
      if (s.edition_id == e.id && s.slug == room.substr(dot + 1)) return true;
  }
  return false;
}

std::string ChatService::room_title(const std::string& room) {
  if (auto id = util::int_after(room, "story.")) {
    auto a = news_.article(id);
    return a ? a->headline : room;
  }
  auto dot = room.find('.');
  for (auto& e : news_.editions()) {
    if (e.code != room.substr(0, dot)) continue;
    if (dot == std::string::npos) return e.site_name;
    for (auto& s : news_.sections())
      if (s.edition_id == e.id && s.slug == room.substr(dot + 1)) return s.name;
  }
  return room;
}

bool ChatService::may_moderate(const live::Member& m, const std::string& room) {
  if (!m.user_id) return false;
  if (m.moderator) return true;
  return chats_.room(room).owner_id == m.user_id;
}

std::string ChatService::check_subscribe(const live::Member& m, const std::string& channel) {
  if (channel.rfind("newsfeed:", 0) == 0) {
    for (auto& e : news_.editions())
      if ("newsfeed:" + e.code == channel) return {};
    return "There is no edition '" + channel.substr(9) + "'.";
  }
  if (auto id = util::int_after(channel, "story:")) {
    auto a = news_.article(id);
    if (a && a->status == content::Status::Published) return {};
    return "There is no such story.";
  }
  std::string room = room_of(channel);
  if (room.empty()) return "Unknown channel; use newsfeed:<edition>, story:<id> or chat:<room>.";
  if (!room_exists(room)) return "There is no chat room '" + room + "'.";
  auto settings = chats_.room(room);
  if (!settings.public_read && !m.user_id) return "Log in to read this room.";
  if (m.user_id) {
    for (auto& s : chats_.sanctions(m.user_id, room, clock_.now()))
      if (s.kind == "ban") return "You are banned from this room.";
  }
  return {};
}

live::SendResult ChatService::send(const live::Member& m, const std::string& channel,
                                   const json::object& msg) {
  std::string room = room_of(channel);
  if (room.empty()) return refuse("bad_channel", "Messages can only be sent to chat rooms.");
  if (!m.user_id) return refuse("login", "Log in or register to take part.");
  auto* t = msg.if_contains("text");
  if (!t || !t->is_string()) return refuse("bad_message", "Send the message as \"text\".");
  std::string text(t->get_string());
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.pop_back();
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.erase(text.begin());
  if (text.empty()) return refuse("empty", "Write something first.");
  if (util::utf8_length(text) > o_.max_chars)
    return refuse("too_long", "A message can be at most 1,000 characters.");
  for (unsigned char c : text)
    if (c < 0x20 && c != '\n') return refuse("bad_message", "Control characters are not allowed.");
  if (!room_exists(room)) return refuse("no_room", "This chat room does not exist (any more).");
  auto now = clock_.now();
  bool mod = may_moderate(m, room);
  auto settings = chats_.room(room);
  if (settings.locked && !mod) return refuse("locked", "The room is locked; only moderators can write.");
  auto sanctions = chats_.sanctions(m.user_id, room, now);
  for (auto& s : sanctions)
    if (s.kind == "ban") return refuse("banned", "You are banned from this room.");
  if (!sanctions.empty()) return refuse("muted", "You are muted in this room for now.");
  if (!mod) {
    // (Counted where every node counts when several share the database.)
    std::string slow_key = "chat-slow:" + std::to_string(m.user_id) + ":" + room;
    if (settings.slow_mode_s > 0)
      if (auto wait = limits().wait(slow_key, 1, settings.slow_mode_s, now))
        return refuse("slow_mode",
                      "Slow mode: one message every " + std::to_string(settings.slow_mode_s) +
                          " seconds.",
                      wait);
    if (auto wait = limits().hit("chat:" + std::to_string(m.user_id), o_.flood_messages,
                                 o_.flood_window_s, now))
      return refuse("slow_down",
                    "Slow down: wait " + std::to_string(wait) + " s before the next message.",
                    wait);
    if (settings.slow_mode_s > 0) limits().record(slow_key, settings.slow_mode_s, now);
  }
  storage::ChatMessage cm{0, room, m.user_id, m.name, text, now};
  auto id = chats_.add_message(cm);
  publish(room, {{"kind", "message"},
                 {"id", id},
                 {"user", json::object{{"id", m.user_id}, {"name", m.name}}},
                 {"text", text},
                 {"at", now}});
  live::SendResult r;
  r.ok = true;
  r.id = id;
  return r;
}

std::optional<std::vector<std::string>> ChatService::recover(const std::string& channel,
                                                             std::int64_t after_id,
                                                             std::size_t limit) {
  std::string room = room_of(channel);
  if (room.empty() || after_id < 0) return std::nullopt;
  auto lines = chats_.messages_after(room, after_id, static_cast<int>(limit) + 1);
  if (lines.size() > limit) return std::nullopt;
  std::vector<std::string> out;
  // Lines the reader may still show that were deleted meanwhile (by their author, a moderator
  // or a ban) go first, as the deletions publish them; then the lines after theirs.
  for (auto id : chats_.deleted_among_last(room, after_id, kRecoveredDeletionsWindow))
    out.push_back(json::serialize(json::object{{"kind", "deleted"}, {"id", id}}));
  out.reserve(out.size() + lines.size());
  for (auto& m : lines)  // (the shape send() publishes)
    out.push_back(json::serialize(json::object{{"kind", "message"},
                                               {"id", m.id},
                                               {"user", json::object{{"id", m.user_id}, {"name", m.user_name}}},
                                               {"text", m.text},
                                               {"at", m.created_at}}));
  return out;
}

void ChatService::publish(const std::string& room, json::object data) {
  bus_.publish("chat:" + room, json::serialize(data));
}

std::optional<live::Member> ChatService::current(const live::Member& m) {
  if (!m.user_id) return m;
  std::int64_t uid = 0;
  if (m.via_api_token) {
    auto t = accounts_.api_token(m.credential);
    if (!t) return std::nullopt;
    uid = t->user_id;
  } else {
    auto s = accounts_.session(m.credential);
    if (!s || s->expires_at <= clock_.now()) return std::nullopt;
    uid = s->user_id;
  }
  if (uid != m.user_id) return std::nullopt;
  auto u = accounts_.user_by_id(uid);
  if (!u || u->disabled) return std::nullopt;
  return member_for(*u, m.credential, m.via_api_token);
}

void ChatService::redact(const std::string& room,
                         const std::function<bool(std::int64_t, std::int64_t)>& which) {
  bus_.redact("chat:" + room, [&](const live::BusEvent& ev) -> std::optional<std::string> {
    boost::system::error_code ec;
    auto v = json::parse(*ev.data, ec);
    if (ec || !v.is_object()) return std::nullopt;
    auto& o = v.get_object();
    auto* kind = o.if_contains("kind");
    auto* id = o.if_contains("id");
    auto* user = o.if_contains("user");
    if (!kind || *kind != "message" || !id || !id->is_int64() || !user || !user->is_object())
      return std::nullopt;
    auto* uid = user->get_object().if_contains("id");
    if (!uid || !uid->is_int64() || !which(id->get_int64(), uid->get_int64())) return std::nullopt;
    return json::serialize(json::object{{"kind", "deleted"}, {"id", id->get_int64()}});
  });
}

ModResult ChatService::delete_message(const live::Member& m, std::int64_t id) {
  auto msg = chats_.message(id);
  if (!msg) return {content::Outcome::NotFound, "There is no such message."};
  bool own = msg->user_id == m.user_id && m.user_id;
  if (!own && !may_moderate(m, msg->room)) return {content::Outcome::Forbidden, "Only moderators can delete others' messages."};
  chats_.delete_message(id, m.user_id, clock_.now());
  redact(msg->room, [id](std::int64_t line, std::int64_t) { return line == id; });
  publish(msg->room, {{"kind", "deleted"}, {"id", id}});
  return {};
}

ModResult ChatService::sanction(const live::Member& m, const std::string& room,
                                std::int64_t user_id, const std::string& kind, int minutes,
                                bool everywhere) {
  if (!room_exists(room)) return {content::Outcome::NotFound, "There is no such room."};
  if (!may_moderate(m, room)) return {content::Outcome::Forbidden, "Only moderators can mute or ban."};
  if (everywhere && !m.moderator) return {content::Outcome::Forbidden, "Only moderators can act in every room."};
  if (kind != "mute" && kind != "ban") return {content::Outcome::Invalid, "Choose mute or ban."};
  if (minutes < 0 || minutes > 525600) return {content::Outcome::Invalid, "Give a duration from 0 (until lifted) to 525600 minutes."};
  if (!accounts_.user_by_id(user_id)) return {content::Outcome::NotFound, "There is no such account."};
  if (user_id == m.user_id) return {content::Outcome::Invalid, "You cannot sanction yourself."};
  auto now = clock_.now();
  std::string where = everywhere ? "*" : room;
  chats_.add_sanction({where, user_id, kind, minutes ? now + minutes * 60LL : 0}, m.user_id, now);
  if (kind == "ban") {
    // What a banned person wrote disappears from every open client of every room concerned.
    std::vector<std::string> rooms = everywhere ? chats_.rooms_of(user_id) : std::vector<std::string>{};
    if (std::find(rooms.begin(), rooms.end(), room) == rooms.end()) rooms.push_back(room);
    chats_.delete_messages_of(user_id, where, m.user_id, now);
    for (auto& r : rooms) {
      redact(r, [user_id](std::int64_t, std::int64_t author) { return author == user_id; });
      publish(r, {{"kind", "purged"}, {"user_id", user_id}});
    }
  }
  publish(room, {{"kind", kind == "ban" ? "banned" : "muted"}, {"user_id", user_id}});
  spdlog::info("chat: {} {} user {} in {} for {} min", m.user_id, kind, user_id, where, minutes);
  return {};
}

ModResult ChatService::lift(const live::Member& m, const std::string& room, std::int64_t user_id) {
  if (!may_moderate(m, room)) return {content::Outcome::Forbidden, "Only moderators can lift a mute or ban."};
  chats_.lift_sanctions(user_id, m.moderator ? "*" : room);
  return {};
}

ModResult ChatService::settings(const live::Member& m, const storage::ChatRoomSettings& s) {
  if (!room_exists(s.room)) return {content::Outcome::NotFound, "There is no such room."};
  if (!may_moderate(m, s.room)) return {content::Outcome::Forbidden, "Only moderators can change the room."};
  if (s.slow_mode_s < 0 || s.slow_mode_s > 3600)
    return {content::Outcome::Invalid, "Slow mode takes 0 (off) to 3600 seconds."};
  auto cur = chats_.room(s.room);
  auto next = s;
  next.owner_id = cur.owner_id;
  chats_.set_room(next);
  publish(s.room, {{"kind", "room"},
                   {"locked", next.locked},
                   {"slow_mode_s", next.slow_mode_s},
                   {"public_read", next.public_read}});
  return {};
}

}  // namespace herald::chat
