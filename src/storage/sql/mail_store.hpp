// Mail waiting to be sent, in the shared database (see storage::MailStore).
#pragma once
#include <memory>

#include "storage/mail_store.hpp"
#include "storage/sql/connection.hpp"

namespace herald::storage::sql {
// `db` must outlive the result.
std::unique_ptr<MailStore> make_mail_store(Db& db);
}  // namespace herald::storage::sql
