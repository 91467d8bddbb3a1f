// Versioned schema migrations for SQLite, applied in order at start (PRAGMA user_version).
#pragma once
#include <string_view>
#include <vector>

namespace herald::storage::sqlite {
const std::vector<std::string_view>& migrations();
}
