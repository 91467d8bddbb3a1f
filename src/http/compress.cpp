#include "http/compress.hpp"

#include <zlib.h>

#include <cstdio>

namespace herald::http {

std::string gzip(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return {};
  out.resize(zs.total_out);
  return out;
}

bool accepts_gzip(std::string_view ae) {
  std::size_t pos = 0;
  while (pos < ae.size()) {
    auto comma = ae.find(',', pos);
    auto part = ae.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    pos = comma == std::string_view::npos ? ae.size() : comma + 1;
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto semi = part.find(';');
    auto name = part.substr(0, semi);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name != "gzip" && name != "*") continue;
    if (semi != std::string_view::npos) {
      auto params = part.substr(semi + 1);
      auto q = params.find("q=");
      if (q != std::string_view::npos) {
        auto val = params.substr(q + 2);
        if (val.rfind("0", 0) == 0 && val.find_first_of("123456789") == std::string_view::npos) return false;
      }
    }
    return true;
  }
  return false;
}

std::string etag_of(std::string_view data) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

bool etag_matches(std::string_view inm, std::string_view etag) {
  if (inm.find('*') != std::string_view::npos) return true;
  return !etag.empty() && inm.find(etag) != std::string_view::npos;
}

}  // namespace herald::http
