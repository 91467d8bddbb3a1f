// Readers' discussions under stories: the rules. Who may post, reply, edit, delete, vote and
// report; when a discussion is open, held for moderators or closed; the posting rate; which
// comments are held (pre-moderation, a new account's first ones, a commenter whose comments
// are often rejected) or hidden (reported by several readers); moderators' decisions, picks and
// bans, each written to the moderation log. Comments are stored, then published live on
// "comments:<story id>". Knows no HTTP: results carry an outcome and a catalog key.
// Thread-safe.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <unordered_map>
#include <vector>

#include <chrono>
#include <memory>
#include <mutex>

#include "content/comment.hpp"
#include "content/outcome.hpp"
#include "content/scorer.hpp"
#include "content/words.hpp"
#include "i18n/i18n.hpp"
#include "content/people.hpp"
#include "live/bus.hpp"
#include "mail/mail.hpp"
#include "live/hub.hpp"
#include "storage/account_store.hpp"
#include "storage/comment_store.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"
#include "util/throttle.hpp"

namespace herald::discussion {

struct Options {
  // Where the posting rate is counted: null, in this process (one node); the database's
  // (storage::Stores::limits()) when several nodes share it.
  util::Limiter* limits = nullptr;
  int post_every_s = 10;      // one comment per this many seconds per reader...
  int post_burst = 3;         // ...with a burst of this many
  int close_after_days = 7;   // a discussion closes by itself this long after publication
  int edit_window_s = 300;    // authors may edit this long after posting
  int reports_to_hide = 3;    // different readers' reports that hide a comment until reviewed
  int held_first = 2;         // a new account's first comments are held
  int new_account_days = 7;   // an account this young is "new"...
  int new_account_links = 1;  // ...and may put at most this many links in a comment
  // A commenter whose comments were rejected more than this share of the time over the last
  // `rejection_days` (with at least `rejection_min` decisions) is pre-moderated.
  double rejection_share = 0.30;
  int rejection_days = 7;
  int rejection_min = 3;
  std::size_t max_reason_chars = 500;
  std::size_t max_notice_chars = 4000;
  // The scorer holds a comment for moderators when it gives at least this chance that they
  // would refuse it (0: it never holds; it still orders the queue).
  double scorer_hold = 0.9;
  // A story that gets comments far faster than it used to, or whose comments are refused
  // far more often, changes by itself: to slow mode (one comment per `auto_slow_s` per
  // reader) when the last 10 minutes brought at least `auto_min_recent` comments and
  // `auto_rate_factor` times the rate of the 50 minutes before; to pre-moderation when more
  // than `auto_refused_share` of the last hour's comments (at least `auto_min_recent`) were
  // refused. Moderators find it in the log and on the moderation page. Off: auto_switch false.
  bool auto_switch = true;
  double auto_rate_factor = 4.0;
  int auto_min_recent = 30;
  int auto_slow_s = 60;
  double auto_refused_share = 0.5;
  // Mails: statements of reasons to authors whose comment is removed or who are banned, and
  // the acknowledgement and decision to senders of notices. Null: no mail (tools, tests).
  mail::MailQueue* mail = nullptr;
  const i18n::Catalog* catalog = nullptr;
  std::string base_url;
  std::string contact;  // where people contest a decision (the site's admin address)
};

// How a request came out. `key` is a catalog key (with `args` for its {name}s) when it did not
// succeed, or for what the person is told when it did (a held comment).
struct Result {
  content::Outcome outcome = content::Outcome::Done;
  std::string code;  // machine-readable: "closed", "too_soon", "not_found", ...
  std::string key;
  std::vector<std::pair<std::string, std::string>> args;
  std::int64_t retry_after = 0;  // seconds, for TooSoon
  std::optional<content::Comment> comment;
  std::optional<storage::CommentVotes> votes;
  bool ok() const { return content::succeeded(outcome); }
};

// A story's discussion as readers find it.
struct Status {
  content::DiscussionMode mode = content::DiscussionMode::Open;
  bool closed_by_age = false;    // closed because it is older than close_after_days
  content::UnixTime closes_at = 0;  // when it will close by age (0: it will not)
  int slow_s = 0;                // slow mode: one comment per this many seconds per reader
  int count = 0;                 // visible comments
};

struct Thread {
  content::Comment first;
  std::vector<content::Comment> replies;  // the first few, oldest first
  bool more_replies = false;              // first.replies > replies.size()
};

struct Page {
  std::vector<content::Comment> picks;   // editor's picks (first page only)
  std::vector<Thread> threads;
  std::optional<storage::CommentCursor> next;  // where "show more" continues
};

// A person's commenting record, for moderators.
struct Commenter {
  storage::CommenterRecord record;
  std::optional<storage::CommentBan> ban;
  bool premoderated = false;  // by their rejection rate
};

class Discussions {
 public:
  Discussions(storage::NewsStore& news, storage::CommentStore& comments,
              storage::AccountStore& accounts, live::EventBus& bus, Options options = {},
              const util::Clock& clock = util::system_clock());

