// The newsroom's rules, without HTTP: who may see, edit, publish which story; story JSON in and
// out (the API format, also kept as revisions); saves with versions (409 on a stale one);
// the workflow draft -> review -> scheduled/published -> unpublished, embargoes and the
// scheduler's due stories. Handlers (pages and API) call it and turn DeskResult into a reply.
// Thread-safe (the stores are).
#pragma once
#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <string>

#include "content/outcome.hpp"
#include "content/people.hpp"
#include "storage/stores.hpp"
#include "util/clock.hpp"

namespace herald::newsroom {

struct DeskResult {
  content::Outcome outcome = content::Outcome::Done;
  std::string code;          // error code when it did not succeed ("embargoed", "not_found")
  std::string message;       // for the person when it did not succeed (English)
  std::string key;           // when set: the catalog key of the message, shown in their language
  std::vector<std::pair<std::string, std::string>> args;  // values of the key's {name}s
  boost::json::value body;   // the answer (a story, a list) or, on 409, the current story
  std::int64_t id = 0;
  bool ok() const { return content::succeeded(outcome); }
};

class Desk {
 public:
  // `prepare_body` renders a story's body HTML before it is stored (site::Site::prepare_body).
  // A workflow step and its revision note commit together (one storage::Transaction).
  Desk(storage::Stores& stores, std::function<void(content::Article&)> prepare_body,
       const util::Clock& clock = util::system_clock());

  // Unpublished stories of others are hidden (404) from those who may not see drafts.
  bool can_see(const content::User& u, const content::Article& a) const;
  bool can_edit(const content::User& u, const content::Article& a) const;
  bool can_publish(const content::User& u, const content::Article& a) const;
  // Revisions (which hold unpublished text): editors, or those who may change the story.
  bool can_see_history(const content::User& u, const content::Article& a) const;
  // Editors change any photo's texts; others their own uploads used only in stories of theirs.
  bool can_edit_photo(const content::User& u, const content::Media& m);
  // Changes a photo's caption, credit or alt text (unset: unchanged), with the upload's
  // limits, and re-renders the stories that show it.
  DeskResult edit_photo(const content::User& u, content::Id media_id,
                        const std::optional<std::string>& caption,
                        const std::optional<std::string>& credit,
                        const std::optional<std::string>& alt);

  DeskResult list(const content::User& u, const storage::StoryListQuery& q);
  DeskResult get(const content::User& u, content::Id id);
  // Creates a draft from story JSON (headline and section_id required).
  DeskResult create(const content::User& u, const boost::json::value& input);
  // Saves story JSON over version input["version"]; 409 with the current story if stale.
  DeskResult save(const content::User& u, content::Id id, const boost::json::value& input);
  // action: "submit" (ready for review), "draft", "publish", "unpublish", "schedule" (at).
  DeskResult workflow(const content::User& u, content::Id id, const std::string& action,
                      content::UnixTime at = 0);
  DeskResult revisions(const content::User& u, content::Id id);
  DeskResult revision(const content::User& u, content::Id id, content::Id revision_id);
  DeskResult restore(const content::User& u, content::Id id, content::Id revision_id,
                     std::int64_t base_version);
  // Marks the story open in this person's editor (shown in the story list for 2 minutes).
  void heartbeat(const content::User& u, content::Id id);
  // The story as readers would see it, for the preview (permission-checked); nullopt: 404.
  std::optional<content::Article> for_preview(const content::User& u, content::Id id);

  // The catalog, for those whose role may manage the site. Unset fields stay as they are;
  // the answer's body is the section or edition as the API shows it.
  struct SectionChange {
    std::optional<std::string> name, slug, description;
    std::optional<int> position;
  };
  DeskResult add_section(const content::User& u, content::Id edition_id, const SectionChange& c);
  DeskResult update_section(const content::User& u, content::Id id, const SectionChange& c);
  struct EditionChange {
    std::optional<std::string> site_name, tagline, time_zone, date_format;
  };
  DeskResult update_edition(const content::User& u, content::Id id, const EditionChange& c);

  // Publishes scheduled stories whose time has come; returns how many. Called every few
  // seconds by the server (and at start, for those missed while it was down).
  int publish_due(content::UnixTime now);

  // Story JSON (the API's and the revisions' format).
  boost::json::object to_json(const content::Article& a, bool with_body) const;

  // Editions and sections (for story addresses), read once per answer.
  struct Catalog {
    std::vector<content::Edition> editions;
    std::vector<content::Section> sections;
  };

 private:
  DeskResult apply(const content::User& u, content::Article& a, const boost::json::object& in,
                   bool creating);
  DeskResult store(const content::User& u, content::Article& a, std::int64_t base,
                   const std::string& note, content::Outcome done);
  std::optional<content::Article> load(content::Id id) { return load(id, news_); }
  std::optional<content::Article> load(content::Id id, storage::NewsReader& from);
  boost::json::object to_json(const content::Article& a, bool with_body, const Catalog& c) const;
  Catalog catalog() const;
  content::Id author_for(const content::User& u);
  std::string user_name(std::int64_t id) const;

  storage::Stores& stores_;
  storage::NewsStore& news_;
  const util::Clock& clock_;
  storage::DeskStore& desk_;
  storage::AccountStore& accounts_;
  std::function<void(content::Article&)> prepare_body_;
};

DeskResult error(content::Outcome outcome, std::string code, std::string message);
// Why a photo's caption, credit or alt text cannot be stored, as a catalog key (empty: they
// can): alt text is required; at most 1,000 / 300 / 500 bytes; no control characters but
// line breaks.
std::string photo_text_problem(const std::string& caption, const std::string& credit,
                               const std::string& alt);
// 404 for a story that does not exist or that this person may not see (the same answer).
DeskResult story_not_found();

}  // namespace herald::newsroom
