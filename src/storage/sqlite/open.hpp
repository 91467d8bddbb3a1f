// The SQLite backend of storage::Stores: one database file in WAL mode, one writer connection
// and a pool of readers, migrations from storage/sqlite/migrations.cpp.
#pragma once
#include <memory>
#include <string>

#include "storage/sql/stores.hpp"
#include "storage/stores.hpp"

namespace herald::storage::sqlite {

// Opens (creating if needed) the database at `path` and applies migrations. Throws
// StorageError with a message saying what to do when the file cannot be used.
std::unique_ptr<Stores> open_stores(const std::string& path, const util::Clock& clock);


// The same database as the SQL stores' backend, for copying (storage/sql/copy.hpp).
std::unique_ptr<sql::Backend> open_backend(const std::string& path);

}  // namespace herald::storage::sqlite
