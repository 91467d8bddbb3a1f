// Images through libvips: demo photo generation and responsive renditions.
// libvips is initialised on first use; every function is thread-safe.
#pragma once
#include <string>
#include <vector>

#include "content/model.hpp"

namespace herald::media {

// Rendition widths made for every image (never wider than the original).
inline const std::vector<int> kRenditionWidths = {320, 640, 1024, 1600};

struct ImageFiles {
  std::string error;  // empty on success
  std::string file;   // the stored original (JPEG), a name under `dir`
  int width = 0;
  int height = 0;
  std::vector<content::Rendition> renditions;
};

// Paints a synthetic landscape "photograph" (seeded, so the same seed gives the same picture)
// of width x height and stores it under `dir` as <name>.jpg plus JPEG and WebP renditions.
ImageFiles generate_demo_photo(const std::string& dir, const std::string& name, unsigned seed,
                               int width = 1600, int height = 900);

}  // namespace herald::media
