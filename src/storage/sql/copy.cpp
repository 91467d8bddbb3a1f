#include "storage/sql/copy.hpp"

#include <sodium.h>

namespace herald::storage::sql {

namespace {

// Every table, parents before children. (The migrations of both backends make these.)
const std::vector<std::string>& tables() {
  static const std::vector<std::string> t = {
      "editions",      "sections",        "authors",        "tags",          "media",
      "articles",      "article_tags",    "article_authors", "article_desk", "article_revisions",
      "content_events", "event_consumers", "users",          "sessions",      "account_links",
      "api_tokens",    "known_devices",   "chat_rooms",     "chat_messages", "chat_sanctions",
      "comments",      "comment_votes",   "comment_reports", "discussions", "section_discussions",
      "comment_bans",  "moderation_log",  "comment_words", "comment_notices"};
  return t;
}

struct Column {
  std::string name;
  bool integer = false;
  bool key = false;
};

// The source's columns, from SQLite's own description of the table.
std::vector<Column> columns_of(Connection& c, const std::string& table) {
  std::vector<Column> out;
  auto s = c.prepare("SELECT name, upper(type), pk FROM pragma_table_info(?1) ORDER BY cid");
  s.bind(1, table);
  while (s.step()) out.push_back({s.text(0), s.text(1).find("INT") != std::string::npos, s.i64(2) > 0});
  return out;
}

std::string joined(const std::vector<Column>& cols, bool keys_only, const char* sep = ", ") {
  std::string out;
  for (const auto& c : cols) {
    if (keys_only && !c.key) continue;
    if (!out.empty()) out += sep;
    out += c.name;
  }
  return out;
}

// Rows in key order, each column as text (NULL as \x01), hashed.
std::pair<std::int64_t, std::string> checksum(Connection& c, const std::string& table,
                                              const std::vector<Column>& cols) {
  auto s = c.prepare("SELECT " + joined(cols, false) + " FROM " + table + " ORDER BY " +
                     joined(cols, true));
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  std::int64_t n = 0;
  while (s.step()) {
    ++n;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      std::string v = s.is_null(static_cast<int>(i)) ? std::string("\x01") : s.text(static_cast<int>(i));
      v += '\x00';
      crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(v.data()), v.size());
    }
  }
  unsigned char out[32];
  crypto_generichash_final(&st, out, sizeof out);
  static const char* hex = "0123456789abcdef";
  std::string h;
  for (unsigned char b : out) {
    h += hex[b >> 4];
    h += hex[b & 15];
  }
  return {n, h};
}

}  // namespace

std::vector<TableCheck> copy_database(Backend& from, Backend& to,
                                      const std::function<void(const CopyProgress&)>& progress) {
  std::vector<TableCheck> checks;
  // One snapshot of the source: a site that keeps running copies as of one moment.
  auto snapshot = BoundDb::snapshot(from.db());
  auto src = snapshot->reader();
  for (const auto& table : tables()) {
    auto cols = columns_of(*src, table);
    if (cols.empty()) throw StorageError("the source has no table " + table + "; is it a Herald database?");
    std::int64_t total = 0;
    {
      auto s = src->prepare("SELECT count(*) FROM " + table);
      if (s.step()) total = s.i64(0);
    }
    std::string values, updates;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      values += (i ? ", ?" : "?") + std::to_string(i + 1);
      if (!cols[i].key) updates += (updates.empty() ? "" : ", ") + cols[i].name + " = excluded." + cols[i].name;
    }
    std::string insert = "INSERT INTO " + table + "(" + joined(cols, false) + ") VALUES (" + values +
                         ") ON CONFLICT (" + joined(cols, true) + ") DO " +
                         (updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
    auto rows = src->prepare("SELECT " + joined(cols, false) + " FROM " + table + " ORDER BY " +
                             joined(cols, true));
    CopyProgress p{table, 0, total};
    progress(p);
    bool more = rows.step();
    while (more) {
      auto w = to.db().writer();
      Step batch(*w, true);
      for (int k = 0; k < 1000 && more; ++k) {
        auto ins = w->prepare(insert);
        for (std::size_t i = 0; i < cols.size(); ++i) {
          int col = static_cast<int>(i), at = col + 1;
          if (rows.is_null(col))
            ins.bind_null(at);
          else if (cols[i].integer)
            ins.bind(at, rows.i64(col));
          else
            ins.bind(at, rows.text(col));
        }
        ins.run();
        ++p.done;
        more = rows.step();
      }
      batch.commit();
      progress(p);
    }
    to.after_import(table);
    TableCheck c;
    c.table = table;
    std::tie(c.from_rows, c.from_sum) = checksum(*src, table, cols);
    auto r = to.db().reader();
    std::tie(c.to_rows, c.to_sum) = checksum(*r, table, cols);
    checks.push_back(std::move(c));
  }
  return checks;
}

}  // namespace herald::storage::sql
