// The chat capability's pages, for the composition root.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "chat/chat.hpp"
#include "live/hub.hpp"
#include "web/app.hpp"

namespace herald::chat {

// Adds the chat pages and API to `app`; `chat` must outlive the result.
std::unique_ptr<web::Module> pages(web::App& app, ChatService& chat);

}  // namespace herald::chat
