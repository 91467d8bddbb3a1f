// Live chats on the shared SQLite database (see storage::ChatStore).
#pragma once
#include <memory>

#include "storage/chat_store.hpp"
#include "util/clock.hpp"
#include "storage/sql/connection.hpp"

namespace herald::storage::sql {
// `db` and `clock` must outlive the result.
std::unique_ptr<ChatStore> make_chat_store(Db& db, const util::Clock& clock);
}  // namespace herald::storage::sql
