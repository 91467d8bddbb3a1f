// The discussion's pages and API. Internal to discussion/: the composition root uses
// discussion/module.hpp.
#pragma once
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "discussion/module.hpp"
#include "web/app.hpp"

namespace ctemplate {
class TemplateDictionary;
}

namespace herald::discussion {

using namespace web::names;

// The first page of a discussion stops adding threads past this many bytes of HTML (it is
// never more than 40 KB, however long the comments).
inline constexpr std::size_t kFirstPageBudget = 36 * 1024;

// A discussion box with no comments yet, cut where the story's id, its path and its
// url-encoded path go: the same for every story of an edition in the same state.
struct EmptyBox {
  std::vector<std::string> text;  // empty: this template cannot be filled in (render it)
  std::vector<char> holes;        // between text[k] and text[k + 1]: 'i' id, 'p' path, 'q' next
  std::size_t bytes = 0;
  static EmptyBox cut(const std::string& html, const std::string& id, const std::string& path,
                      const std::string& next_q);
  std::string fill(const std::string& id, const std::string& path, const std::string& next_q) const;
};

class Pages final : public web::Module, web::Handlers {
 public:
  Pages(web::App& app, Discussions& d);

 private:
  Discussions* d;

  // Reader pages (the same for everyone, cached).
  // `reads`: the page's snapshot's comment store (null: the service's own).
  std::string under_story(const content::Edition& e, const content::Article& a, bool fragment,
                          storage::CommentStore* reads);
  Reply discussion_page(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  Reply api_discussion(const net::Request& r, const http::Params& p, storage::NewsReader& news);
  // The discussion block: threads in `sort` after `after` (the story page, the discussion page).
  std::string block(const content::Edition& e, const content::Article& a, const std::string& path,
                    content::CommentSort sort, std::optional<storage::CommentCursor> after,
                    bool items_only, storage::CommentStore* reads = nullptr);
  std::string render_block(const content::Edition& e, const content::Article& a,
                           const std::string& path, content::CommentSort sort,
                           std::optional<storage::CommentCursor> after, bool items_only,
                           const std::optional<Status>& st, const discussion::Page& page);
  // The box of a story with no comments from its edition's cut copy; nullopt: render it.
  std::optional<std::string> empty_box(const content::Edition& e, content::Id id,
                                       const std::string& path, const Status& st);
  using BoxKey = std::tuple<std::string, std::string, int, bool, int>;  // code, language, state
  std::shared_mutex box_mu_;
  std::map<BoxKey, std::shared_ptr<const EmptyBox>> boxes_;
  std::string thread_html(const content::Edition& e, const content::Article& a, const Thread& t);
  std::string comment_html(const content::Edition& e, const content::Comment& c, bool reply);
  std::string thread_page_items(const content::Edition& e, const content::Article& a,
                                content::Id thread, content::Id after);

  // Per person.
  Reply write_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply write_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_edit(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_delete(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_vote(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_report(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_my_comments(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_queue(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_moderate(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_ban(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_lift_ban(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_story_mode(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_section_mode(const net::Request& r, const http::Params& p, Ctx& c);
  Reply moderation_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply moderation_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply moderation_log_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_moderation_log(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_words(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_decide_notice(const net::Request& r, const http::Params& p, Ctx& c);
  Reply notice_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply notice_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_notice(const net::Request& r, const http::Params& p, Ctx& c);
  Reply notice_form(Ctx& c, const content::Comment& cm, const Result* res, int status);

  Reply result_reply(const Ctx& c, const Result& res);
  std::vector<std::pair<content::Comment, content::Scorer::Score>> scored_queue(const content::User& who,
                                                                                int limit);
  // The story, its edition, section and canonical path, when it is published.
  struct Story {
    content::Article article;
    const content::Edition* edition = nullptr;
    const content::Section* section = nullptr;
    std::string path;
  };
  std::optional<Story> story(content::Id id);
};

// A comment as the JSON API gives it (its text as typed: JSON strings are inert).
boost::json::object comment_json(const content::Comment& c);

}  // namespace herald::discussion
