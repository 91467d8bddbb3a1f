#include "util/text.hpp"

namespace herald::util {

void html_escape_into(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
}

}  // namespace herald::util
