// The newsroom capability's pages and API, for the composition root.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "accounts/service.hpp"
#include "newsroom/desk.hpp"
#include "storage/chat_store.hpp"
#include "web/app.hpp"

namespace herald::newsroom {

// What the newsroom borrows from the rest of the house, given by the composition root.
struct Tools {
  storage::DeskStore* desk_store = nullptr;
  accounts::Accounts* accounts = nullptr;
  storage::ChatStore* chats = nullptr;  // null: stories have no chat rooms
  // The reader page of a story, for the preview (site::Site::preview).
  std::function<web::Reply(const content::Edition&, const content::Section&, content::Article&,
                           const std::string& path)>
      preview;
};

// Adds the newsroom routes (/newsroom/..., /api/v1/newsroom/...) to `app`; `desk` and what
// `tools` point at must outlive the result.
std::unique_ptr<web::Module> pages(web::App& app, Desk& desk, Tools tools);

}  // namespace herald::newsroom
