// The discussion under every story (server-rendered, cached with the story page, purged when
// it changes), the discussion pages (sorting, "show more" by keyset, a thread's replies), the
// comment box for readers without JavaScript, the comment API, and moderation.
#include "discussion/pages.hpp"

#include <boost/json.hpp>
#include <ctemplate/template.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "content/comment.hpp"
#include "http/forms.hpp"
#include "i18n/i18n.hpp"
#include "util/text.hpp"

namespace herald::discussion {

using ctemplate::TemplateDictionary;
namespace json = boost::json;
using content::Comment;
using content::CommentSort;
using content::CommentState;

namespace {
constexpr int kThreadsPerPage = 20;
constexpr int kRepliesShown = 3;
constexpr int kRepliesPerPage = 50;

// "best.id" for the best order, "id" for the others.
std::string cursor_param(CommentSort sort, const storage::CommentCursor& c) {
  if (sort == CommentSort::Best) return std::to_string(c.best) + "." + std::to_string(c.id);
  return std::to_string(c.id);
}

std::optional<storage::CommentCursor> parse_after(CommentSort sort, std::string_view s) {
  if (s.empty()) return std::nullopt;
  storage::CommentCursor c;
  if (sort == CommentSort::Best) {
    auto dot = s.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    auto b = util::to_int(s.substr(0, dot));
    auto i = util::to_int(s.substr(dot + 1));
    if (!b || !i || *b < 0 || *i <= 0) return std::nullopt;
    c.best = *b;
    c.id = *i;
    return c;
  }
  auto i = util::to_int(s);
  if (!i || *i <= 0) return std::nullopt;
  c.id = *i;
  return c;
}

const char* sort_key(CommentSort s) {
  switch (s) {
    case CommentSort::Best: return "comments_sort_best";
    case CommentSort::Newest: return "comments_sort_newest";
    case CommentSort::Oldest: return "comments_sort_oldest";
  }
  return "comments_sort_newest";
}
}  // namespace

json::object comment_json(const Comment& c) {
  json::object o{{"id", c.id},
                 {"story_id", c.article_id},
                 {"parent_id", c.parent_id},
                 {"reply_to", c.reply_to_id},
                 {"reply_to_name", c.reply_to_name},
                 {"user", json::object{{"id", c.user_id},
                                       {"name", c.user_name},
                                       {"staff", c.author_staff},
                                       {"story_author", c.story_author}}},
                 {"state", content::to_string(c.state)},
                 {"at", c.created_at},
                 {"edited_at", c.edited_at},
                 {"likes", c.likes},
                 {"dislikes", c.dislikes},
                 {"replies", c.replies},
                 {"picked", c.picked}};
  // The text of a deleted comment is not shown to anyone but moderators and its author.
  if (content::shown(c.state)) o["text"] = c.text;
  return o;
}

std::unique_ptr<web::Module> pages(web::App& app, Discussions& d) {
  return std::make_unique<Pages>(app, d);
}

Pages::Pages(web::App& app, Discussions& disc) : web::Handlers(app.kit()), d(&disc) {
  kit.under_story = [this](const content::Edition& e, const content::Article& a, bool fragment,
                           storage::NewsReader& news) {
    return under_story(e, a, fragment, news.comments_in_snapshot());
  };
  kit.comment_counts = [this](const std::vector<content::Id>& ids) {
    std::unordered_map<content::Id, int> out;
    for (auto& [id, n] : d->store().counts(ids)) out[id] = n;
    return out;
  };
  using A = Pages;
  // Reader pages: the same for everyone, cached and purged with the story.
  app.page("/:edition/comments/:id",
           [this](const net::Request& r, const http::Params& p, storage::NewsReader& news) {
             return discussion_page(r, p, news);
           },
           {"sort", "after", "thread", "fragment"});
  app.page("/api/v1/discussions/:id",
           [this](const net::Request& r, const http::Params& p, storage::NewsReader& news) {
             return api_discussion(r, p, news);
           },
           {"sort", "after", "thread"});
  app.owns("/discussion/");
  app.owns("/api/v1/comments");
  app.owns("/api/v1/moderation/");
  app.owns("/api/v1/notices");
  web::Rows<A> on(app, this);
  constexpr std::size_t kCommentBody = 16 * 1024;  // 2,000 characters of 4 bytes, and the form
  on("GET", "/discussion/:id/write", Need::Anyone, {}, &A::write_page);
  on("POST", "/discussion/:id/write", Need::Login, {}, &A::write_post, kCommentBody);
  on("POST", "/api/v1/comments", Need::Login, {}, &A::api_post, kCommentBody);
  on("PATCH", "/api/v1/comments/:id", Need::Login, {}, &A::api_edit, kCommentBody);
  on("DELETE", "/api/v1/comments/:id", Need::Login, {}, &A::api_delete, 4096);
  on("POST", "/api/v1/comments/:id/vote", Need::Login, {}, &A::api_vote, 1024);
  on("POST", "/api/v1/comments/:id/report", Need::Login, {}, &A::api_report, 4096);
  on("GET", "/api/v1/me/comments", Need::Login, {}, &A::api_my_comments);
  using content::Action;
  on("GET", "/api/v1/moderation/queue", Need::Staff, Action::Moderate, &A::api_queue);
  on("POST", "/api/v1/moderation/comments/:id", Need::Staff, Action::Moderate, &A::api_moderate, 4096);
  on("POST", "/api/v1/moderation/bans", Need::Staff, Action::Moderate, &A::api_ban, 4096);
  on("DELETE", "/api/v1/moderation/bans/:id", Need::Staff, Action::Moderate, &A::api_lift_ban);
  on("PUT", "/api/v1/moderation/stories/:id", Need::Staff, Action::Moderate, &A::api_story_mode, 1024);
  on("PUT", "/api/v1/moderation/sections/:id", Need::Staff, Action::Moderate, &A::api_section_mode, 1024);
  on("GET", "/newsroom/moderation", Need::Staff, Action::Moderate, &A::moderation_page);
  on("POST", "/newsroom/moderation", Need::Staff, Action::Moderate, &A::moderation_post, 8192);
  on("POST", "/api/v1/moderation/words", Need::Staff, Action::Moderate, &A::api_words, 1024);
  on("POST", "/api/v1/moderation/notices/:id", Need::Staff, Action::Moderate, &A::api_decide_notice, 4096);
  // Everything moderators did: for admins.
  on("GET", "/newsroom/moderation/log", Need::Staff, Action::ManageSite, &A::moderation_log_page);
  on("GET", "/api/v1/moderation/log", Need::Staff, Action::ManageSite, &A::api_moderation_log);
  // Notices of illegal content: anyone, logged in or not.
  on("GET", "/discussion/notice/:id", Need::Anyone, {}, &A::notice_page);
  on("POST", "/discussion/notice/:id", Need::Anyone, {}, &A::notice_post, 16 * 1024);
  on("POST", "/api/v1/notices", Need::Anyone, {}, &A::api_notice, 16 * 1024);
}

std::optional<Pages::Story> Pages::story(content::Id id) {
  if (id <= 0) return std::nullopt;
  auto a = store.article(id);
  if (!a || a->status != content::Status::Published) return std::nullopt;
  auto dd = dir();
  Story s;
  s.edition = dd->edition(a->edition_id);
  s.section = dd->section(a->section_id);
  if (!s.edition || !s.section) return std::nullopt;
  s.path = content::article_path(*s.edition, *s.section, *a);
  s.article = std::move(*a);
  return s;
}

std::string Pages::comment_html(const content::Edition& e, const Comment& c, bool reply) {
  TemplateDictionary dict("discussion");
  if (!content::shown(c.state)) {
    auto* g = dict.AddSectionDictionary("GONE");
    g->SetIntValue("ID", static_cast<long>(c.id));
    return render(e.language, "discussion.tpl", dict);
  }
  auto* m = dict.AddSectionDictionary("COMMENT");
  m->SetIntValue("ID", static_cast<long>(c.id));
  m->SetIntValue("UID", static_cast<long>(c.user_id));
  m->SetIntValue("THREAD", static_cast<long>(c.parent_id ? c.parent_id : c.id));
  m->SetIntValue("AT", static_cast<long>(c.created_at));
  m->SetValue("NAME", c.user_name);
  if (c.author_staff) m->ShowSection("STAFF");
  if (c.story_author) m->ShowSection("AUTHOR");
  if (reply) m->ShowSection("IS_REPLY");
  if (c.picked) m->ShowSection("PICKED");
  if (reply && c.reply_to_id && c.reply_to_id != c.parent_id)
    m->AddSectionDictionary("REPLY_TO")->SetValue("NAME", c.reply_to_name);
  m->SetValue("ISO", i18n::iso8601(c.created_at));
  m->SetValue("WHEN", fmt_date(e, c.created_at, "date_short"));
  if (c.edited_at) m->ShowSection("EDITED");
  m->SetValue("HTML", content::comment_html(c.text));
  m->SetIntValue("LIKES", c.likes);
  m->SetIntValue("DISLIKES", c.dislikes);
  return render(e.language, "discussion.tpl", dict);
}

std::string Pages::thread_html(const content::Edition& e, const content::Article& a,
                               const Thread& t) {
  std::string replies;
  if (t.first.replies > 0) {
    TemplateDictionary dict("discussion");
    auto* r = dict.AddSectionDictionary("REPLIES");
    r->SetIntValue("THREAD", static_cast<long>(t.first.id));
    r->SetValue("LABEL", catalog.plural(e.language, "comment_replies", t.first.replies));
    std::string items;
    for (auto& c : t.replies) items += comment_html(e, c, true);
    r->SetValue("ITEMS", items);
    if (t.more_replies) {
      auto* more = r->AddSectionDictionary("MORE");
      std::string after = t.replies.empty() ? "" : "&after=" + std::to_string(t.replies.back().id);
      more->SetValue("URL", "/" + e.code + "/comments/" + std::to_string(a.id) +
                                "?thread=" + std::to_string(t.first.id) + after);
    }
    replies = render(e.language, "discussion.tpl", dict);
  }
  std::string html = comment_html(e, t.first, false);
  // The replies go inside the thread's <li>, before it closes.
  auto close = html.rfind("</li>");
  if (close != std::string::npos) html.insert(close, replies);
  return html;
}

std::string Pages::block(const content::Edition& e, const content::Article& a,
                         const std::string& path, CommentSort sort,
                         std::optional<storage::CommentCursor> after, bool items_only,
                         storage::CommentStore* reads) {
  // A story nobody has commented on (most of them, on a news site) costs one read.
  std::optional<Status> st;
  if (!items_only) st = d->status(a, reads);
  if (st && st->count == 0 && !after && sort == CommentSort::Newest)
    if (auto html = empty_box(e, a.id, path, *st)) return std::move(*html);
  auto page = st && st->count == 0 && !after
                  ? discussion::Page{}
                  : d->page(a.id, sort, after, kThreadsPerPage, kRepliesShown);
  return render_block(e, a, path, sort, after, items_only, st, page);
}

std::string Pages::render_block(const content::Edition& e, const content::Article& a,
                                const std::string& path, CommentSort sort,
                                std::optional<storage::CommentCursor> after, bool items_only,
                                const std::optional<Status>& st, const discussion::Page& page) {
  std::string items;
  std::optional<storage::CommentCursor> next = page.next;
  for (std::size_t i = 0; i < page.threads.size(); ++i) {
    items += thread_html(e, a, page.threads[i]);
    // However long the comments, the first page stays small: "show more" takes the rest.
    if (items.size() > kFirstPageBudget && i + 1 < page.threads.size()) {
      auto& last = page.threads[i].first;
      next = storage::CommentCursor{last.best, last.id};
      break;
    }
  }
  std::string base = "/" + e.code + "/comments/" + std::to_string(a.id);
  std::string more_url;
  if (next)
    more_url = base + "?sort=" + content::to_string(sort) + "&after=" + cursor_param(sort, *next);
  TemplateDictionary dict("discussion");
  if (items_only) {
    auto* f = dict.AddSectionDictionary("FRAGMENT");
    f->SetValue("ITEMS", items);
    if (next) f->AddSectionDictionary("MORE")->SetValue("URL", more_url);
    return render(e.language, "discussion.tpl", dict);
  }
  auto* b = dict.AddSectionDictionary("BLOCK");
  b->SetIntValue("STORY", static_cast<long>(a.id));
  b->SetValue("PATH", path);
  b->SetValue("SORT", content::to_string(sort));
  b->SetIntValue("COUNT", st->count);
  b->SetValue("COUNT_LABEL", catalog.plural(e.language, "comments_count", st->count));
  // Live updates start after the newest comment when the page was made: the live channel
  // recovers from the database what came after it (the page holds no position of this
  // node's bus, so every node serves the same bytes).
  b->SetIntValue("LAST_ID", static_cast<long>(st->count ? d->store().newest_visible(a.id) : 0));
  b->SetValue("BASE", base);
  if (st->mode == content::DiscussionMode::Closed) {
    b->AddSectionDictionary("CLOSED")->SetValue(
        "NOTE", catalog.text(e.language, st->closed_by_age ? "discussion_closed_age" : "discussion_closed"));
  } else {
    if (st->mode == content::DiscussionMode::Premoderated) b->ShowSection("PREMOD");
    if (st->slow_s > 0) b->AddSectionDictionary("SLOW")->SetIntValue("SECONDS", st->slow_s);
    auto* o = b->AddSectionDictionary("OPEN");
    o->SetValue("NEXT_Q", http::url_encode(path + "#comment-box"));
    o->SetValue("WRITE_URL", "/discussion/" + std::to_string(a.id) + "/write");
  }
  if (st->count > 0) {
    auto* sorts = b->AddSectionDictionary("SORTS");
    for (auto s : {CommentSort::Newest, CommentSort::Oldest, CommentSort::Best}) {
      auto* l = sorts->AddSectionDictionary("SORT_LINK");
      l->SetValue("URL", s == CommentSort::Newest && sort == CommentSort::Newest
                             ? path
                             : base + "?sort=" + content::to_string(s));
      l->SetValue("LABEL", catalog.text(e.language, sort_key(s)));
      if (s == sort) l->ShowSection("CURRENT");
    }
  }
  if (!page.picks.empty()) {
    std::string picks;
    for (auto& c : page.picks) picks += comment_html(e, c, c.parent_id != 0);
    b->AddSectionDictionary("PICKS")->SetValue("ITEMS", picks);
  }
  b->SetValue("ITEMS", items);
  if (next) b->AddSectionDictionary("MORE")->SetValue("URL", more_url);
  if (page.threads.empty() && !after) b->ShowSection("EMPTY");
  return render(e.language, "discussion.tpl", dict);
}

namespace {
// The empty discussion box is rendered once per edition and state with stand-ins for the
// story's id and path, cut where they stand, and filled in per story. The stand-ins (and the
// paths that may take their place) are made of characters no escaper changes.
constexpr content::Id kStandInId = 918273645546372819;
constexpr std::string_view kStandInPath = "/zqzq/zqzq-path";

bool plain_path(std::string_view p) {
  for (char c : p)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '/' || c == '-' || c == '_' || c == '.'))
      return false;
  return !p.empty();
}
}  // namespace

