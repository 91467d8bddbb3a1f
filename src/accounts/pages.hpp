// The account pages and /api/v1/me: log-in, registration, reset, one-time links, the profile
// page and its forms. Thin: each handler reads the form, calls Accounts and renders. Internal
// to accounts/: the composition root uses accounts/module.hpp.
#pragma once
#include "accounts/module.hpp"
#include "web/app.hpp"

namespace herald::accounts {

using namespace web::names;

class Pages final : public web::Module, web::Handlers {
 public:
  Pages(web::App& app, Accounts& accounts, storage::ChatStore* chats);

 private:
  Accounts* accounts;
  storage::ChatStore* chats;  // the newsfeed mark shown by /api/v1/me (null: no chats)
  Reply account_form(const Ctx& c, const std::string& which, const std::string& error,
                     const std::string& email = {}, const std::string& name = {},
                     int status = 200);
  Reply account_message(const Ctx& c, const std::string& heading_key, const std::string& text,
                        const std::string& continue_url = {}, int status = 200);
  Reply too_many(const Ctx& c, const accounts::Outcome& o);
  Reply login_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply login_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply register_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply register_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply reset_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply reset_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply link_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply link_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply logout_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply account_page(const net::Request& r, const http::Params& p, Ctx& c);
  Reply account_name_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply account_password_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply account_email_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply account_delete_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply token_create_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply token_revoke_post(const net::Request& r, const http::Params& p, Ctx& c);
  Reply me_json(const net::Request& r, const http::Params& p, Ctx& c);
  Reply profile(const Ctx& c, const std::string& notice, const std::string& error,
                const std::string& new_token = {}, int status = 200);

};

}  // namespace herald::accounts
