// Readers' discussions on the SQL backends (see storage::CommentStore).
#pragma once
#include <memory>

#include "storage/comment_store.hpp"
#include "storage/sql/connection.hpp"
#include "util/clock.hpp"

namespace herald::storage::sql {
// `db` and `clock` must outlive the result. `group_commit`: comments posted at the same time
// share one transaction (the store of the database itself; not one inside a transaction).
std::unique_ptr<CommentStore> make_comment_store(Db& db, const util::Clock& clock, bool group_commit);
}  // namespace herald::storage::sql