std::optional<std::string> Pages::empty_box(const content::Edition& e, content::Id id,
                                            const std::string& path, const Status& st) {
  if (!plain_path(path)) return std::nullopt;
  BoxKey key{e.code, e.language, static_cast<int>(st.mode), st.closed_by_age, st.slow_s};
  std::shared_ptr<const EmptyBox> box;
  {
    std::shared_lock lock(box_mu_);
    if (auto it = boxes_.find(key); it != boxes_.end()) box = it->second;
  }
  std::string next_q = http::url_encode(path + "#comment-box");
  if (box) {
    if (box->text.empty()) return std::nullopt;  // (the cut did not fit this template)
    return box->fill(std::to_string(id), path, next_q);
  }
  // Cut the stand-ins' render, then check the cut against this story's own render.
  content::Article stand_in;
  stand_in.id = kStandInId;
  std::string in_path(kStandInPath);
  std::string html = render_block(e, stand_in, in_path, CommentSort::Newest, std::nullopt,
                                  false, st, discussion::Page{});
  auto made = std::make_shared<EmptyBox>(
      EmptyBox::cut(html, std::to_string(kStandInId), in_path,
                    http::url_encode(in_path + "#comment-box")));
  content::Article real;
  real.id = id;
  std::string want = render_block(e, real, path, CommentSort::Newest, std::nullopt, false, st,
                                  discussion::Page{});
  if (made->fill(std::to_string(id), path, next_q) != want) {
    spdlog::warn("discussion: the empty box of edition {} cannot be filled in from one copy "
                 "(discussion.tpl escapes the story's path); each story renders its own",
                 e.code);
    made->text.clear();
  }
  std::unique_lock lock(box_mu_);
  if (boxes_.size() > 256) boxes_.clear();  // (bounded: slow-mode seconds vary)
  boxes_[key] = made;
  return want;
}

