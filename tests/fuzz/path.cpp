// Percent-decoding and path checks, header values, client addresses behind proxies.
#include <cstdint>
#include <string>
#include <string_view>

#include "net/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string out;
  if (herald::net::decode_path(in, out)) {
    // A decoded path never holds a control character, and is never longer than its source.
    for (unsigned char c : out)
      if (c < 0x20 || c == 0x7f) __builtin_trap();
    if (out.size() > in.size()) __builtin_trap();
  }
  auto nl = in.find('\n');
  auto name = in.substr(0, nl);
  auto value = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  if (herald::net::header_is_safe(name, value)) {
    for (char c : value)
      if (c == '\r' || c == '\n' || c == '\0') __builtin_trap();
  }
  static const std::vector<std::string> trusted = {"127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"};
  auto addr = herald::net::client_address("127.0.0.1", in, trusted);
  if (addr.empty()) __builtin_trap();
  herald::net::valid_ip_range(name);
  herald::net::ip_in_ranges(name, {std::string(value)});
  return 0;
}
