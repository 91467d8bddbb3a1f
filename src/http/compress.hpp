// gzip for text responses, and the HTTP helpers around caching validators.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::http {

// gzip-compresses `data` (level 6). Returns an empty string on failure.
std::string gzip(std::string_view data);
// True when an Accept-Encoding header value accepts gzip (and does not give it q=0).
bool accepts_gzip(std::string_view accept_encoding);
// A strong ETag (quoted) computed from the bytes (64-bit FNV-1a).
std::string etag_of(std::string_view data);
// True when an If-None-Match header value matches `etag` (handles lists, W/ and *).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace herald::http
