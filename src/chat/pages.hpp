// The chat pages (/<edition>/chats/...), the chat API, the newsfeed mark and count, and the
// live WebSocket endpoint /live. Internal to chat/: the composition root uses chat/module.hpp.
#pragma once
#include <string>
#include <vector>

#include "chat/module.hpp"
#include "web/app.hpp"

namespace herald::chat {

using namespace web::names;

// Chat text as HTML: escaped, http(s) links clickable with rel="nofollow ugc noopener".
std::string chat_text_html(std::string_view text);

class Pages final : public web::Module, web::Handlers {
 public:
  Pages(web::App& app, live::Hub& hub, ChatService& chat, std::vector<std::string> origins);

 private:
  live::Hub* hub;
  ChatService* chat;
  std::vector<std::string> live_origins;  // the site's own, and those configured
  live::Member member_of(const Ctx& c) const;
  net::WsDecision ws_accept(const net::Request& req);
  Reply chat_list_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply chat_room_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_chat_messages(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_chat_delete(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_chat_sanction(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_chat_settings(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_newsfeed_seen(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_newsfeed_count(const net::Request& r, const http::Params& p);
};

}  // namespace herald::chat
