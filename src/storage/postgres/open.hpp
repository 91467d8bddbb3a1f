// The PostgreSQL backend of storage::Stores: one pool of libpq connections per node, migrations
// from storage/postgres/migrations.cpp run by one node at a time.
#pragma once
#include <memory>
#include <string>

#include "storage/sql/stores.hpp"
#include "storage/stores.hpp"

namespace herald::storage::postgres {

// Connects to `url` (postgresql://USER@HOST:PORT/DB), applies migrations under an advisory
// lock (several nodes starting at once each wait for the first), and returns the stores.
// Throws StorageError saying what failed: unreachable server, refused login, newer schema.
std::unique_ptr<Stores> open_stores(const std::string& url, const util::Clock& clock,
                                    int max_connections = 16);


// The same database as the SQL stores' backend, for copying (storage/sql/copy.hpp).
std::unique_ptr<sql::Backend> open_backend(const std::string& url);

// For tests and `make cluster`: creates (or drops, closing its connections) the database `name`
// (letters, digits and _) on the server `admin_url` names; its URL is admin_url with `name` as
// the database.
std::string create_database(const std::string& admin_url, const std::string& name);
void drop_database(const std::string& admin_url, const std::string& name);

}  // namespace herald::storage::postgres
