#include "storage/stores.hpp"

#include <filesystem>

#include "storage/postgres/open.hpp"
#include "storage/sqlite/open.hpp"
#include "storage/sql/copy.hpp"

namespace herald::storage {

const char* to_string(Refusal r) {
  switch (r) {
    case Refusal::None: return "none";
    case Refusal::NotFound: return "not_found";
    case Refusal::Conflict: return "conflict";
    case Refusal::Invalid: return "invalid";
  }
  return "invalid";
}

std::unique_ptr<Stores> open_stores(std::string_view url, const util::Clock& clock) {
  DatabaseUrl u;
  std::string error;
  if (!parse_database_url(url, u, error)) throw StorageError(error);
  if (u.backend == DatabaseUrl::Backend::Postgres) return postgres::open_stores(u.location, clock);
  return sqlite::open_stores(u.location, clock);
}

std::vector<TableCopy> copy_site(
    std::string_view from_url, std::string_view to_url,
    const std::function<void(const std::string&, std::int64_t, std::int64_t)>& progress) {
  DatabaseUrl from, to;
  std::string error;
  if (!parse_database_url(from_url, from, error)) throw StorageError("--from: " + error);
  if (!parse_database_url(to_url, to, error)) throw StorageError("--to: " + error);
  if (from.backend != DatabaseUrl::Backend::Sqlite || to.backend != DatabaseUrl::Backend::Postgres)
    throw StorageError("migrate copies an SQLite site (--from sqlite:PATH) into PostgreSQL "
                       "(--to postgresql://...)");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(from.location, ec))
    throw StorageError("--from: there is no SQLite database at " + from.location +
                       " (name the site's herald.db, e.g. sqlite:var/herald.db)");
  auto source = sqlite::open_backend(from.location);
  auto target = postgres::open_backend(to.location);
  std::vector<TableCopy> out;
  for (auto& c : sql::copy_database(*source, *target, [&](const sql::CopyProgress& p) {
         progress(p.table, p.done, p.total);
       }))
    out.push_back(TableCopy{c.table, c.from_rows, c.to_rows, c.ok()});
  return out;
}

}  // namespace herald::storage