EmptyBox EmptyBox::cut(const std::string& html, const std::string& id, const std::string& path,
                       const std::string& next_q) {
  EmptyBox b;
  std::string piece;
  std::size_t i = 0;
  while (i < html.size()) {
    // The longest stand-in that starts here (the path may begin the encoded path).
    char hole = 0;
    std::size_t len = 0;
    for (auto [h, s] : {std::pair{'q', &next_q}, std::pair{'p', &path}, std::pair{'i', &id}})
      if (s->size() > len && html.compare(i, s->size(), *s) == 0) {
        hole = h;
        len = s->size();
      }
    if (!hole) {
      piece += html[i++];
      continue;
    }
    b.text.push_back(std::move(piece));
    piece.clear();
    b.holes.push_back(hole);
    i += len;
  }
  b.text.push_back(std::move(piece));
  for (auto& t : b.text) b.bytes += t.size();
  return b;
}

std::string EmptyBox::fill(const std::string& id, const std::string& path,
                           const std::string& next_q) const {
  std::string out;
  out.reserve(text.size() * 8 + bytes);
  for (std::size_t k = 0; k < text.size(); ++k) {
    out += text[k];
    if (k < holes.size())
      out += holes[k] == 'i' ? id : holes[k] == 'p' ? path : next_q;
  }
  return out;
}

