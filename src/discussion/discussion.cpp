#include "discussion/discussion.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "i18n/i18n.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

namespace herald::discussion {

namespace json = boost::json;
using content::Comment;
using content::CommentState;
using content::DiscussionMode;
using content::Outcome;

namespace {
constexpr std::int64_t kDay = 86400;

std::string text_of(std::string_view reason, std::size_t max_chars) {
  std::string r(reason);
  while (!r.empty() && (r.back() == ' ' || r.back() == '\n' || r.back() == '\r')) r.pop_back();
  std::size_t lead = 0;
  while (lead < r.size() && (r[lead] == ' ' || r[lead] == '\n' || r[lead] == '\r')) ++lead;
  r.erase(0, lead);
  if (!util::utf8_valid(r) || util::utf8_length(r) > max_chars) return {};
  for (unsigned char c : r)
    if (c < 0x20 && c != '\n') return {};
  return r;
}
}  // namespace

json::object live_comment(const Comment& c) {
  return json::object{{"kind", "comment"},
                      {"id", c.id},
                      {"parent_id", c.parent_id},
                      {"reply_to", c.reply_to_id},
                      {"reply_to_name", c.reply_to_name},
                      {"user", json::object{{"id", c.user_id}, {"name", c.user_name},
                                            {"staff", c.author_staff}}},
                      {"text", c.text},
                      {"at", c.created_at}};
}

Discussions::Discussions(storage::NewsStore& news, storage::CommentStore& comments,
                         storage::AccountStore& accounts, live::EventBus& bus, Options options,
                         const util::Clock& clock)
    : news_(news), comments_(comments), accounts_(accounts), bus_(bus), o_(options), clock_(clock) {}

Result Discussions::refuse(Outcome o, std::string code, std::string key,
                           std::vector<std::pair<std::string, std::string>> args) {
  Result r;
  r.outcome = o;
  r.code = std::move(code);
  r.key = std::move(key);
  r.args = std::move(args);
  return r;
}

bool Discussions::moderates(const content::User& who) const {
  return !who.disabled && content::can(who.role, content::Action::Moderate);
}

Status Discussions::status(const content::Article& story, storage::CommentStore* reads) {
  Status s;
  auto row = (reads ? *reads : comments_).settings(story.id, story.section_id);
  auto own = row.story_mode;
  auto mode = own ? *own : row.section_mode.value_or(DiscussionMode::Open);
  s.mode = mode;
  // A story's own "open" keeps it open past the age limit (a moderator reopened it).
  if (!own && mode != DiscussionMode::Closed && o_.close_after_days > 0) {
    s.closes_at = story.published_at + o_.close_after_days * kDay;
    if (clock_.now() >= s.closes_at) {
      s.mode = DiscussionMode::Closed;
      s.closed_by_age = true;
    }
  }
  s.count = row.visible;
  s.slow_s = row.slow_s;
  return s;
}

void Discussions::watch(const content::Article& story, const Status& st) {
  if (!o_.auto_switch || st.mode != DiscussionMode::Open) return;
  auto now = clock_.now();
  {
    std::lock_guard lock(watch_mu_);
    auto& at = watched_[story.id];
    if (now - at < 30) return;
    at = now;
    if (watched_.size() > 10000) watched_.clear();  // (bounded: stories come and go)
  }
  auto [recent, recent_refused] = comments_.activity(story.id, now - 600);
  auto [hour, hour_refused] = comments_.activity(story.id, now - 3600);
  Comment none;
  none.article_id = story.id;
  if (hour >= o_.auto_min_recent && hour_refused > o_.auto_refused_share * hour) {
    comments_.set_story_mode(story.id, DiscussionMode::Premoderated);
    log(nullptr, "auto_premoderate", none,
        std::to_string(hour_refused) + " of " + std::to_string(hour) + " comments refused in an hour", true);
    return;
  }
  // The 50 minutes before the last 10, per 10 minutes: the story's usual level lately.
  double before = (hour - recent) / 5.0;
  if (st.slow_s == 0 && recent >= o_.auto_min_recent && recent > o_.auto_rate_factor * std::max(before, 1.0)) {
    comments_.set_story_slow(story.id, o_.auto_slow_s);
    log(nullptr, "auto_slow", none,
        std::to_string(recent) + " comments in 10 minutes against " + std::to_string(static_cast<int>(before)) +
            " before; one per " + std::to_string(o_.auto_slow_s) + " s",
        true);
  }
}

Page Discussions::page(content::Id story_id, content::CommentSort sort,
                       std::optional<storage::CommentCursor> after, int threads, int replies_shown) {
  Page p;
  threads = std::clamp(threads, 1, 100);
  auto firsts = comments_.threads(story_id, sort, after, threads + 1);
  if (static_cast<int>(firsts.size()) > threads) {
    firsts.resize(threads);
    p.next = storage::CommentCursor{firsts.back().best, firsts.back().id};
  }
  if (!after) p.picks = comments_.picks(story_id, 3);
  for (auto& f : firsts) {
    Thread t;
    if (replies_shown > 0 && f.replies > 0) t.replies = comments_.replies(f.id, 0, replies_shown);
    t.more_replies = f.replies > static_cast<int>(t.replies.size());
    t.first = std::move(f);
    p.threads.push_back(std::move(t));
  }
  return p;
}

std::vector<Comment> Discussions::replies(content::Id thread_id, content::Id after_id, int limit) {
  return comments_.replies(thread_id, after_id, std::clamp(limit, 1, 100));
}

Result Discussions::post(const content::User& who, content::Id story_id, content::Id reply_to,
                         std::string_view typed) {
  if (!who.id || who.disabled) return refuse(Outcome::Forbidden, "login", "comment_login");
  auto story = news_.article(story_id);
  if (!story || story->status != content::Status::Published)
    return refuse(Outcome::NotFound, "not_found", "comment_no_story");
  auto st = status(*story);
  if (st.mode == DiscussionMode::Closed)
    return refuse(Outcome::Invalid, "closed", "comment_closed");
  auto text = content::prepare_comment_text(typed);
  if (!text.error.empty())
    return refuse(Outcome::Invalid, "bad_text", text.error,
                  {{"max", std::to_string(content::kCommentMaxChars)}});
  Comment c;
  c.article_id = story_id;
  c.user_id = who.id;
  c.user_name = who.display_name;
  c.author_staff = content::is_staff(who.role);
  if (reply_to) {
    auto parent = comments_.comment(reply_to);
    if (!parent || parent->article_id != story_id)
      return refuse(Outcome::NotFound, "no_parent", "comment_no_parent");
    if (!content::shown(parent->state))
      return refuse(Outcome::Invalid, "parent_gone", "comment_parent_gone");
    // Two levels: a reply to a reply joins the same thread and names whom it answers.
    c.parent_id = parent->parent_id ? parent->parent_id : parent->id;
    c.reply_to_id = parent->id;
    c.reply_to_name = parent->user_name;
    if (c.parent_id != parent->id) {
      auto first = comments_.comment(c.parent_id);
      if (!first || (!content::shown(first->state) && first->state != CommentState::Deleted &&
                     first->state != CommentState::Removed))
        return refuse(Outcome::Invalid, "parent_gone", "comment_parent_gone");
    }
  }
  auto now = clock_.now();
  bool mod = moderates(who);
  if (!mod) {
    if (auto ban = comments_.ban_of(who.id, now)) {
      if (ban->until)
        return refuse(Outcome::Forbidden, "banned", "comment_banned_until",
                      {{"until", i18n::iso8601(ban->until)}});
      return refuse(Outcome::Forbidden, "banned", "comment_banned");
    }
  }
  std::string word;
  if (auto refused = refuse_words(who, text.text, now, word)) return std::move(*refused);
  if (!mod && st.slow_s > 0) {
    std::string key = "comment-slow:" + std::to_string(who.id) + ":" + std::to_string(story_id);
    if (auto wait = limits().hit(key, 1, st.slow_s, now)) {
      auto r = refuse(Outcome::TooSoon, "slow_mode", "comment_slow_mode",
                      {{"seconds", std::to_string(wait)}, {"every", std::to_string(st.slow_s)}});
      r.retry_after = wait;
      return r;
    }
  }
  if (!mod) {
    // Counted where every node counts when several share the database.
    if (auto wait = limits().hit("comment:" + std::to_string(who.id), o_.post_burst,
                                 static_cast<std::int64_t>(o_.post_every_s) * o_.post_burst, now)) {
      auto r = refuse(Outcome::TooSoon, "too_soon", "comment_too_soon",
                      {{"seconds", std::to_string(wait)}});
      r.retry_after = wait;
      return r;
    }
  }
  c.text = std::move(text.text);
  c.created_at = now;
  c.state = CommentState::Visible;
  if (!mod) {
    auto held = [&](const char* why) {
      c.state = CommentState::Pending;
      c.held_for = why;
    };
    if (!word.empty()) {
      held("held_suspect_word");
    } else if (st.mode == DiscussionMode::Premoderated) {
      held("held_premoderated");
    } else if (o_.held_first > 0 && comments_.written(who.id, o_.held_first) < o_.held_first) {
      held("held_new_account");
    } else {
      auto [decided, rejected] = comments_.decisions(who.id, now - o_.rejection_days * kDay);
      if (decided >= o_.rejection_min && rejected > o_.rejection_share * decided) held("held_rejections");
    }
    // The scorer only holds: a person decides.
    if (c.state == CommentState::Visible && o_.scorer_hold > 0 && !scorer().languages().empty()) {
      auto s = scorer().score(language_of_edition(story->edition_id), c.text);
      if (s.trained && s.refuse >= o_.scorer_hold) held("held_scorer");
    }
  }
  c.id = comments_.add(c);
  watch(*story, st);
  Result r;
  r.outcome = Outcome::Created;
  if (c.state == CommentState::Visible) {
    publish(story_id, live_comment(c));
  } else {
    r.key = "comment_held";
    log(nullptr, "hold", c, c.held_for, true);
  }
  r.comment = std::move(c);
  return r;
}

Result Discussions::edit(const content::User& who, content::Id id, std::string_view typed) {
  auto c = comments_.comment(id);
  if (!c || !(content::shown(c->state) || c->state == CommentState::Pending))
    return refuse(Outcome::NotFound, "not_found", "comment_not_found");
  if (c->user_id != who.id || who.disabled)
    return refuse(Outcome::Forbidden, "not_yours", "comment_not_yours");
  auto now = clock_.now();
  if (now > c->created_at + o_.edit_window_s)
    return refuse(Outcome::Invalid, "too_late", "comment_edit_too_late",
                  {{"minutes", std::to_string(o_.edit_window_s / 60)}});
  auto story = news_.article(c->article_id);
  if (!story || status(*story).mode == DiscussionMode::Closed)
    return refuse(Outcome::Invalid, "closed", "comment_closed");
  auto text = content::prepare_comment_text(typed);
  if (!text.error.empty())
    return refuse(Outcome::Invalid, "bad_text", text.error,
                  {{"max", std::to_string(content::kCommentMaxChars)}});
  std::string word;
  if (auto refused = refuse_words(who, text.text, now, word)) return std::move(*refused);
  comments_.edit(id, text.text, now);
  c->text = std::move(text.text);
  if (!word.empty() && !moderates(who) && content::shown(c->state)) {
    // Now with a suspect word: held again until a moderator has read it.
    comments_.set_state(id, CommentState::Pending, "held_suspect_word");
    publish(c->article_id, json::object{{"kind", "removed"}, {"id", id}});
    c->state = CommentState::Pending;
    log(nullptr, "hold", *c, "held_suspect_word", true);
    Result r;
    r.key = "comment_held";
    r.comment = std::move(c);
    return r;
  }
  c->edited_at = now;
  if (content::shown(c->state))
    publish(c->article_id, json::object{{"kind", "edited"}, {"id", id}, {"text", c->text},
                                        {"edited_at", now}});
  Result r;
  r.comment = std::move(c);
  return r;
}

Result Discussions::remove(const content::User& who, content::Id id, std::string_view reason) {
  auto c = comments_.comment(id);
  if (!c || c->state == CommentState::Deleted || c->state == CommentState::Removed)
    return refuse(Outcome::NotFound, "not_found", "comment_not_found");
  bool own = c->user_id == who.id && who.id && !who.disabled;
  if (!own && !moderates(who)) return refuse(Outcome::Forbidden, "not_yours", "comment_not_yours");
  bool was_shown = content::shown(c->state);
  if (own) {
    comments_.set_state(id, CommentState::Deleted, "");
  } else {
    std::string why = text_of(reason, o_.max_reason_chars);
    comments_.set_state(id, CommentState::Removed, "");
    log(&who, "remove", *c, why);
    learn(*c, true);
    state_reasons(*c, "statement_removed", why, false);
  }
  if (was_shown) publish(c->article_id, json::object{{"kind", "removed"}, {"id", id}});
  Result r;
  c->state = own ? CommentState::Deleted : CommentState::Removed;
  r.comment = std::move(c);
  return r;
}

Result Discussions::vote(const content::User& who, content::Id id, int value) {
  if (!who.id || who.disabled) return refuse(Outcome::Forbidden, "login", "comment_login");
  if (value < -1 || value > 1) return refuse(Outcome::BadInput, "bad_vote", "comment_bad_vote");
  auto c = comments_.comment(id);
  if (!c || !content::shown(c->state)) return refuse(Outcome::NotFound, "not_found", "comment_not_found");
  if (c->user_id == who.id) return refuse(Outcome::Invalid, "own", "comment_vote_own");
  auto v = comments_.vote(id, who.id, value);
  if (!v) return refuse(Outcome::NotFound, "not_found", "comment_not_found");
  Result r;
  r.votes = *v;
  return r;
}

Result Discussions::report(const content::User& who, content::Id id, std::string_view reason) {
  if (!who.id || who.disabled) return refuse(Outcome::Forbidden, "login", "comment_login");
  auto c = comments_.comment(id);
  if (!c || !content::shown(c->state)) return refuse(Outcome::NotFound, "not_found", "comment_not_found");
  if (c->user_id == who.id) return refuse(Outcome::Invalid, "own", "comment_report_own");
  std::string why = text_of(reason, o_.max_reason_chars);
  if (why.empty())
    return refuse(Outcome::Invalid, "no_reason", "comment_report_reason",
                  {{"max", std::to_string(o_.max_reason_chars)}});
  int reporters = comments_.report(id, who.id, why, clock_.now());
  if (reporters >= o_.reports_to_hide && c->state == CommentState::Visible) {
    comments_.set_state(id, CommentState::Hidden, "held_reports");
    log(nullptr, "hide", *c, std::to_string(reporters) + " reports", true);
    publish(c->article_id, json::object{{"kind", "removed"}, {"id", id}});
  }
  Result r;
  r.key = "comment_reported";
  return r;
}

std::vector<Comment> Discussions::queue(const content::User& who, int limit) {
  if (!moderates(who)) return {};
  return comments_.queue(limit);
}

Result Discussions::approve(const content::User& who, content::Id id) {
  if (!moderates(who)) return refuse(Outcome::Forbidden, "forbidden", "comment_moderators_only");
  auto c = comments_.comment(id);
  if (!c) return refuse(Outcome::NotFound, "not_found", "comment_not_found");
  if (c->state == CommentState::Deleted)
    return refuse(Outcome::Conflict, "deleted", "comment_deleted_by_author");
  bool was_shown = content::shown(c->state);
  comments_.set_state(id, CommentState::Visible, "");
  log(&who, "approve", *c, "");
  learn(*c, false);
  c->state = CommentState::Visible;
  // An approved comment arrives as an ordinary new one.
  if (!was_shown) publish(c->article_id, live_comment(*c));
  Result r;
  r.comment = std::move(c);
  return r;
}

Result Discussions::reject(const content::User& who, content::Id id, std::string_view reason) {
  if (!moderates(who)) return refuse(Outcome::Forbidden, "forbidden", "comment_moderators_only");
  auto c = comments_.comment(id);
  if (!c || c->state == CommentState::Deleted)
    return refuse(Outcome::NotFound, "not_found", "comment_not_found");
  std::string why = text_of(reason, o_.max_reason_chars);
  if (why.empty())
    return refuse(Outcome::Invalid, "no_reason", "comment_reject_reason",
                  {{"max", std::to_string(o_.max_reason_chars)}});
  bool was_shown = content::shown(c->state);
  comments_.set_state(id, CommentState::Rejected, "");
  log(&who, "reject", *c, why);
  learn(*c, true);
  // Held by a rule (reports, words, the scorer) before a person decided: automation was involved.
  state_reasons(*c, "statement_rejected", why, !c->held_for.empty());
  // Rejections are never broadcast; a comment readers could see simply goes away.
  if (was_shown) publish(c->article_id, json::object{{"kind", "removed"}, {"id", id}});
  Result r;
  c->state = CommentState::Rejected;
  r.comment = std::move(c);
  return r;
}

Result Discussions::pick(const content::User& who, content::Id id, bool on) {
  if (!moderates(who) && !content::is_staff(who.role))
    return refuse(Outcome::Forbidden, "forbidden", "comment_staff_only");
  auto c = comments_.comment(id);
  if (!c || !content::shown(c->state)) return refuse(Outcome::NotFound, "not_found", "comment_not_found");
  comments_.set_picked(id, on);
  log(&who, on ? "pick" : "unpick", *c, "");
  c->picked = on;
  Result r;
  r.comment = std::move(c);
  return r;
}

Result Discussions::ban(const content::User& who, content::Id user_id, int minutes,
                        std::string_view reason) {
  if (!moderates(who)) return refuse(Outcome::Forbidden, "forbidden", "comment_moderators_only");
  if (minutes < 0 || minutes > 5256000)
    return refuse(Outcome::Invalid, "bad_duration", "comment_ban_duration");
  if (user_id == who.id) return refuse(Outcome::Invalid, "self", "comment_ban_self");
  auto u = accounts_.user_by_id(user_id);
  if (!u) return refuse(Outcome::NotFound, "no_user", "comment_no_user");
  if (moderates(*u)) return refuse(Outcome::Forbidden, "moderator", "comment_ban_moderator");
  std::string why = text_of(reason, o_.max_reason_chars);
  if (why.empty())
    return refuse(Outcome::Invalid, "no_reason", "comment_ban_reason",
                  {{"max", std::to_string(o_.max_reason_chars)}});
  auto now = clock_.now();
  comments_.ban({user_id, "", minutes ? now + minutes * 60LL : 0, why, who.id, now});
  Comment none;
  none.user_id = user_id;
  if (o_.mail && o_.catalog) {
    // In the language of the edition they last wrote in.
    auto last = comments_.by_user(user_id, 0, 1);
    std::string lang = last.empty() ? std::string("en") : language_of(last.front().article_id);
    mail(u->email, lang, "statement_subject", "statement_banned",
         {{"name", u->display_name},
          {"until", minutes ? i18n::iso8601(now + minutes * 60LL) : o_.catalog->text(lang, "comment_ban_for_good")},
          {"reason", why},
          {"contact", o_.contact}});
  }
  log(&who, "ban", none, why + (minutes ? " (" + std::to_string(minutes) + " min)" : " (for good)"));
  return {};
}

Result Discussions::lift_ban(const content::User& who, content::Id user_id) {
  if (!moderates(who)) return refuse(Outcome::Forbidden, "forbidden", "comment_moderators_only");
  if (!comments_.lift_ban(user_id)) return refuse(Outcome::NotFound, "no_ban", "comment_no_ban");
  Comment none;
  none.user_id = user_id;
  log(&who, "lift", none, "");
  return {};
}

Result Discussions::set_story_mode(const content::User& who, content::Id story_id,
                                   std::optional<DiscussionMode> mode) {
  if (!moderates(who) && !content::can(who.role, content::Action::EditAny))
    return refuse(Outcome::Forbidden, "forbidden", "comment_moderators_only");
  auto story = news_.article(story_id);
  if (!story) return refuse(Outcome::NotFound, "not_found", "comment_no_story");
  comments_.set_story_mode(story_id, mode);
  Comment none;
  none.article_id = story_id;
  log(&who, "mode", none, mode ? content::to_string(*mode) : "section");
  return {};
}

std::shared_ptr<const content::WordList> Discussions::word_list() {
  // Read again every few seconds: a word a moderator adds on any node applies soon everywhere.
  std::lock_guard lock(words_mu_);
  auto now = std::chrono::steady_clock::now();
  if (!words_ || now - words_at_ > std::chrono::seconds(5)) {
    words_ = std::make_shared<const content::WordList>(comments_.words());
    words_at_ = now;
  }
  return words_;
}

std::vector<content::WordRule> Discussions::words() { return comments_.words(); }

Result Discussions::set_word(const content::User& who, std::string_view word,
                             std::optional<content::WordKind> kind) {
  if (!moderates(who)) return refuse(Outcome::Forbidden, "forbidden", "comment_moderators_only");
  std::string w = text_of(word, 100);
  if (w.empty() || content::word_skeletons(w).empty() || w.find('\n') != std::string::npos)
    return refuse(Outcome::Invalid, "bad_word", "comment_bad_word");
  if (kind)
    comments_.set_word({w, *kind});
  else if (!comments_.remove_word(w))
    return refuse(Outcome::NotFound, "no_word", "comment_no_word");
  Comment none;
  log(&who, kind ? (*kind == content::WordKind::Banned ? "word_ban" : "word_suspect") : "word_remove",
      none, w);
  std::lock_guard lock(words_mu_);
  words_.reset();  // this node applies it at once
  return {};
}

Result Discussions::notice(const content::User* who, content::Id comment_id, std::string_view reason,
                           std::string_view explanation, std::string_view email_in) {
  auto c = comments_.comment(comment_id);
  if (!c || !content::shown(c->state)) return refuse(Outcome::NotFound, "not_found", "comment_not_found");
  std::string why = text_of(reason, 100);
  std::string text = text_of(explanation, o_.max_notice_chars);
  std::string email = content::normalize_email(std::string(who && email_in.empty() ? who->email : email_in));
  if (why.empty()) return refuse(Outcome::Invalid, "no_reason", "notice_reason");
  if (text.empty())
    return refuse(Outcome::Invalid, "no_explanation", "notice_explanation",
                  {{"max", std::to_string(o_.max_notice_chars)}});
  if (email.empty()) return refuse(Outcome::Invalid, "bad_email", "notice_email");
  // A sender may not flood the queue: notices are counted per address and per person.
  if (auto wait = limits().hit("notice:" + email, 10, 3600, clock_.now())) {
    auto r = refuse(Outcome::TooSoon, "too_soon", "comment_too_soon", {{"seconds", std::to_string(wait)}});
    r.retry_after = wait;
    return r;
  }
  storage::CommentNotice n;
  n.comment_id = comment_id;
  n.reason = why;
  n.explanation = text;
  n.email = email;
  n.user_id = who ? who->id : 0;
  n.at = clock_.now();
  auto id = comments_.add_notice(n);
  Comment none = *c;
  log(nullptr, "notice", none, why + " (notice " + std::to_string(id) + ")", true);
  mail(email, language_of(c->article_id), "notice_ack_subject", "notice_ack_body",
       {{"id", std::to_string(id)}, {"reason", why}, {"text", c->text}});
  Result r;
  r.outcome = Outcome::Created;
  r.key = "notice_received";
  r.args = {{"id", std::to_string(id)}};
  return r;
}

Result Discussions::decide_notice(const content::User& who, std::int64_t notice_id, bool remove_it,
                                  std::string_view reply) {
  if (!moderates(who)) return refuse(Outcome::Forbidden, "forbidden", "comment_moderators_only");
  auto n = comments_.notice(notice_id);
  if (!n) return refuse(Outcome::NotFound, "not_found", "notice_not_found");
  std::string why = text_of(reply, o_.max_reason_chars);
  if (why.empty())
    return refuse(Outcome::Invalid, "no_reason", "comment_reject_reason",
                  {{"max", std::to_string(o_.max_reason_chars)}});
  if (n->decided_at) return refuse(Outcome::Conflict, "decided", "notice_decided");
  auto c = comments_.comment(n->comment_id);
  if (remove_it && c && c->state != CommentState::Deleted && c->state != CommentState::Removed) {
    auto r = remove(who, c->id, why);
    if (!r.ok()) return r;
  }
  if (!comments_.decide_notice(notice_id, remove_it ? "removed" : "kept", why, who.id, clock_.now()))
    return refuse(Outcome::Conflict, "decided", "notice_decided");
  Comment about = c ? *c : Comment{};
  log(&who, remove_it ? "notice_removed" : "notice_kept", about, why);
  mail(n->email, c ? language_of(c->article_id) : "en", "notice_decision_subject",
       remove_it ? "notice_decision_removed" : "notice_decision_kept",
       {{"id", std::to_string(notice_id)}, {"reason", why}, {"contact", o_.contact}});
  return {};
}

std::string Discussions::language_of(content::Id story_id) {
  auto a = news_.article(story_id);
  if (a)
    for (auto& e : news_.editions())
      if (e.id == a->edition_id) return e.language;
  return "en";
}

void Discussions::mail(const std::string& to, const std::string& lang,
                       const std::string& subject_key, const std::string& body_key,
                       std::vector<std::pair<std::string, std::string>> args) {
  if (!o_.mail || !o_.catalog || to.empty()) return;
  o_.mail->enqueue(mail::Mail{to, i18n::fill(o_.catalog->text(lang, subject_key), args),
                              i18n::fill(o_.catalog->text(lang, body_key), args)});
}

void Discussions::state_reasons(const Comment& c, const std::string& what_key,
                                std::string_view reason, bool automated) {
  if (!o_.mail || !o_.catalog) return;
  auto u = accounts_.user_by_id(c.user_id);
  if (!u || u->email.empty()) return;
  auto lang = language_of(c.article_id);
  auto story = news_.article(c.article_id);
  mail(u->email, lang, "statement_subject", what_key,
       {{"name", u->display_name},
        {"story", story ? story->headline : std::string()},
        {"text", c.text},
        {"reason", std::string(reason)},
        {"automated", o_.catalog->text(lang, automated ? "statement_automated_yes" : "statement_automated_no")},
        {"contact", o_.contact}});
}

Result Discussions::set_story_slow(const content::User& who, content::Id story_id, int seconds) {
  if (!moderates(who) && !content::can(who.role, content::Action::EditAny))
    return refuse(Outcome::Forbidden, "forbidden", "comment_moderators_only");
  if (seconds < 0 || seconds > 3600) return refuse(Outcome::Invalid, "bad_slow", "comment_bad_slow");
  if (!news_.article(story_id)) return refuse(Outcome::NotFound, "not_found", "comment_no_story");
  comments_.set_story_slow(story_id, seconds);
  Comment none;
  none.article_id = story_id;
  log(&who, "slow", none, std::to_string(seconds) + " s");
  return {};
}

Result Discussions::set_section_mode(const content::User& who, content::Id section_id,
                                     std::optional<DiscussionMode> mode) {
  if (!moderates(who) && !content::can(who.role, content::Action::ManageSite))
    return refuse(Outcome::Forbidden, "forbidden", "comment_moderators_only");
  bool found = false;
  for (auto& s : news_.sections()) found = found || s.id == section_id;
  if (!found) return refuse(Outcome::NotFound, "not_found", "comment_no_section");
  comments_.set_section_mode(section_id, mode);
  Comment none;
  log(&who, "section_mode", none,
      "section " + std::to_string(section_id) + ": " + (mode ? content::to_string(*mode) : "open"));
  return {};
}

content::Scorer& Discussions::scorer(bool* reloaded) {
  std::lock_guard lock(scorer_mu_);
  auto now = std::chrono::steady_clock::now();
  if (!scorer_loaded_ || now - scorer_at_ > std::chrono::minutes(5)) {
    if (reloaded) *reloaded = true;
    scorer_loaded_ = true;
    scorer_at_ = now;
    scorer_.clear();
    for (auto& d : comments_.decisions_to_learn(20000)) scorer_.learn(d.language, d.text, d.refused);
  }
  return scorer_;
}

void Discussions::learn(const Comment& c, bool refused) {
  bool reloaded = false;
  scorer(&reloaded);  // a reload just now read this decision from the log already
  if (!reloaded) scorer_.learn(language_of(c.article_id), c.text, refused);
}

std::string Discussions::language_of_edition(content::Id edition_id) {
  for (auto& e : news_.editions())
    if (e.id == edition_id) return e.language;
  return "en";
}

content::Scorer::Score Discussions::score(const Comment& c) {
  return scorer().score(language_of(c.article_id), c.text);
}

std::vector<std::pair<std::string, content::Scorer::Quality>> Discussions::scorer_quality() {
  std::vector<std::pair<std::string, content::Scorer::Quality>> out;
  auto& s = scorer();
  for (auto& lang : s.languages()) out.emplace_back(lang, s.quality(lang, o_.scorer_hold > 0 ? o_.scorer_hold : 0.9));
  return out;
}

Commenter Discussions::commenter(content::Id user_id) {
  Commenter c;
  auto now = clock_.now();
  c.record = comments_.record(user_id, now - o_.rejection_days * kDay);
  c.ban = comments_.ban_of(user_id, now);
  c.premoderated = c.record.decided_recent >= o_.rejection_min &&
                   c.record.rejected_recent > o_.rejection_share * c.record.decided_recent;
  return c;
}

void Discussions::log(const content::User* who, const char* action, const Comment& c,
                      std::string_view reason, bool automated) {
  storage::ModerationEntry e;
  e.at = clock_.now();
  e.moderator_id = who ? who->id : 0;
  e.action = action;
  e.comment_id = c.id;
  e.user_id = c.user_id;
  e.article_id = c.article_id;
  e.reason = std::string(reason);
  e.automated = automated;
  comments_.log(e);
  spdlog::info("discussion: {} {} comment {} of user {} by {}", automated ? "auto" : "moderator",
               action, c.id, c.user_id, who ? who->id : 0);
}

std::optional<Result> Discussions::refuse_words(const content::User& who, const std::string& text,
                                               std::int64_t now, std::string& suspect) {
  bool new_account = who.created_at > now - o_.new_account_days * kDay;
  if (!moderates(who) && new_account && content::count_links(text) > o_.new_account_links)
    return refuse(Outcome::Invalid, "too_many_links", "comment_too_many_links",
                  {{"max", std::to_string(o_.new_account_links)}});
  content::WordKind kind{};
  std::string word = word_list()->match(text, kind);
  if (!word.empty() && kind == content::WordKind::Banned)
    return refuse(Outcome::Invalid, "banned_word", "comment_banned_word", {{"word", word}});
  suspect = std::move(word);
  return std::nullopt;
}

void Discussions::publish(content::Id story_id, const json::object& event) {
  bus_.publish(channel(story_id), json::serialize(event));
}

std::string DiscussionChannels::check_subscribe(const live::Member&, const std::string& channel) {
  auto id = util::int_after(channel, "comments:");
  if (!id) return "Unknown channel; use comments:<story id>.";
  auto a = news_.article(id);
  if (a && a->status == content::Status::Published) return {};
  return "There is no such story.";
}

live::SendResult DiscussionChannels::send(const live::Member&, const std::string&,
                                          const json::object&) {
  live::SendResult r;
  r.code = "bad_channel";
  r.message = "Comments are posted with the story's comment form, not on the live channel.";
  return r;
}

std::optional<std::vector<std::string>> DiscussionChannels::recover(const std::string& channel,
                                                                    std::int64_t after_id,
                                                                    std::size_t limit) {
  auto story = util::int_after(channel, "comments:");
  if (!story || after_id < 0) return std::nullopt;
  auto missed = comments_.visible_after(story, after_id, static_cast<int>(limit) + 1);
  if (missed.size() > limit) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(missed.size());
  for (auto& c : missed) out.push_back(json::serialize(live_comment(c)));
  return out;
}

}  // namespace herald::discussion
