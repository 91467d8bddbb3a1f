// The demo newsroom: two editions (English and Russian), six sections each, authors, tags,
// generated photographs and stories whose text is composed here from phrase tables (no
// copied articles). Used on first start into an empty data folder and by `herald demo`.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "storage/store.hpp"

namespace herald::demo {

struct DemoOptions {
  std::int64_t stories = 0;  // stories in all; 0: 150 per edition (a story and its translation)
  int images = 16;           // distinct generated photographs
  std::string media_dir;     // where photographs are written
  std::uint32_t seed = 2026;
  std::int64_t now = 0;  // 0: the current time
  // Called on each story before it is saved (the site renders the body's HTML here).
  std::function<void(content::Article&)> prepare;
};

struct DemoReport {
  std::string error;  // empty on success
  int editions = 0;
  int sections = 0;
  std::int64_t stories = 0;
  int images = 0;
};

// Fills an empty store. Refuses (error) when the store already holds editions.
// `progress(done, total, stage)` is called now and then.
DemoReport generate(storage::NewsStore& store, const DemoOptions& options,
                    const std::function<void(std::int64_t, std::int64_t, const char*)>& progress);

}  // namespace herald::demo
