// The newsroom: story list, editor, workflow, revisions, photo library, sections, editions and
// people, as pages (no JavaScript needed) and as the JSON API under /api/v1/newsroom/. Thin:
// handlers parse, call the Desk and render. Internal to newsroom/: the composition root uses
// newsroom/module.hpp.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "newsroom/module.hpp"
#include "web/app.hpp"

namespace herald::newsroom {

using namespace web::names;

// Photo uploads take up to 20 MB, plus the form around them.
inline constexpr std::size_t kUploadBody = std::size_t(21) << 20;

class Pages final : public web::Module, web::Handlers {
 public:
  Pages(web::App& app, Desk& desk, Tools tools);

 private:
  void add_page_routes(web::App& app);
  void add_api_routes(web::App& app);
  Desk* desk;
  storage::DeskStore* desk_store;
  accounts::Accounts* accounts;
  Tools tools;
  Reply desk_reply(const Ctx& c, const DeskResult& d) const;
  // What a refusal says to the person, in their language.
  std::string desk_text(const Ctx& c, const DeskResult& d) const;
  Reply newsroom_page(const Ctx& c, const std::string& title, ctemplate::TemplateDictionary& dict,
                      int status = 200, std::vector<std::string> scripts = {});
  Reply newsroom_error(const Ctx& c, const DeskResult& d);
  // A form's answer: back to `back` when the service did it, else the newsroom's error page.
  Reply after_form(const Ctx& c, const DeskResult& d, const std::string& back);
  // Opens or closes a story's chat room (the API and the story page's form).
  DeskResult story_chat(const Ctx& c, content::Id id, bool on);
  Reply newsroom_home(const net::Request& r, const http::Params& p, Ctx& c);
  Reply newsroom_outbox(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_new_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_create_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_editor_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_save_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_workflow_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_preview(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_revisions_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_restore_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_media_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_media_upload_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_media_edit_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_sections_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_section_add_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_section_edit_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_editions_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_edition_edit_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_users_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply nr_user_edit_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_stories(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_story_create(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_story(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_story_save(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_story_action(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_revisions(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_revision(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_revision_restore(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_media_list(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_media_upload(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_media_update(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_catalog(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_section_create(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_section_update(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_edition_update(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_users(const net::Request& r, const http::Params& p, Ctx& c);
  Reply api_user_update(const net::Request& r, const http::Params& p, Ctx& c);
  // Stores an uploaded photo (media library): the new media, or an error for the person.
  struct Upload {
    std::optional<content::Media> media;
    int status = 201;
    std::string error;
  };
  Upload store_upload(const net::Request& r, const Ctx& c);

  // A story's chat room under it, opened or closed (the API and the story page's form).
  Reply api_story_chat(const net::Request& r, const http::Params& p, Ctx& c);
};

}  // namespace herald::newsroom
