// URL-encoded forms, cookies, multipart bodies and return paths.
#include <cstdint>
#include <string>
#include <string_view>

#include "http/forms.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto form = herald::http::parse_form(in);
  for (auto& [k, v] : form.all) (void)herald::http::url_encode(k + v);
  (void)herald::http::form_decode(in);
  (void)herald::http::cookie_value(in, "herald_session");
  // First line: the Content-Type; the rest: the body.
  auto nl = in.find('\n');
  auto ct = in.substr(0, nl);
  auto body = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  if (auto parts = herald::http::parse_multipart(ct, body)) {
    for (auto& p : *parts) {
      // Every part's data lies inside the body it was parsed from.
      if (!p.data.empty() && (p.data.data() < body.data() ||
                              p.data.data() + p.data.size() > body.data() + body.size()))
        __builtin_trap();
    }
  }
  auto back = herald::http::safe_return_path(in, "/en/");
  // A return path stays on the site: it starts with one slash, never two or a backslash.
  if (back.empty() || back[0] != '/' || (back.size() > 1 && (back[1] == '/' || back[1] == '\\')))
    __builtin_trap();
  return 0;
}