std::string Pages::under_story(const content::Edition& e, const content::Article& a, bool fragment,
                               storage::CommentStore* reads) {
  auto dd = dir();
  const auto* s = dd->section(a.section_id);
  if (!s) return {};
  std::string path = content::article_path(e, *s, a);
  if (fragment) {
    // A story loaded below another (continuous reading) links its discussion.
    TemplateDictionary dict("discussion");
    auto* l = dict.AddSectionDictionary("LINK");
    l->SetValue("URL", path);
    l->SetValue("LABEL", catalog.plural(e.language, "comments_count",
                                        (reads ? *reads : d->store()).count(a.id)));
    return render(e.language, "discussion.tpl", dict);
  }
  return block(e, a, path, CommentSort::Newest, std::nullopt, false, reads);
}

std::string Pages::thread_page_items(const content::Edition& e, const content::Article& a,
                                     content::Id thread, content::Id after) {
  auto rs = d->replies(thread, after, kRepliesPerPage + 1);
  bool more = rs.size() > static_cast<std::size_t>(kRepliesPerPage);
  if (more) rs.resize(kRepliesPerPage);
  std::string items;
  for (auto& c : rs) items += comment_html(e, c, true);
  TemplateDictionary dict("discussion");
  auto* f = dict.AddSectionDictionary("FRAGMENT");
  f->SetValue("ITEMS", items);
  if (more)
    f->AddSectionDictionary("MORE")->SetValue(
        "URL", "/" + e.code + "/comments/" + std::to_string(a.id) + "?thread=" +
                   std::to_string(thread) + "&after=" + std::to_string(rs.back().id));
  return render(e.language, "discussion.tpl", dict);
}

Reply Pages::discussion_page(const net::Request& req, const http::Params& p, storage::NewsReader&) {
  auto dd = dir();
  const auto* e = dd->edition(std::string(p.get("edition")));
  if (!e) return error_page(404, nullptr);
  auto s = story(parse_id(p.get("id")));
  if (!s || s->edition != e) return error_page(404, e);
  auto sort_text = query_param(req.query, "sort");
  auto sort = sort_text.empty() ? std::optional(CommentSort::Newest) : content::comment_sort_from(sort_text);
  if (!sort) return error_page(400, e, catalog.text(e->language, "bad_cursor"));
  auto after_text = query_param(req.query, "after");
  auto thread = parse_id(query_param(req.query, "thread"));
  bool fragment = query_param(req.query, "fragment") == "1";
  Reply r;
  r.cache_keys = {"article:" + std::to_string(s->article.id)};
  r.cache_control = "public, max-age=30, stale-while-revalidate=30";
  std::string html;
  if (!query_param(req.query, "thread").empty()) {
    auto first = d->store().comment(thread);
    if (!thread || !first || first->article_id != s->article.id || first->parent_id != 0)
      return error_page(404, e);
    auto after = after_text.empty() ? 0 : parse_id(after_text);
    if (!after_text.empty() && !after) return error_page(400, e, catalog.text(e->language, "bad_cursor"));
    std::string items = thread_page_items(*e, s->article, thread, after);
    if (fragment) {
      r.body = items;
      r.headers.emplace_back("X-Robots-Tag", "noindex");
      return r;
    }
    Thread t;
    t.first = *first;
    html = "<section class=\"discussion\" id=\"comments\"><ol class=\"comments\">" +
           comment_html(*e, t.first, false) + "</ol>" + items + "</section>";
  } else {
    auto after = parse_after(*sort, after_text);
    if (!after_text.empty() && !after) return error_page(400, e, catalog.text(e->language, "bad_cursor"));
    if (fragment) {
      r.body = block(*e, s->article, s->path, *sort, after, true);
      r.headers.emplace_back("X-Robots-Tag", "noindex");
      return r;
    }
    html = block(*e, s->article, s->path, *sort, after, false);
  }
  std::string head = "<p class=\"kicker\"><a href=\"" + util::html_escape(s->path) + "\">" +
                     util::html_escape(s->article.headline) + "</a></p>\n";
  Chrome ch;
  ch.edition = e;
  ch.title = catalog.text(e->language, "discussion") + ": " + s->article.headline;
  ch.canonical = s->path;  // the story page holds the discussion
  ch.noindex = !after_text.empty() || thread;
  ch.active_section = s->section->id;
  r.body = page(ch, "<div class=\"discussion-page\">" + head + html + "</div>");
  return r;
}

Reply Pages::api_discussion(const net::Request& req, const http::Params& p, storage::NewsReader&) {
  auto s = story(parse_id(p.get("id")));
  if (!s) return api_error(404, "not_found", "There is no such story.");
  auto sort_text = query_param(req.query, "sort");
  auto sort = sort_text.empty() ? std::optional(CommentSort::Newest) : content::comment_sort_from(sort_text);
  if (!sort) return api_error(400, "bad_request", "sort is best, newest or oldest.");
  auto after_text = query_param(req.query, "after");
  Reply r;
  r.cache_keys = {"article:" + std::to_string(s->article.id)};
  r.cache_control = "public, max-age=10";
  auto st = d->status(s->article);
  json::object o{{"story_id", s->article.id},
                 {"count", st.count},
                 {"mode", content::to_string(st.mode)},
                 {"closed_by_age", st.closed_by_age},
                 {"closes_at", st.closes_at},
                 {"channel", Discussions::channel(s->article.id)}};
  if (auto thread_text = query_param(req.query, "thread"); !thread_text.empty()) {
    auto thread = parse_id(thread_text);
    auto first = d->store().comment(thread);
    if (!first || first->article_id != s->article.id || first->parent_id != 0)
      return api_error(404, "not_found", "There is no such thread.");
    auto after = after_text.empty() ? 0 : parse_id(after_text);
    if (!after_text.empty() && !after) return api_error(400, "bad_request", "after is a reply's id.");
    auto rs = d->replies(thread, after, kRepliesPerPage + 1);
    bool more = rs.size() > static_cast<std::size_t>(kRepliesPerPage);
    if (more) rs.resize(kRepliesPerPage);
    json::array items;
    for (auto& c : rs) items.push_back(comment_json(c));
    o["replies"] = std::move(items);
    o["next"] = more ? json::value(std::to_string(rs.back().id)) : json::value(nullptr);
  } else {
    auto after = parse_after(*sort, after_text);
    if (!after_text.empty() && !after) return api_error(400, "bad_request", "after is not a cursor of this order.");
    auto page = d->page(s->article.id, *sort, after, kThreadsPerPage, kRepliesShown);
    json::array threads;
    for (auto& t : page.threads) {
      auto j = comment_json(t.first);
      json::array replies;
      for (auto& c : t.replies) replies.push_back(comment_json(c));
      j["first_replies"] = std::move(replies);
      threads.push_back(std::move(j));
    }
    json::array picks;
    for (auto& c : page.picks) picks.push_back(comment_json(c));
    o["sort"] = content::to_string(*sort);
    o["threads"] = std::move(threads);
    o["picks"] = std::move(picks);
    o["next"] = page.next ? json::value(cursor_param(*sort, *page.next)) : json::value(nullptr);
  }
  r.content_type = "application/json";
  r.body = json::serialize(o);
  return r;
}

