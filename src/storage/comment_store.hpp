// Storage of readers' discussions under stories: comments and their threads, votes, reports,
// the discussion settings of stories and sections, bans from commenting and the moderation
// log. Same conventions as NewsStore (not found: empty optional or false; a failing database:
// StorageError). Every write that changes what readers see records its content event
// ("discussion", purging the story's pages) in the same transaction. Thread-safe.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "content/comment.hpp"
#include "content/words.hpp"
#include "storage/store.hpp"

namespace herald::storage {

// Where a page of threads starts: after this comment in the page's order. For "best" the key
// and the id, for "newest" and "oldest" the id alone.
struct CommentCursor {
  std::int64_t best = 0;
  content::Id id = 0;
};

struct CommentVotes {
  int likes = 0;
  int dislikes = 0;
  int mine = 0;  // the voter's vote now: 1, -1 or 0
};

struct CommentReport {
  content::Id comment_id = 0;
  content::Id user_id = 0;
  std::string user_name;
  std::string reason;
  UnixTime at = 0;
};

// What moderators see of a commenter: how much they wrote and how often it was refused.
struct CommenterRecord {
  int comments = 0;        // ever written
  int rejected = 0;        // rejected or removed by a moderator, ever
  int decided_recent = 0;  // moderated (approved, rejected, removed) since the given time
  int rejected_recent = 0; // rejected or removed since then
};

struct CommentBan {
  content::Id user_id = 0;
  std::string user_name;  // filled by reads
  UnixTime until = 0;     // 0: for good
  std::string reason;
  content::Id by_user = 0;
  UnixTime at = 0;
};

// One moderator's (or the system's) action, kept for admins.
struct ModerationEntry {
  std::int64_t id = 0;
  UnixTime at = 0;
  content::Id moderator_id = 0;  // 0: automatic
  std::string moderator_name;    // filled by reads
  std::string action;            // "approve", "reject", "remove", "pick", "unpick", "ban", "lift", "hold", "hide", "mode"
  content::Id comment_id = 0;
  content::Id user_id = 0;       // whom it concerned
  content::Id article_id = 0;
  std::string reason;
  bool automated = false;
};

// A notice of illegal content about a comment (EU Digital Services Act, article 16), from
// anyone, and what became of it.
struct CommentNotice {
  std::int64_t id = 0;
  content::Id comment_id = 0;
  std::string reason;       // the kind of illegality claimed
  std::string explanation;  // why the sender thinks so
  std::string email;        // where the acknowledgement and the decision go
  content::Id user_id = 0;  // the sender, when logged in
  UnixTime at = 0;
  UnixTime decided_at = 0;  // 0: waiting
  std::string decision;     // "removed" or "kept"
  std::string reply;        // the moderator's reasons, sent to the sender
  content::Id decided_by = 0;
};

// A moderator's decision on a comment, for the scorer to learn from.
struct CommentDecision {
  std::string text;
  std::string language;  // of the story's edition
  bool refused = false;  // rejected or removed (else approved)
};

// What a story's discussion box needs, in one read: its own setting and its section's, the
// visible comments and slow mode.
struct DiscussionSettings {
  std::optional<content::DiscussionMode> story_mode;    // nullopt: its section's
  std::optional<content::DiscussionMode> section_mode;  // nullopt: open
  int visible = 0;
  int slow_s = 0;
};

class CommentStore {
 public:
  virtual ~CommentStore() = default;

  virtual DiscussionSettings settings(Id article_id, Id section_id) = 0;

  // A story's own setting (nullopt: its section's), and a section's (nullopt: open).
  virtual std::optional<content::DiscussionMode> story_mode(Id article_id) = 0;
  virtual void set_story_mode(Id article_id, std::optional<content::DiscussionMode> m) = 0;
  // Slow mode on a story: one comment per this many seconds per reader (0: off).
  virtual int story_slow(Id article_id) = 0;
  virtual void set_story_slow(Id article_id, int seconds) = 0;
  // Comments on a story created at or after `since` (all states), and of those the ones
  // moderators refused since then: how busy and how troubled it is now.
  virtual std::pair<int, int> activity(Id article_id, UnixTime since) = 0;
  virtual std::optional<content::DiscussionMode> section_mode(Id section_id) = 0;
  virtual void set_section_mode(Id section_id, std::optional<content::DiscussionMode> m) = 0;

