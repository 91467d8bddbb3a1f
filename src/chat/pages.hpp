// The chat pages (/<edition>/chats/...), the chat API, the newsfeed mark and count. Internal to chat/: the composition root uses chat/module.hpp.
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
  Pages(web::App& app, ChatService& chat);

 private:
  ChatService* chat;
  live::Member member_of(const Ctx& c) const;
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
