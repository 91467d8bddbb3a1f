// Parsing database URLs: kept apart from opening them, so that the configuration checks them
// without linking a backend.
#include "storage/stores.hpp"

namespace herald::storage {

bool parse_database_url(std::string_view url, DatabaseUrl& out, std::string& error) {
  auto starts = [&](std::string_view p) { return url.substr(0, p.size()) == p; };
  if (starts("postgresql://") || starts("postgres://")) {
    out.backend = DatabaseUrl::Backend::Postgres;
    out.location = std::string(url);
    return true;
  }
  if (starts("sqlite:")) {
    auto path = url.substr(7);
    if (path.substr(0, 2) == "//") path.remove_prefix(2);
    if (path.empty()) {
      error = "the sqlite: URL names no file (write sqlite:/path/to/herald.db)";
      return false;
    }
    out.backend = DatabaseUrl::Backend::Sqlite;
    out.location = std::string(path);
    return true;
  }
  error = "'" + std::string(url.substr(0, 80)) +
          "' is not a database URL (write sqlite:PATH or postgresql://USER@HOST:PORT/DB)";
  return false;
}

}  // namespace herald::storage
