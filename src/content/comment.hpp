// Readers' comments under a story: the values, the text rules (plain text, 1 to 2,000
// characters, paragraphs and line breaks kept, http(s) links made clickable) and the "best"
// order (the lower bound of the Wilson score interval of likes among votes). No I/O.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "content/model.hpp"

namespace herald::content {

// Where a comment stands. Only Visible ones are shown to readers; a Deleted or Removed one with
// visible replies is shown as a placeholder so that its thread stays readable.
enum class CommentState {
  Visible,
  Pending,   // held for a moderator (pre-moderation, a new account, a suspect word, the scorer)
  Hidden,    // reported by enough readers: hidden until a moderator decides
  Rejected,  // a moderator refused it (its author is told why)
  Deleted,   // its author deleted it
  Removed,   // a moderator deleted it after it was shown
};
const char* to_string(CommentState s);
std::optional<CommentState> comment_state_from(std::string_view s);
inline bool shown(CommentState s) { return s == CommentState::Visible; }

// A story's discussion: open, every comment held until approved, or closed.
enum class DiscussionMode { Open, Premoderated, Closed };
const char* to_string(DiscussionMode m);
std::optional<DiscussionMode> discussion_mode_from(std::string_view s);

enum class CommentSort { Best, Newest, Oldest };
const char* to_string(CommentSort s);
std::optional<CommentSort> comment_sort_from(std::string_view s);

struct Comment {
  Id id = 0;
  Id article_id = 0;
  Id user_id = 0;
  std::string user_name;   // filled by reads ("" once the account is deleted)
  Id parent_id = 0;        // the thread's first comment (0: this one starts a thread)
  Id reply_to_id = 0;      // the comment answered (0: none)
  std::string reply_to_name;  // filled by reads: who was answered
  std::string text;        // as typed (after prepare_comment_text)
  CommentState state = CommentState::Visible;
  UnixTime created_at = 0;
  UnixTime edited_at = 0;  // 0: never edited
  int likes = 0;
  int dislikes = 0;
  int replies = 0;         // visible replies (threads only)
  int reports = 0;         // distinct readers who reported it
  bool picked = false;     // an editor's pick
  std::int64_t best = 0;   // wilson_key(likes, dislikes), the "best" order
  std::string held_for;    // why it was held (a catalog key), for moderators
  bool author_staff = false;  // filled by reads: the author is staff
  bool story_author = false;  // filled by reads: the author wrote the story
};

// The lower bound of the Wilson score interval (95 %) for `likes` among `likes + dislikes`.
double wilson_lower_bound(int likes, int dislikes);
// The same as an integer key (millionths), for ordering in the database.
std::int64_t wilson_key(int likes, int dislikes);

inline constexpr std::size_t kCommentMaxChars = 2000;

// A comment's text made ready to store: line endings as "\n", spaces at the ends and blank
// lines beyond one between paragraphs taken out. `error` is a catalog key when it is refused
// (empty, too long, not UTF-8, control characters); `text` is then empty.
struct CommentText {
  std::string text;
  std::string error;  // "comment_empty", "comment_too_long", "comment_bad_text"
};
CommentText prepare_comment_text(std::string_view typed, std::size_t max_chars = kCommentMaxChars);

// The http(s) links in a text, as linkify_into makes them.
int count_links(std::string_view text);
// Appends `text` to `out` escaped for HTML, with http:// and https:// addresses made links
// (rel="nofollow ugc noopener"). Nothing else in the text becomes markup.
void linkify_into(std::string& out, std::string_view text);
// A comment as HTML: paragraphs (<p>) at blank lines, <br> at single line breaks, links.
std::string comment_html(std::string_view text);

}  // namespace herald::content
