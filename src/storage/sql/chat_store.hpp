// Live chats on the shared SQLite database (see storage::ChatStore).
#pragma once
#include <memory>

#include "storage/chat_store.hpp"
#include "storage/sql/connection.hpp"

namespace herald::storage::sql {
std::unique_ptr<ChatStore> make_chat_store(Db& db);  // `db` must outlive the result
}  // namespace herald::storage::sql
