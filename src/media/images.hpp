// Images through libvips: demo photo generation and responsive renditions.
// libvips is initialised on first use; every function is thread-safe.
#pragma once
#include <string>
#include <string_view>
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

// Limits on uploaded photographs.
constexpr std::size_t kMaxUploadBytes = 20u << 20;  // 20 MB
constexpr long long kMaxUploadPixels = 50'000'000;  // 50 megapixels

// The image type the bytes themselves say ("jpeg", "png", "webp"), or empty for anything else.
// The file name and the declared Content-Type are never trusted.
std::string sniff_image_type(std::string_view bytes);

// Takes an uploaded photograph: checks its type from its bytes and its pixel count from its
// header before decoding (larger than kMaxUploadPixels is refused unread), decodes it fully
// (a damaged file is refused), turns it upright (EXIF orientation), converts it to sRGB
// without alpha, and stores it re-encoded without metadata under `dir` as <name>.jpg with
// JPEG and WebP renditions. `name` must be a safe file name chosen by the caller.
// On refusal, `error` says what is wrong in words for the person uploading.
ImageFiles import_upload(const std::string& dir, const std::string& name, std::string_view bytes);

}  // namespace herald::media
