// The accounts capability's pages, for the composition root.
#pragma once
#include <memory>

#include "accounts/service.hpp"
#include "storage/chat_store.hpp"
#include "web/app.hpp"

namespace herald::accounts {

// Adds the account routes (/account/..., /api/v1/me) to `app`; `accounts` (and `chats`, when
// given) must outlive the result.
std::unique_ptr<web::Module> pages(web::App& app, Accounts& accounts, storage::ChatStore* chats);

}  // namespace herald::accounts
