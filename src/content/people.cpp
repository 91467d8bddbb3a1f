#include "content/people.hpp"
#include "util/utf8.hpp"

#include <array>
#include <cctype>

namespace herald::content {

namespace {
constexpr std::array<std::pair<Role, const char*>, 6> kRoles = {{{Role::Reader, "reader"},
                                                                 {Role::Contributor, "contributor"},
                                                                 {Role::Author, "author"},
                                                                 {Role::Editor, "editor"},
                                                                 {Role::Moderator, "moderator"},
                                                                 {Role::Admin, "admin"}}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

const char* to_string(Role r) {
  for (auto& [role, name] : kRoles)
    if (role == r) return name;
  return "reader";
}

std::optional<Role> role_from_string(std::string_view s) {
  for (auto& [role, name] : kRoles)
    if (s == name) return role;
  return std::nullopt;
}

bool can(Role r, Action a) {
  if (r == Role::Admin) return true;
  switch (a) {
    case Action::WriteDraft:
      return r == Role::Contributor || r == Role::Author || r == Role::Editor;
    case Action::PublishOwn:
      return r == Role::Author || r == Role::Editor;
    case Action::EditAny:
    case Action::SeeDrafts:
      return r == Role::Editor;
    case Action::Moderate:
      return r == Role::Moderator || r == Role::Editor;
    case Action::ManageSite:
      return false;
  }
  return false;
}

bool is_staff(Role r) { return r != Role::Reader; }

std::string normalize_email(std::string_view email) {
  while (!email.empty() && email.front() == ' ') email.remove_prefix(1);
  while (!email.empty() && email.back() == ' ') email.remove_suffix(1);
  if (email.size() > 254 || email.find(' ') != std::string_view::npos) return {};
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return {};
  auto domain = email.substr(at + 1);
  auto dot = domain.find('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.')
    return {};
  for (unsigned char c : email)
    if (c < 0x21 || c == 0x7f) return {};
  return lower(email);
}

std::string password_problem(std::string_view password, std::string_view email,
                             std::string_view display_name) {
  auto n = util::utf8_length(password);
  if (n < 8) return "err_password_short";
  if (n > 128) return "err_password_long";
  std::string p = lower(password);
  if (!email.empty() && p == lower(email)) return "err_password_email";
  if (!display_name.empty() && p == lower(display_name))
    return "err_password_name";
  return {};
}

}  // namespace herald::accounts