  // Stores a new comment (its id is given back). A reply's thread gains a reply when it is
  // visible.
  virtual Id add(const content::Comment& c) = 0;
  virtual std::optional<content::Comment> comment(Id id) = 0;
  // A page of a story's threads in `sort` order after `after` (none: from the start): the
  // visible first comments, and deleted ones that still have visible replies.
  virtual std::vector<content::Comment> threads(Id article_id, content::CommentSort sort,
                                                std::optional<CommentCursor> after, int limit) = 0;
  // A thread's visible replies after reply `after_id`, oldest first.
  virtual std::vector<content::Comment> replies(Id parent_id, Id after_id, int limit) = 0;
  // The story's visible editor's picks, newest first.
  virtual std::vector<content::Comment> picks(Id article_id, int limit) = 0;
  // Visible comments (replies included) of a story, and of many stories at once.
  virtual int count(Id article_id) = 0;
  virtual std::vector<std::pair<Id, int>> counts(const std::vector<Id>& article_ids) = 0;
  // The story's visible comments with an id above `after_id`, oldest first (a live reader's
  // recovery).
  virtual std::vector<content::Comment> visible_after(Id article_id, Id after_id, int limit) = 0;
  // The newest visible comment's id (0: none): where a page's live updates start.
  virtual Id newest_visible(Id article_id) = 0;
  // New text (marked edited at `at`); false when there is no such comment.
  virtual bool edit(Id id, const std::string& text, UnixTime at) = 0;
  // Moves a comment to `state`, keeping the counts right; false when there is no such comment.
  virtual bool set_state(Id id, content::CommentState state, const std::string& held_for) = 0;
  virtual bool set_picked(Id id, bool picked) = 0;

  // Records `user`'s vote (1 like, -1 dislike, 0 none) and gives back the totals.
  virtual std::optional<CommentVotes> vote(Id comment_id, Id user_id, int value) = 0;
  // Records a report (one per reader and comment; a second one changes nothing) and gives back
  // how many different readers have reported the comment.
  virtual int report(Id comment_id, Id user_id, const std::string& reason, UnixTime at) = 0;
  virtual std::vector<CommentReport> reports(Id comment_id) = 0;

  virtual CommenterRecord record(Id user_id, UnixTime recent_since) = 0;
  // What posting needs of that, cheaply: how many comments the person wrote, counted up to
  // `cap`; and the moderators' decisions on them since a time (decided, rejected).
  virtual int written(Id user_id, int cap) = 0;
  virtual std::pair<int, int> decisions(Id user_id, UnixTime since) = 0;
  // What waits for moderators: held and reported-hidden comments, then visible ones with
  // reports, oldest first.
  virtual std::vector<content::Comment> queue(int limit) = 0;
  // Everything a person wrote, newest first, before comment `before` (0: from the newest).
  virtual std::vector<content::Comment> by_user(Id user_id, Id before, int limit) = 0;

  virtual void ban(const CommentBan& b) = 0;
  virtual bool lift_ban(Id user_id) = 0;
  // The ban in force on `user_id` at `now`.
  virtual std::optional<CommentBan> ban_of(Id user_id, UnixTime now) = 0;
  virtual std::vector<CommentBan> bans(UnixTime now) = 0;

  // Words moderators ban (a comment is refused) or suspect (it is held).
  virtual std::vector<content::WordRule> words() = 0;
  virtual void set_word(const content::WordRule& w) = 0;
  virtual bool remove_word(const std::string& word) = 0;

  virtual std::int64_t add_notice(const CommentNotice& n) = 0;
  virtual std::optional<CommentNotice> notice(std::int64_t id) = 0;
  // Waiting notices, oldest first.
  virtual std::vector<CommentNotice> open_notices(int limit) = 0;
  // Records the decision; false when there is no such notice or it was decided already.
  virtual bool decide_notice(std::int64_t id, const std::string& decision, const std::string& reply,
                             content::Id by, UnixTime at) = 0;

  // The newest `limit` decisions moderators made on comments that still have their text,
  // oldest first.
  virtual std::vector<CommentDecision> decisions_to_learn(int limit) = 0;

  virtual void log(const ModerationEntry& e) = 0;
  // Newest first, before entry `before` (0: from the newest).
  virtual std::vector<ModerationEntry> log_entries(std::int64_t before, int limit) = 0;
};

}  // namespace herald::storage