  const Options& options() const { return o_; }
  // `reads`: the comment store to read through (a page's snapshot); the service's own when null.
  Status status(const content::Article& story, storage::CommentStore* reads = nullptr);

  // Reading: a page of threads (each with its first `replies_shown` replies); a thread's
  // replies after one of them.
  Page page(content::Id story_id, content::CommentSort sort,
            std::optional<storage::CommentCursor> after, int threads, int replies_shown);
  std::vector<content::Comment> replies(content::Id thread_id, content::Id after_id, int limit);

  // Writing, as `who`. `reply_to` 0: a new thread.
  Result post(const content::User& who, content::Id story_id, content::Id reply_to,
              std::string_view text);
  Result edit(const content::User& who, content::Id comment_id, std::string_view text);
  Result remove(const content::User& who, content::Id comment_id, std::string_view reason = {});
  Result vote(const content::User& who, content::Id comment_id, int value);
  Result report(const content::User& who, content::Id comment_id, std::string_view reason);

  // Moderation (moderators and admins).
  std::vector<content::Comment> queue(const content::User& who, int limit);
  Result approve(const content::User& who, content::Id comment_id);
  Result reject(const content::User& who, content::Id comment_id, std::string_view reason);
  Result pick(const content::User& who, content::Id comment_id, bool on);
  // minutes 0: for good.
  Result ban(const content::User& who, content::Id user_id, int minutes, std::string_view reason);
  Result lift_ban(const content::User& who, content::Id user_id);
  Result set_story_mode(const content::User& who, content::Id story_id,
                        std::optional<content::DiscussionMode> mode);
  // Slow mode on a story (seconds between one reader's comments; 0: off).
  Result set_story_slow(const content::User& who, content::Id story_id, int seconds);
  Result set_section_mode(const content::User& who, content::Id section_id,
                          std::optional<content::DiscussionMode> mode);
  Commenter commenter(content::Id user_id);

  // The scorer's view of a comment, and how good it has been (leave-one-out on its decisions).
  content::Scorer::Score score(const content::Comment& c);
  std::vector<std::pair<std::string, content::Scorer::Quality>> scorer_quality();

  // Banned and suspect words (moderators). kind nullopt: the word is taken off the list.
  Result set_word(const content::User& who, std::string_view word,
                  std::optional<content::WordKind> kind);
  std::vector<content::WordRule> words();

  // A notice of illegal content about a comment, from anyone (`who` may be nobody): stored and
  // acknowledged by mail. A moderator decides it: the comment removed (its author gets a
  // statement of reasons) or kept; either way the sender is told, with the reasons.
  Result notice(const content::User* who, content::Id comment_id, std::string_view reason,
                std::string_view explanation, std::string_view email);
  Result decide_notice(const content::User& who, std::int64_t notice_id, bool remove,
                       std::string_view reply);

