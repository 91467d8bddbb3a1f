#include "content/comment.hpp"

#include <cctype>
#include <cmath>

#include "util/text.hpp"
#include "util/utf8.hpp"

namespace herald::content {

const char* to_string(CommentState s) {
  switch (s) {
    case CommentState::Visible: return "visible";
    case CommentState::Pending: return "pending";
    case CommentState::Hidden: return "hidden";
    case CommentState::Rejected: return "rejected";
    case CommentState::Deleted: return "deleted";
    case CommentState::Removed: return "removed";
  }
  return "visible";
}

std::optional<CommentState> comment_state_from(std::string_view s) {
  for (auto st : {CommentState::Visible, CommentState::Pending, CommentState::Hidden,
                  CommentState::Rejected, CommentState::Deleted, CommentState::Removed})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

const char* to_string(DiscussionMode m) {
  switch (m) {
    case DiscussionMode::Open: return "open";
    case DiscussionMode::Premoderated: return "premoderated";
    case DiscussionMode::Closed: return "closed";
  }
  return "open";
}

std::optional<DiscussionMode> discussion_mode_from(std::string_view s) {
  for (auto m : {DiscussionMode::Open, DiscussionMode::Premoderated, DiscussionMode::Closed})
    if (s == to_string(m)) return m;
  return std::nullopt;
}

const char* to_string(CommentSort s) {
  switch (s) {
    case CommentSort::Best: return "best";
    case CommentSort::Newest: return "newest";
    case CommentSort::Oldest: return "oldest";
  }
  return "best";
}

std::optional<CommentSort> comment_sort_from(std::string_view s) {
  for (auto x : {CommentSort::Best, CommentSort::Newest, CommentSort::Oldest})
    if (s == to_string(x)) return x;
  return std::nullopt;
}

double wilson_lower_bound(int likes, int dislikes) {
  double n = static_cast<double>(likes) + static_cast<double>(dislikes);
  if (likes <= 0 || n <= 0) return 0.0;
  constexpr double z = 1.959963984540054;  // 95 %
  double p = likes / n;
  double z2 = z * z;
  return (p + z2 / (2 * n) - z * std::sqrt((p * (1 - p) + z2 / (4 * n)) / n)) / (1 + z2 / n);
}

std::int64_t wilson_key(int likes, int dislikes) {
  return static_cast<std::int64_t>(std::llround(wilson_lower_bound(likes, dislikes) * 1e6));
}

CommentText prepare_comment_text(std::string_view typed, std::size_t max_chars) {
  CommentText r;
  if (!util::utf8_valid(typed)) {
    r.error = "comment_bad_text";
    return r;
  }
  // Line endings as "\n"; tabs as spaces; no other control characters (nor DEL, nor C1).
  std::string t;
  t.reserve(typed.size());
  for (std::size_t i = 0; i < typed.size(); ++i) {
    unsigned char c = typed[i];
    if (c == '\r') {
      if (i + 1 < typed.size() && typed[i + 1] == '\n') continue;
      t.push_back('\n');
    } else if (c == '\t') {
      t.push_back(' ');
    } else if ((c < 0x20 && c != '\n') || c == 0x7F) {
      r.error = "comment_bad_text";
      return r;
    } else if (c == 0xC2 && i + 1 < typed.size() &&
               static_cast<unsigned char>(typed[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(typed[i + 1]) <= 0x9F) {
      r.error = "comment_bad_text";  // C1 controls
      return r;
    } else {
      t.push_back(static_cast<char>(c));
    }
  }
  // Spaces at the ends of lines, and more than one blank line in a row, go.
  std::string out;
  out.reserve(t.size());
  int newlines = 0;
  std::size_t start = 0;
  while (start <= t.size()) {
    auto nl = t.find('\n', start);
    std::string_view line(t.data() + start, (nl == std::string::npos ? t.size() : nl) - start);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    if (line.empty()) {
      ++newlines;
    } else {
      if (!out.empty()) out.append(newlines >= 2 ? "\n\n" : "\n");
      newlines = 1;
      out.append(line);
    }
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  // Leading spaces of the first line go too.
  std::size_t lead = 0;
  while (lead < out.size() && out[lead] == ' ') ++lead;
  out.erase(0, lead);
  auto n = util::utf8_length(out);
  if (n == 0) {
    r.error = "comment_empty";
    return r;
  }
  if (n > max_chars) {
    r.error = "comment_too_long";
    return r;
  }
  r.text = std::move(out);
  return r;
}

namespace {
// The end of the link that starts at `h` (an "http://" or "https://"): up to a space, a
// control character or a character that cannot be in an address as typed; trailing
// punctuation stays outside.
std::size_t link_end(std::string_view text, std::size_t h) {
  auto end = h;
  while (end < text.size() && static_cast<unsigned char>(text[end]) > 0x20 && text[end] != '<' &&
         text[end] != '>' && text[end] != '"' && text[end] != '\'' && text[end] != '`')
    ++end;
  while (end > h && (text[end - 1] == '.' || text[end - 1] == ',' || text[end - 1] == ')' ||
                     text[end - 1] == '!' || text[end - 1] == '?' || text[end - 1] == ';' ||
                     text[end - 1] == ':'))
    --end;
  return end;
}

// Where the next link starts at or after `from` (npos: none), and where it ends.
std::size_t next_link(std::string_view text, std::size_t from, std::size_t& end) {
  while (true) {
    auto h = text.find("http", from);
    if (h == std::string_view::npos) return h;
    auto rest = text.substr(h);
    std::size_t scheme = rest.rfind("https://", 0) == 0 ? 8 : rest.rfind("http://", 0) == 0 ? 7 : 0;
    // A link starts a word: "xhttp://" is not one.
    bool word_start = h == 0 || !std::isalnum(static_cast<unsigned char>(text[h - 1]));
    if (scheme && word_start) {
      end = link_end(text, h);
      if (end - h > scheme + 2) return h;  // a host of at least three characters
    }
    from = h + 4;
  }
}
}  // namespace

int count_links(std::string_view text) {
  int n = 0;
  std::size_t i = 0, end = 0;
  while ((i = next_link(text, i, end)) != std::string_view::npos) {
    ++n;
    i = end;
  }
  return n;
}

void linkify_into(std::string& out, std::string_view text) {
  std::size_t i = 0, end = 0;
  while (true) {
    auto h = next_link(text, i, end);
    if (h == std::string_view::npos) break;
    util::html_escape_into(out, text.substr(i, h - i));
    auto url = text.substr(h, end - h);
    out += "<a href=\"";
    util::html_escape_into(out, url);
    out += "\" rel=\"nofollow ugc noopener\" target=\"_blank\">";
    util::html_escape_into(out, url);
    out += "</a>";
    i = end;
  }
  util::html_escape_into(out, text.substr(i));
}

std::string comment_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 32);
  std::size_t start = 0;
  while (start < text.size()) {
    auto gap = text.find("\n\n", start);
    auto para = text.substr(start, (gap == std::string_view::npos ? text.size() : gap) - start);
    out += "<p>";
    std::size_t ls = 0;
    while (true) {
      auto nl = para.find('\n', ls);
      linkify_into(out, para.substr(ls, nl == std::string_view::npos ? std::string_view::npos : nl - ls));
      if (nl == std::string_view::npos) break;
      out += "<br>";
      ls = nl + 1;
    }
    out += "</p>";
    if (gap == std::string_view::npos) break;
    start = gap + 2;
  }
  return out;
}

}  // namespace herald::content
