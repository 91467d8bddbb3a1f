#include "live/endpoint.hpp"

#include <algorithm>

namespace herald::live {

namespace {

std::string origin_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  auto slash = url.find('/', scheme + 3);
  return std::string(url.substr(0, slash));
}

class Endpoint final : public web::Module, web::Handlers {
 public:
  Endpoint(web::App& app, Hub& hub, std::vector<std::string> origins, MemberOf member_of)
      : web::Handlers(app.kit()),
        hub_(hub),
        origins_(std::move(origins)),
        member_of_(std::move(member_of)) {
    origins_.push_back(origin_of(options.base_url));
    app.websocket([this](const net::Request& r) { return accept(r); });
  }

 private:
  net::WsDecision accept(const net::Request& req) {
    net::WsDecision d;
    auto refuse = [&](int status, const std::string& text) {
      d.refusal.status = status;
      d.refusal.set_header("Content-Type", "text/plain; charset=utf-8");
      d.refusal.set_header("Cache-Control", "no-store");
      d.refusal.set_body(text + "\n");
      return d;
    };
    if (req.path != "/live") return refuse(404, "404 Not Found: the live endpoint is /live");
    // Browsers always send Origin on a WebSocket handshake: a page of another site is refused.
    auto origin = req.header("Origin");
    if (!origin.empty() && std::find(origins_.begin(), origins_.end(), origin) == origins_.end())
      return refuse(403, "403 Forbidden: this origin may not open the live channel");
    web::Ctx c = make_ctx(req);
    Member m;
    if (c.visitor)
      m = member_of_(c.visitor->user, c.visitor->token_digest, c.visitor->via_api_token);
    d.handler = hub_.connect(std::move(m));
    return d;
  }

  Hub& hub_;
  std::vector<std::string> origins_;
  MemberOf member_of_;
};

}  // namespace

std::unique_ptr<web::Module> endpoint(web::App& app, Hub& hub, std::vector<std::string> origins,
                                      MemberOf member_of) {
  return std::make_unique<Endpoint>(app, hub, std::move(origins), std::move(member_of));
}

}  // namespace herald::live
