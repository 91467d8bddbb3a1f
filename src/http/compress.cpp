#include "http/compress.hpp"

// xxHash compiled in from its header (libxxhash-dev), so that XXH3 takes its SSE2 path on
// x86-64: Debian's shared library runs the portable one, at five times the instructions per
// byte of a page. The hash is the same function either way, so ETags do not change.
#define XXH_INLINE_ALL
#include <xxhash.h>
#include <zlib.h>

#include <cstdio>
#include <functional>

namespace herald::http {

namespace {
// One deflate state per thread, reset between uses: zlib's ~270 KB of state is allocated once
// instead of on every response.
struct Deflater {
  z_stream zs{};
  bool ok = false;
  Deflater() { ok = deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK; }
  ~Deflater() {
    if (ok) deflateEnd(&zs);
  }
};
}  // namespace

std::string gzip(std::string_view data) {
  thread_local Deflater d;
  if (!d.ok || deflateReset(&d.zs) != Z_OK) return {};
  auto& zs = d.zs;
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) return {};
  out.resize(zs.total_out);
  return out;
}

bool accepts_gzip(std::string_view ae) {
  std::size_t pos = 0;
  while (pos < ae.size()) {
    auto comma = ae.find(',', pos);
    auto part =
        ae.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
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
        if (val.rfind("0", 0) == 0 && val.find_first_of("123456789") == std::string_view::npos)
          return false;
      }
    }
    return true;
  }
  return false;
}

std::string etag_of(std::string_view data) {
  // XXH3 (64 bits): the same value on every node and every run, whatever the CPU, and several
  // times faster than libstdc++'s string hash (2 % of a story page's cache miss went there).
  std::uint64_t h = XXH3_64bits(data.data(), data.size()) ^ (data.size() * 0x9e3779b97f4a7c15ULL);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(18, '"');
  for (int i = 16; i >= 1; --i, h >>= 4) out[static_cast<std::size_t>(i)] = kHex[h & 15];
  return out;
}

bool etag_matches(std::string_view inm, std::string_view etag) {
  if (inm.find('*') != std::string_view::npos) return true;
  return !etag.empty() && inm.find(etag) != std::string_view::npos;
}

}  // namespace herald::http
