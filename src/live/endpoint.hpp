// The live capability's HTTP side: the WebSocket endpoint /live. The handshake checks the
// Origin (the site's own and configured ones only), finds who is asking from their session or
// API token, and hands the connection to the hub. For the composition root.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "live/hub.hpp"
#include "web/app.hpp"

namespace herald::live {

// Who a visitor is on the live channels (chat::member_for: their role decides moderation).
using MemberOf = std::function<Member(const content::User& u, std::string credential,
                                      bool via_api_token)>;

// Adds /live to `app`; `hub` must outlive the result.
std::unique_ptr<web::Module> endpoint(web::App& app, Hub& hub, std::vector<std::string> origins,
                                      MemberOf member_of);

}  // namespace herald::live
