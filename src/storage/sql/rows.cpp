#include "storage/sql/rows.hpp"

#include <boost/json.hpp>

namespace herald::storage::sql {

content::Article read_article_row(Stmt& s) {
  content::Article a;
  a.id = s.i64(0);
  a.edition_id = s.i64(1);
  a.section_id = s.i64(2);
  a.slug = s.text(3);
  a.headline = s.text(4);
  a.summary = s.text(5);
  a.dateline = s.text(6);
  a.lead_media_id = s.is_null(7) ? 0 : s.i64(7);
  a.translation_key = s.text(8);
  a.status = content::status_from_string(s.text(9)).value_or(content::Status::Draft);
  a.breaking = s.i64(10) != 0;
  a.published_at = s.i64(11);
  a.updated_at = s.i64(12);
  return a;
}

void read_desk_cols(Stmt& s, int first, content::Article& a) {
  a.version = s.i64(first);
  a.created_by = s.i64(first + 1);
  a.updated_by = s.i64(first + 2);
  a.embargo_until = s.i64(first + 3);
  a.scheduled_at = s.i64(first + 4);
  a.correction = s.text(first + 5);
  a.editing_by = s.i64(first + 6);
  a.editing_at = s.i64(first + 7);
  a.chat_enabled = s.i64(first + 8) != 0;
}

void record_event(Connection& c, const ContentEvent& e, UnixTime now) {
  boost::json::array keys;
  for (auto& k : e.purge_keys) keys.emplace_back(k);
  auto s = c.prepare(
      "INSERT INTO content_events(at, kind, edition_id, article_id, purge) VALUES (?1, ?2, ?3, "
      "?4, ?5)");
  s.bind(1, e.at ? e.at : now).bind(2, e.kind).bind(3, e.edition_id).bind(4, e.article_id);
  s.bind(5, boost::json::serialize(keys));
  s.run();
}

std::vector<std::string> purge_keys_from_json(const std::string& s) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(s, ec);
  if (ec || !v.is_array()) return out;
  for (auto& x : v.get_array())
    if (x.is_string()) out.emplace_back(x.get_string());
  return out;
}

}  // namespace herald::storage::sql
