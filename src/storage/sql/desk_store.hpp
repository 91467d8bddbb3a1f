// The newsroom's storage on the shared SQLite database (see storage::DeskStore).
#pragma once
#include "util/clock.hpp"
#include <memory>

#include "storage/sql/connection.hpp"
#include "storage/store.hpp"

namespace herald::storage::sql {
// `db` and `news` (the store on the same database) must outlive the result.
std::unique_ptr<DeskStore> make_desk_store(Db& db, NewsStore& news,
                                           const util::Clock& clock);
}  // namespace herald::storage::sql
