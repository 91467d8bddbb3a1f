// The SQL stores over a backend: one implementation of every store interface, written against
// sql::Db (storage/sql/connection.hpp), that each SQL backend opens with its own driver.
// Used only inside storage/.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "storage/sql/connection.hpp"
#include "storage/stores.hpp"

namespace herald::storage::sql {

// What a backend adds to its driver: the database (migrated before make_stores), its size
// limit, how it names itself, and what follows a bulk load.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual Db& db() = 0;
  virtual void limit_size(std::int64_t max_bytes) = 0;
  virtual std::string describe() const = 0;
  virtual void after_bulk() {}
  // Housekeeping between requests (Stores::settle).
  virtual void settle() {}
  // After rows with their ids were copied into `table` (sql::copy_database): new rows get ids
  // after them.
  virtual void after_import(const std::string& table) { (void)table; }
};

std::unique_ptr<Stores> make_stores(std::unique_ptr<Backend> backend, const util::Clock& clock);

}  // namespace herald::storage::sql