Reply Pages::result_reply(const Ctx& c, const Result& res) {
  int status = web::status_of(res.outcome);
  if (!res.ok()) {
    json::object err{{"code", res.code}, {"message", kit.t(c.lang, res.key, res.args)}};
    if (res.retry_after) err["retry_after"] = res.retry_after;
    Reply r = api_json(status, json::object{{"error", std::move(err)}});
    if (res.retry_after) r.headers.emplace_back("Retry-After", std::to_string(res.retry_after));
    return r;
  }
  json::object o{{"ok", true}};
  if (res.comment) {
    o["comment"] = comment_json(*res.comment);
    o["held"] = res.comment->state == CommentState::Pending;
  }
  if (res.votes)
    o["votes"] = json::object{{"likes", res.votes->likes}, {"dislikes", res.votes->dislikes},
                              {"mine", res.votes->mine}};
  if (!res.key.empty()) o["message"] = kit.t(c.lang, res.key, res.args);
  return api_json(status, o);
}

namespace {
std::int64_t int_field(const json::object& o, const char* name) {
  auto* v = o.if_contains(name);
  return v && v->is_int64() ? v->get_int64() : 0;
}
std::string text_field(const json::object& o, const char* name) {
  auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
}  // namespace

Reply Pages::api_post(const net::Request& r, const http::Params&, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object.");
  auto& o = v->get_object();
  auto* text = o.if_contains("text");
  if (!text || !text->is_string())
    return api_error(400, "bad_request", "Send the comment as \"text\", with its \"story_id\".");
  return result_reply(c, d->post(*c.user(), int_field(o, "story_id"), int_field(o, "reply_to"),
                                 text->get_string()));
}

Reply Pages::api_edit(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object() || !v->get_object().if_contains("text") ||
      !v->get_object().at("text").is_string())
    return api_error(400, "bad_request", "Send the new text as \"text\".");
  return result_reply(c, d->edit(*c.user(), parse_id(p.get("id")),
                                 v->get_object().at("text").get_string()));
}

Reply Pages::api_delete(const net::Request&, const http::Params& p, Ctx& c) {
  return result_reply(c, d->remove(*c.user(), parse_id(p.get("id")), c.form.get("reason")));
}

Reply Pages::api_vote(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object() || !v->get_object().if_contains("value") ||
      !v->get_object().at("value").is_int64())
    return api_error(400, "bad_request", "Send \"value\": 1 (like), -1 (dislike) or 0.");
  auto value = v->get_object().at("value").get_int64();
  if (value < -1 || value > 1) return api_error(400, "bad_request", "\"value\" is 1, -1 or 0.");
  return result_reply(c, d->vote(*c.user(), parse_id(p.get("id")), static_cast<int>(value)));
}

Reply Pages::api_report(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object with \"reason\".");
  return result_reply(c, d->report(*c.user(), parse_id(p.get("id")),
                                   text_field(v->get_object(), "reason")));
}

Reply Pages::api_my_comments(const net::Request&, const http::Params&, Ctx& c) {
  // Everything the person wrote, whatever became of it, with its text: their own data.
  json::array all;
  content::Id before = 0;
  while (true) {
    auto batch = d->store().by_user(c.user()->id, before, 1000);
    for (auto& m : batch) {
      auto j = comment_json(m);
      j["text"] = m.text;
      all.push_back(std::move(j));
    }
    if (batch.size() < 1000) break;
    before = batch.back().id;
  }
  Reply r = api_json(200, json::object{{"user_id", c.user()->id}, {"comments", std::move(all)}});
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"my-comments.json\"");
  return r;
}

// The queue in the scorer's order: what it thinks likeliest to be refused first.
std::vector<std::pair<Comment, content::Scorer::Score>> Pages::scored_queue(const content::User& who,
                                                                             int limit) {
  std::vector<std::pair<Comment, content::Scorer::Score>> out;
  for (auto& m : d->queue(who, limit)) {
    auto s = d->score(m);
    out.emplace_back(std::move(m), std::move(s));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](auto& a, auto& b) { return a.second.refuse > b.second.refuse; });
  return out;
}

Reply Pages::api_queue(const net::Request&, const http::Params&, Ctx& c) {
  json::array items;
  for (auto& [m, score] : scored_queue(*c.user(), 200)) {
    auto j = comment_json(m);
    json::array words;
    for (auto& [w, weight] : score.words) words.push_back(json::object{{"word", w}, {"weight", weight}});
    j["score"] = json::object{{"trained", score.trained}, {"refuse", score.refuse}, {"words", std::move(words)}};
    j["text"] = m.text;
    j["held_for"] = m.held_for;
    j["reports"] = m.reports;
    json::array reasons;
    for (auto& rep : d->store().reports(m.id))
      reasons.push_back(json::object{{"user_id", rep.user_id}, {"name", rep.user_name},
                                     {"reason", rep.reason}, {"at", rep.at}});
    j["report_reasons"] = std::move(reasons);
    auto who = d->commenter(m.user_id);
    j["author_record"] = json::object{{"comments", who.record.comments},
                                      {"rejected", who.record.rejected},
                                      {"banned", who.ban.has_value()},
                                      {"premoderated", who.premoderated}};
    items.push_back(std::move(j));
  }
  return api_json(200, json::object{{"queue", std::move(items)}});
}

Reply Pages::api_moderate(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object with \"action\".");
  auto& o = v->get_object();
  auto action = text_field(o, "action");
  auto reason = text_field(o, "reason");
  auto id = parse_id(p.get("id"));
  auto& who = *c.user();
  if (action == "approve") return result_reply(c, d->approve(who, id));
  if (action == "reject") return result_reply(c, d->reject(who, id, reason));
  if (action == "remove") return result_reply(c, d->remove(who, id, reason));
  if (action == "pick" || action == "unpick") return result_reply(c, d->pick(who, id, action == "pick"));
  return api_error(400, "bad_request", "\"action\" is approve, reject, remove, pick or unpick.");
}

