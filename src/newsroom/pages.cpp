// The newsroom (/newsroom, staff only): its front page and the development outbox.
#include <ctemplate/template.h>

#include "i18n/i18n.hpp"
#include "mail/mail.hpp"
#include "site/internal.hpp"

namespace herald::site {

using ctemplate::TemplateDictionary;

void Site::Impl::add_newsroom_routes() {
  using A = Impl;
  private_route("GET", "/newsroom/", Need::Staff, {}, &A::newsroom_home);
  private_route("GET", "/newsroom/outbox", Need::Staff, accounts::Action::ManageSite,
                &A::newsroom_outbox);
}

namespace {
void newsroom_nav(TemplateDictionary& dict, const Ctx& c) {
  if (accounts::can(c.user()->role, accounts::Action::ManageSite)) dict.ShowSection("ADMIN");
}
}  // namespace

Reply Site::Impl::newsroom_home(const net::Request&, const http::Params&, Ctx& c) {
  TemplateDictionary dict("newsroom");
  newsroom_nav(dict, c);
  dict.AddSectionDictionary("HOME")->SetValue("NAME", c.user()->display_name);
  return private_page(c, t(c, "newsroom"), render(c.lang, "newsroom.tpl", dict));
}

Reply Site::Impl::newsroom_outbox(const net::Request&, const http::Params&, Ctx& c) {
  TemplateDictionary dict("newsroom");
  newsroom_nav(dict, c);
  auto* s = dict.AddSectionDictionary("OUTBOX");
  auto mails = options.outbox_dir.empty() ? std::vector<mail::OutboxEntry>{}
                                          : mail::read_outbox(options.outbox_dir, 100);
  if (mails.empty()) s->ShowSection("EMPTY");
  for (auto& m : mails) {
    auto* d = s->AddSectionDictionary("MAIL");
    d->SetValue("SUBJECT", m.subject);
    d->SetValue("TO", m.to);
    d->SetValue("WHEN", i18n::iso8601(m.time));
    d->SetValue("TEXT", m.text);
  }
  return private_page(c, t(c, "outbox"), render(c.lang, "newsroom.tpl", dict));
}

}  // namespace herald::site