  storage::CommentStore& store() { return comments_; }
  storage::NewsStore& news() { return news_; }
  std::optional<content::User> user(content::Id id) { return accounts_.user_by_id(id); }
  live::EventBus& bus() { return bus_; }
  static std::string channel(content::Id story_id) { return "comments:" + std::to_string(story_id); }

 private:
  Result refuse(content::Outcome o, std::string code, std::string key,
                std::vector<std::pair<std::string, std::string>> args = {});
  // The rules on a comment's words that apply to writing and editing alike: links from new
  // accounts, banned words (refused). A suspect word is returned in `suspect` (held).
  std::optional<Result> refuse_words(const content::User& who, const std::string& text,
                                     std::int64_t now, std::string& suspect);
  bool moderates(const content::User& who) const;
  void log(const content::User* who, const char* action, const content::Comment& c,
           std::string_view reason, bool automated = false);
  // What a reader hears live (and what a recovering reader is sent).
  void publish(content::Id story_id, const boost::json::object& event);
  // Mail in the language of the story's edition (or English).
  void mail(const std::string& to, const std::string& lang, const std::string& subject_key,
            const std::string& body_key, std::vector<std::pair<std::string, std::string>> args);
  std::string language_of(content::Id story_id);
  // A statement of reasons (DSA article 17) to the author of a restricted comment, or to a
  // banned person.
  void state_reasons(const content::Comment& c, const std::string& what_key,
                     std::string_view reason, bool automated);
  std::shared_ptr<const content::WordList> word_list();
  // Looks at a story's recent activity (at most every 30 s per story) and switches it to slow
  // mode or pre-moderation when it runs far above its usual level.
  void watch(const content::Article& story, const Status& st);
  std::mutex watch_mu_;
  std::unordered_map<content::Id, content::UnixTime> watched_;
  // Trained from the stored decisions at first use and again every few minutes (decisions
  // made on other nodes), and at once from this node's own.
  content::Scorer& scorer(bool* reloaded = nullptr);
  void learn(const content::Comment& c, bool refused);
  std::string language_of_edition(content::Id edition_id);
  content::Scorer scorer_;
  std::mutex scorer_mu_;
  std::chrono::steady_clock::time_point scorer_at_{};
  bool scorer_loaded_ = false;
  std::mutex words_mu_;
  std::shared_ptr<const content::WordList> words_;
  std::chrono::steady_clock::time_point words_at_{};

  storage::NewsStore& news_;
  storage::CommentStore& comments_;
  storage::AccountStore& accounts_;
  live::EventBus& bus_;
  Options o_;
  const util::Clock& clock_;
  util::Throttle local_limits_;
  util::Limiter& limits() { return o_.limits ? *o_.limits : local_limits_; }
};

// The live shape of a comment: {"kind":"comment", "id", "parent_id", "reply_to", "user": {...},
// "text", "at"}.
boost::json::object live_comment(const content::Comment& c);

// The live channels of discussions ("comments:<story id>"): anyone may follow a published
// story's; nothing is sent on them by readers; a reader whose resume the bus cannot serve is
// sent the comments it missed from the database.
class DiscussionChannels final : public live::Channels {
 public:
  DiscussionChannels(storage::NewsStore& news, storage::CommentStore& comments)
      : news_(news), comments_(comments) {}
  std::string check_subscribe(const live::Member& m, const std::string& channel) override;
  live::SendResult send(const live::Member& m, const std::string& channel,
                        const boost::json::object& message) override;
  std::optional<live::Member> current(const live::Member& m) override { return m; }
  std::optional<std::vector<std::string>> recover(const std::string& channel, std::int64_t after_id,
                                                  std::size_t limit) override;

 private:
  storage::NewsStore& news_;
  storage::CommentStore& comments_;
};

}  // namespace herald::discussion