Reply Pages::api_ban(const net::Request& r, const http::Params&, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object.");
  auto& o = v->get_object();
  auto minutes = int_field(o, "minutes");
  if (minutes < 0 || minutes > 5256000)
    return result_reply(c, d->ban(*c.user(), int_field(o, "user_id"), -1, ""));
  return result_reply(c, d->ban(*c.user(), int_field(o, "user_id"), static_cast<int>(minutes),
                                text_field(o, "reason")));
}

Reply Pages::api_lift_ban(const net::Request&, const http::Params& p, Ctx& c) {
  return result_reply(c, d->lift_ban(*c.user(), parse_id(p.get("id"))));
}

Reply Pages::api_story_mode(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object with \"mode\".");
  if (auto* slow = v->get_object().if_contains("slow_s")) {
    if (!slow->is_int64()) return api_error(400, "bad_request", "\"slow_s\" is a number of seconds.");
    auto r = d->set_story_slow(*c.user(), parse_id(p.get("id")), static_cast<int>(slow->get_int64()));
    if (!r.ok() || !v->get_object().if_contains("mode")) return result_reply(c, r);
  }
  auto mode_text = text_field(v->get_object(), "mode");
  std::optional<content::DiscussionMode> mode;
  if (mode_text != "section") {
    mode = content::discussion_mode_from(mode_text);
    if (!mode)
      return api_error(400, "bad_request", "\"mode\" is open, premoderated, closed or section.");
  }
  return result_reply(c, d->set_story_mode(*c.user(), parse_id(p.get("id")), mode));
}

Reply Pages::api_section_mode(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object with \"mode\".");
  auto mode_text = text_field(v->get_object(), "mode");
  auto mode = content::discussion_mode_from(mode_text);
  if (!mode) return api_error(400, "bad_request", "\"mode\" is open, premoderated or closed.");
  // "open" is the default: stored as no setting at all.
  return result_reply(c, d->set_section_mode(*c.user(), parse_id(p.get("id")),
                                             *mode == content::DiscussionMode::Open ? std::nullopt : mode));
}

// ---- the comment box without JavaScript ----

Reply Pages::write_page(const net::Request& req, const http::Params& p, Ctx& c) {
  auto s = story(parse_id(p.get("id")));
  if (!s) return error_page(404, c.edition);
  c.edition = s->edition;
  c.lang = s->edition->language;
  TemplateDictionary dict("discussion");
  auto* w = dict.AddSectionDictionary("WRITE");
  w->SetValue("STORY_URL", s->path);
  w->SetValue("HEADLINE", s->article.headline);
  w->SetValue("ACTION", "/discussion/" + std::to_string(s->article.id) + "/write");
  auto reply_to = parse_id(c.form.get("reply_to"));
  if (reply_to) {
    auto parent = d->store().comment(reply_to);
    if (!parent || parent->article_id != s->article.id || !content::shown(parent->state))
      return error_page(404, s->edition);
    auto* r = w->AddSectionDictionary("REPLYING");
    r->SetIntValue("ID", static_cast<long>(reply_to));
    r->SetValue("NAME", parent->user_name);
    r->SetValue("HTML", content::comment_html(parent->text));
  }
  auto st = d->status(s->article);
  if (st.mode == content::DiscussionMode::Closed) {
    w->AddSectionDictionary("CLOSED")->SetValue(
        "NOTE", t(c, st.closed_by_age ? "discussion_closed_age" : "discussion_closed"));
  } else if (c.user()) {
    auto* f = w->AddSectionDictionary("FORM");
    f->SetValue("CSRF", c.csrf);
    f->SetValue("TEXT", c.form.get("text"));
    if (reply_to) f->AddSectionDictionary("REPLY")->SetIntValue("ID", static_cast<long>(reply_to));
    if (st.mode == content::DiscussionMode::Premoderated) f->ShowSection("PREMOD");
  } else {
    auto* l = w->AddSectionDictionary("LOGIN");
    l->SetValue("NEXT_Q", http::url_encode(req.target));
  }
  return private_page(c, t(c, "comment_write"), render(c.lang, "discussion.tpl", dict));
}

Reply Pages::write_post(const net::Request& req, const http::Params& p, Ctx& c) {
  auto s = story(parse_id(p.get("id")));
  if (!s) return error_page(404, c.edition);
  c.edition = s->edition;
  c.lang = s->edition->language;
  auto res = d->post(*c.user(), s->article.id, parse_id(c.form.get("reply_to")), c.form.get("text"));
  if (res.ok() && res.comment && res.comment->state == CommentState::Visible)
    return redirect(s->path + "#comment-" + std::to_string(res.comment->id));
  TemplateDictionary dict("discussion");
  auto* w = dict.AddSectionDictionary("WRITE");
  w->SetValue("STORY_URL", s->path);
  w->SetValue("HEADLINE", s->article.headline);
  w->SetValue("ACTION", "/discussion/" + std::to_string(s->article.id) + "/write");
  if (res.ok()) {
    w->AddSectionDictionary("DONE")->SetValue("TEXT", t(c, res.key));
    return private_page(c, t(c, "comment_write"), render(c.lang, "discussion.tpl", dict), 201);
  }
  auto* f = w->AddSectionDictionary("FORM");
  f->SetValue("CSRF", c.csrf);
  f->SetValue("TEXT", c.form.get("text"));
  f->AddSectionDictionary("ERROR")->SetValue("TEXT", kit.t(c.lang, res.key, res.args));
  if (auto rt = parse_id(c.form.get("reply_to")))
    f->AddSectionDictionary("REPLY")->SetIntValue("ID", static_cast<long>(rt));
  Reply r = private_page(c, t(c, "comment_write"), render(c.lang, "discussion.tpl", dict),
                         web::status_of(res.outcome));
  if (res.retry_after) r.headers.emplace_back("Retry-After", std::to_string(res.retry_after));
  (void)req;
  return r;
}

// ---- the newsroom's moderation queue ----

