// Rate limits counted in the shared database (see storage::Stores::limits()).
#pragma once
#include <memory>

#include "storage/sql/connection.hpp"
#include "util/throttle.hpp"

namespace herald::storage::sql {
// `db` must outlive the result.
std::unique_ptr<util::Limiter> make_limit_store(Db& db);
}  // namespace herald::storage::sql
