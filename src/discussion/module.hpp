// The discussion capability's pages and API, for the composition root.
#pragma once
#include <memory>

#include "discussion/discussion.hpp"
#include "web/app.hpp"

namespace herald::discussion {

// Adds the discussion under every story, its pages (/<edition>/comments/<story>, the comment
// box at /discussion/<story>/write), the comment and moderation API and the newsroom's
// moderation page to `app`; `d` must outlive the result.
std::unique_ptr<web::Module> pages(web::App& app, Discussions& d);

}  // namespace herald::discussion