Reply Pages::moderation_page(const net::Request&, const http::Params&, Ctx& c) {
  TemplateDictionary dict("discussion");
  auto* m = dict.AddSectionDictionary("MODERATION");
  m->SetValue("CSRF", c.csrf);
  auto q = scored_queue(*c.user(), 100);
  if (q.empty()) m->ShowSection("QUEUE_EMPTY");
  for (auto& [lang, quality] : d->scorer_quality()) {
    auto* s = m->AddSectionDictionary("SCORER");
    s->SetValue("LANG", lang);
    s->SetIntValue("DECISIONS", quality.decisions);
    s->SetIntValue("HELD", quality.would_hold);
    s->SetIntValue("PRECISION", static_cast<long>(quality.precision() * 100 + 0.5));
    s->SetIntValue("RECALL", static_cast<long>(quality.recall() * 100 + 0.5));
  }
  for (auto& [cm, score] : q) {
    auto* it = m->AddSectionDictionary("ITEM");
    if (score.trained) {
      auto* sc = it->AddSectionDictionary("SCORE");
      sc->SetIntValue("PERCENT", static_cast<long>(score.refuse * 100 + 0.5));
      std::string words;
      for (auto& [w, weight] : score.words)
        words += fmt::format("{}{} ({:+.1f})", words.empty() ? "" : ", ", w, weight);
      sc->SetValue("WORDS", words);
    }
    it->SetIntValue("ID", static_cast<long>(cm.id));
    it->SetValue("NAME", cm.user_name);
    it->SetIntValue("UID", static_cast<long>(cm.user_id));
    it->SetValue("STATE", t(c, std::string("comment_state_") + content::to_string(cm.state)));
    it->SetValue("HELD_FOR", cm.held_for.empty() ? "" : t(c, cm.held_for));
    it->SetValue("HTML", content::comment_html(cm.text));
    it->SetValue("WHEN", i18n::iso8601(cm.created_at));
    if (auto s = story(cm.article_id)) {
      it->SetValue("STORY_URL", s->path + "#comments");
      it->SetValue("HEADLINE", s->article.headline);
    }
    auto who = d->commenter(cm.user_id);
    it->SetIntValue("COMMENTS", who.record.comments);
    it->SetIntValue("REJECTED", who.record.rejected);
    if (who.ban) it->ShowSection("BANNED");
    for (auto& rep : d->store().reports(cm.id)) {
      auto* r = it->AddSectionDictionary("REPORT");
      r->SetValue("NAME", rep.user_name);
      r->SetValue("REASON", rep.reason);
    }
  }
  auto notices = d->store().open_notices(100);
  if (notices.empty()) m->ShowSection("NOTICES_EMPTY");
  for (auto& n : notices) {
    auto* it = m->AddSectionDictionary("NOTICE");
    it->SetIntValue("ID", static_cast<long>(n.id));
    it->SetValue("REASON", n.reason);
    it->SetValue("EMAIL", n.email);
    it->SetValue("EXPLANATION", n.explanation);
    if (auto cm = d->store().comment(n.comment_id)) {
      it->SetValue("HTML", content::comment_html(cm->text));
      if (auto s = story(cm->article_id)) {
        it->SetValue("STORY_URL", s->path + "#comment-" + std::to_string(cm->id));
        it->SetValue("HEADLINE", s->article.headline);
      }
    }
  }
  for (auto& w : d->words()) {
    auto* it = m->AddSectionDictionary("WORD");
    it->SetValue("WORD", w.word);
    it->SetValue("KIND", t(c, w.kind == content::WordKind::Banned ? "moderation_word_banned"
                                                                  : "moderation_word_suspect"));
  }
  if (content::can(c.user()->role, content::Action::ManageSite)) m->ShowSection("LOG_LINK");
  // What switched by itself lately: moderators are told here (and in the log).
  for (auto& e : d->store().log_entries(0, 200)) {
    if (e.action != "auto_slow" && e.action != "auto_premoderate") continue;
    auto* a = m->AddSectionDictionary("AUTO");
    a->SetValue("AT", i18n::iso8601(e.at));
    a->SetValue("ACTION", t(c, "moderation_" + e.action));
    a->SetValue("REASON", e.reason);
    if (auto s = story(e.article_id)) {
      a->SetValue("STORY_URL", s->path + "#comments");
      a->SetValue("HEADLINE", s->article.headline);
    }
  }
  for (auto& b : d->store().bans(now_unix())) {
    auto* r = m->AddSectionDictionary("BAN");
    r->SetIntValue("UID", static_cast<long>(b.user_id));
    r->SetValue("NAME", b.user_name);
    r->SetValue("REASON", b.reason);
    r->SetValue("UNTIL", b.until ? i18n::iso8601(b.until) : t(c, "comment_ban_for_good"));
  }
  return private_page(c, t(c, "moderation"), render(c.lang, "discussion.tpl", dict));
}

Reply Pages::moderation_post(const net::Request&, const http::Params&, Ctx& c) {
  auto& who = *c.user();
  auto action = c.form.get("action");
  auto id = parse_id(c.form.get("id"));
  auto reason = c.form.get("reason");
  Result res;
  if (action == "approve") res = d->approve(who, id);
  else if (action == "reject") res = d->reject(who, id, reason);
  else if (action == "remove") res = d->remove(who, id, reason);
  else if (action == "pick") res = d->pick(who, id, true);
  else if (action == "ban")
    res = d->ban(who, parse_id(c.form.get("user_id")), static_cast<int>(parse_int(c.form.get("minutes"))), reason);
  else if (action == "lift") res = d->lift_ban(who, parse_id(c.form.get("user_id")));
  else if (action == "word_add")
    res = d->set_word(who, c.form.get("word"),
                      c.form.get("kind") == "suspect" ? content::WordKind::Suspect : content::WordKind::Banned);
  else if (action == "word_remove") res = d->set_word(who, c.form.get("word"), std::nullopt);
  else if (action == "notice_remove" || action == "notice_keep")
    res = d->decide_notice(who, parse_id(c.form.get("notice")), action == "notice_remove", reason);
  else return error_page(400, c.edition);
  if (res.ok()) return redirect("/newsroom/moderation");
  return private_page(c, t(c, "moderation"),
                      "<p class=\"form-error\" role=\"alert\">" +
                          util::html_escape(kit.t(c.lang, res.key, res.args)) +
                          "</p><p><a href=\"/newsroom/moderation\">" +
                          util::html_escape(t(c, "moderation")) + "</a></p>",
                      web::status_of(res.outcome));
}

