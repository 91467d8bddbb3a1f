// For unit tests: the English edition most tests start from (UTC, default).
#pragma once
#include "content/model.hpp"

namespace herald::testing {

inline content::Edition english_edition() {
  return content::Edition{0, "en", "en", "en_GB", "Herald", "", "UTC", "dd.MM.yyyy", true, 0};
}

}  // namespace herald::testing
