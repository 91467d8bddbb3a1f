// The PostgreSQL schema, as migrations applied in order (storage/postgres/db.cpp runs them
// under an advisory lock, each once).
#pragma once
#include <string_view>
#include <vector>

namespace herald::storage::postgres {
const std::vector<std::string_view>& migrations();
}