Reply Pages::api_words(const net::Request& r, const http::Params&, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send {\"word\": ..., \"kind\": ...}.");
  auto kind = text_field(v->get_object(), "kind");
  std::optional<content::WordKind> k;
  if (kind == "banned") k = content::WordKind::Banned;
  else if (kind == "suspect") k = content::WordKind::Suspect;
  else if (kind != "none") return api_error(400, "bad_request", "\"kind\" is banned, suspect or none.");
  auto res = d->set_word(*c.user(), text_field(v->get_object(), "word"), k);
  if (!res.ok()) return result_reply(c, res);
  json::array words;
  for (auto& w : d->words())
    words.push_back(json::object{{"word", w.word},
                                 {"kind", w.kind == content::WordKind::Banned ? "banned" : "suspect"}});
  return api_json(200, json::object{{"words", std::move(words)}});
}

Reply Pages::api_decide_notice(const net::Request& r, const http::Params& p, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send {\"decision\": ..., \"reply\": ...}.");
  auto decision = text_field(v->get_object(), "decision");
  if (decision != "remove" && decision != "keep")
    return api_error(400, "bad_request", "\"decision\" is remove or keep.");
  return result_reply(c, d->decide_notice(*c.user(), parse_id(p.get("id")), decision == "remove",
                                          text_field(v->get_object(), "reply")));
}

Reply Pages::moderation_log_page(const net::Request&, const http::Params&, Ctx& c) {
  TemplateDictionary dict("discussion");
  auto* l = dict.AddSectionDictionary("LOG");
  auto entries = d->store().log_entries(parse_id(c.form.get("before")), 200);
  for (auto& e : entries) {
    auto* it = l->AddSectionDictionary("ENTRY");
    it->SetIntValue("ID", static_cast<long>(e.id));
    it->SetValue("AT", i18n::iso8601(e.at));
    it->SetValue("WHO", e.moderator_name);
    if (e.automated) it->ShowSection("AUTO");
    it->SetValue("ACTION", e.action);
    if (e.comment_id) it->AddSectionDictionary("COMMENT")->SetIntValue("ID", static_cast<long>(e.comment_id));
    if (e.user_id)
      if (auto u = d->user(e.user_id))
        it->AddSectionDictionary("USER")->SetValue("NAME", u->display_name);
    it->SetValue("REASON", e.reason);
  }
  if (entries.size() == 200)
    l->AddSectionDictionary("OLDER")->SetIntValue("BEFORE", static_cast<long>(entries.back().id));
  return private_page(c, t(c, "moderation_log"), render(c.lang, "discussion.tpl", dict));
}

Reply Pages::api_moderation_log(const net::Request&, const http::Params&, Ctx& c) {
  json::array items;
  for (auto& e : d->store().log_entries(parse_id(c.form.get("before")), 200))
    items.push_back(json::object{{"id", e.id},
                                 {"at", e.at},
                                 {"moderator", json::object{{"id", e.moderator_id}, {"name", e.moderator_name}}},
                                 {"automated", e.automated},
                                 {"action", e.action},
                                 {"comment_id", e.comment_id},
                                 {"user_id", e.user_id},
                                 {"story_id", e.article_id},
                                 {"reason", e.reason}});
  return api_json(200, json::object{{"entries", std::move(items)}});
}

Reply Pages::notice_form(Ctx& c, const Comment& cm, const Result* res, int status) {
  TemplateDictionary dict("discussion");
  auto* n = dict.AddSectionDictionary("NOTICE_FORM");
  n->SetValue("NAME", cm.user_name);
  n->SetValue("HTML", content::comment_html(cm.text));
  if (res && res->ok()) {
    n->AddSectionDictionary("DONE")->SetValue("TEXT", kit.t(c.lang, res->key, res->args));
  } else {
    auto* f = n->AddSectionDictionary("FORM");
    f->SetIntValue("ID", static_cast<long>(cm.id));
    f->SetValue("CSRF", c.csrf);
    f->SetValue("EXPLANATION", c.form.get("explanation"));
    f->SetValue("EMAIL", c.form.get("email").empty() && c.user() ? c.user()->email
                                                                 : std::string(c.form.get("email")));
    if (res) f->AddSectionDictionary("ERROR")->SetValue("TEXT", kit.t(c.lang, res->key, res->args));
  }
  Reply r = private_page(c, t(c, "notice_title"), render(c.lang, "discussion.tpl", dict), status);
  if (res && res->retry_after) r.headers.emplace_back("Retry-After", std::to_string(res->retry_after));
  return r;
}

Reply Pages::notice_page(const net::Request&, const http::Params& p, Ctx& c) {
  auto cm = d->store().comment(parse_id(p.get("id")));
  if (!cm || !content::shown(cm->state)) return error_page(404, c.edition);
  if (auto s = story(cm->article_id)) {
    c.edition = s->edition;
    c.lang = s->edition->language;
  }
  return notice_form(c, *cm, nullptr, 200);
}

Reply Pages::notice_post(const net::Request&, const http::Params& p, Ctx& c) {
  auto cm = d->store().comment(parse_id(p.get("id")));
  if (!cm || !content::shown(cm->state)) return error_page(404, c.edition);
  if (auto s = story(cm->article_id)) {
    c.edition = s->edition;
    c.lang = s->edition->language;
  }
  auto res = d->notice(c.user(), cm->id, c.form.get("reason"), c.form.get("explanation"),
                       c.form.get("email"));
  return notice_form(c, *cm, &res, web::status_of(res.outcome));
}

Reply Pages::api_notice(const net::Request& r, const http::Params&, Ctx& c) {
  Reply err;
  auto v = json_body(r, err);
  if (!v) return err;
  if (!v->is_object()) return api_error(400, "bad_request", "Send a JSON object.");
  auto& o = v->get_object();
  auto res = d->notice(c.user(), int_field(o, "comment_id"), text_field(o, "reason"),
                       text_field(o, "explanation"), text_field(o, "email"));
  if (!res.ok()) return result_reply(c, res);
  return api_json(201, json::object{{"ok", true}, {"message", kit.t(c.lang, res.key, res.args)}});
}

}  // namespace herald::discussion
