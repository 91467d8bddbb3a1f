// Moving a site from one SQL database to another (`herald migrate --from sqlite:PATH --to
// postgresql://...`): every row of every table, upserted by its key, so that running it again
// after more changes on the old site brings the new one up to date. Then a check: the same
// number of rows and the same checksum of every table on both sides.
// Used only inside storage/.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/sql/stores.hpp"

namespace herald::storage::sql {

struct CopyProgress {
  std::string table;
  std::int64_t done = 0, total = 0;  // rows of this table
};

struct TableCheck {
  std::string table;
  std::int64_t from_rows = 0, to_rows = 0;
  std::string from_sum, to_sum;  // hex digests of the rows in key order
  bool ok() const { return from_rows == to_rows && from_sum == to_sum; }
};

// Copies `from` (an SQLite backend) into `to` (migrated to the same schema). Throws
// StorageError on failure; the target's writes are committed per batch of rows.
std::vector<TableCheck> copy_database(Backend& from, Backend& to,
                                      const std::function<void(const CopyProgress&)>& progress);

}  // namespace herald::storage::sql
