// The chat capability's pages and the live endpoint, for the composition root.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "chat/chat.hpp"
#include "live/hub.hpp"
#include "web/app.hpp"

namespace herald::chat {

// Adds the chat pages and API, and the WebSocket endpoint /live (Origin must be one of
// `origins`; the site's own is always allowed), to `app`. `hub` and `chat` must outlive it.
std::unique_ptr<web::Module> pages(web::App& app, live::Hub& hub, ChatService& chat,
                                   std::vector<std::string> origins);

}  // namespace herald::chat
