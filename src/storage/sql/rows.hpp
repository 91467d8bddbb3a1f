// Reading an article row, shared by the reader-side store and the newsroom's desk store, so
// that a column is added in one place.
#pragma once
#include "content/model.hpp"
#include "storage/store.hpp"
#include "storage/sql/connection.hpp"

namespace herald::storage::sql {

// The reader-side columns of `articles a`: 13 columns, read by read_article_row().
inline constexpr const char* kArticleCols =
    "a.id, a.edition_id, a.section_id, a.slug, a.headline, a.summary, a.dateline, "
    "a.lead_media_id, a.translation_key, a.status, a.breaking, a.published_at, a.updated_at";
content::Article read_article_row(Stmt& s);

// The newsroom's columns of a story from `article_desk d` (LEFT JOINed; a story without a desk
// row reads as version 0 and nobody's): 9 columns, read by read_desk_cols() from `first` on.
inline constexpr const char* kDeskCols =
    "coalesce(d.version, 0), coalesce(d.created_by, 0), coalesce(d.updated_by, 0), "
    "coalesce(d.embargo_until, 0), coalesce(d.scheduled_at, 0), coalesce(d.correction, ''), "
    "coalesce(d.editing_by, 0), coalesce(d.editing_at, 0), coalesce(d.chat_enabled, 0)";
void read_desk_cols(Stmt& s, int first, content::Article& a);

// Records a content event in the outbox on `c`, inside the caller's transaction (`e.at`: when
// 0, `now`).
void record_event(Connection& c, const ContentEvent& e, UnixTime now);
std::vector<std::string> purge_keys_from_json(const std::string& s);

}  // namespace herald::storage::sql
