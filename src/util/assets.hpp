// Files embedded into the binary at build time (web/templates, web/static, web/locales,
// docs/openapi.json), keyed by their path in the repository.
#pragma once
#include <span>
#include <string_view>
#include <utility>

namespace herald::assets {
std::span<const std::pair<std::string_view, std::string_view>> all();
// The file's bytes; empty view when there is no such asset.
std::string_view get(std::string_view path);
}  // namespace herald::assets
