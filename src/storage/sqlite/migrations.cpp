#include "storage/sqlite/migrations.hpp"

namespace herald::storage::sqlite {

// Append only: never edit a migration that has shipped.
const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> m = {
      // 1: the news model
      R"sql(
CREATE TABLE editions(
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  language TEXT NOT NULL,
  locale TEXT NOT NULL,
  site_name TEXT NOT NULL,
  tagline TEXT NOT NULL DEFAULT '',
  time_zone TEXT NOT NULL,
  date_format TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL DEFAULT 0);
CREATE TABLE sections(
  id INTEGER PRIMARY KEY,
  edition_id INTEGER NOT NULL REFERENCES editions(id),
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL DEFAULT 0,
  UNIQUE(edition_id, slug));
CREATE TABLE authors(
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  bio TEXT NOT NULL DEFAULT '');
CREATE TABLE tags(
  id INTEGER PRIMARY KEY,
  edition_id INTEGER NOT NULL REFERENCES editions(id),
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  UNIQUE(edition_id, slug));
CREATE TABLE media(
  id INTEGER PRIMARY KEY,
  file TEXT NOT NULL,
  mime TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  caption TEXT NOT NULL DEFAULT '',
  credit TEXT NOT NULL DEFAULT '',
  alt TEXT NOT NULL DEFAULT '',
  renditions TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL);
CREATE TABLE articles(
  id INTEGER PRIMARY KEY,
  edition_id INTEGER NOT NULL REFERENCES editions(id),
  section_id INTEGER NOT NULL REFERENCES sections(id),
  slug TEXT NOT NULL,
  headline TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  dateline TEXT NOT NULL DEFAULT '',
  lead_media_id INTEGER REFERENCES media(id),
  translation_key TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('draft','review','scheduled','published','unpublished')),
  breaking INTEGER NOT NULL DEFAULT 0,
  published_at INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  -- [[id, edition_id, section_id, slug, headline], ...] of the published versions of this story
  -- in other editions, kept by the store whenever one of them changes (saves a lookup per page).
  translations TEXT NOT NULL DEFAULT '[]',
  -- Large columns last: SQLite reads a row's overflow pages only up to the columns asked for.
  body_html_version INTEGER NOT NULL DEFAULT 0,
  body_html TEXT NOT NULL DEFAULT '',  -- the body rendered when saved (see content::Article)
  body TEXT NOT NULL DEFAULT '[]');
CREATE INDEX articles_edition_pub ON articles(edition_id, status, published_at DESC, id DESC);
CREATE INDEX articles_section_pub ON articles(section_id, status, published_at DESC, id DESC);
CREATE INDEX articles_translation ON articles(translation_key) WHERE translation_key <> '';
-- published_at and status are copied here so that tag and author pages read one index.
CREATE TABLE article_tags(
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id),
  position INTEGER NOT NULL DEFAULT 0,
  published INTEGER NOT NULL DEFAULT 0,
  published_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(article_id, tag_id));
CREATE INDEX article_tags_tag ON article_tags(tag_id, published, published_at DESC, article_id DESC);
CREATE TABLE article_authors(
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  author_id INTEGER NOT NULL REFERENCES authors(id),
  position INTEGER NOT NULL DEFAULT 0,
  published INTEGER NOT NULL DEFAULT 0,
  published_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(article_id, author_id));
CREATE INDEX article_authors_author ON article_authors(author_id, published, published_at DESC, article_id DESC);
CREATE TABLE content_events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  edition_id INTEGER NOT NULL DEFAULT 0,
  article_id INTEGER NOT NULL DEFAULT 0,
  purge TEXT NOT NULL DEFAULT '[]');
)sql",
      // 2: accounts and server-side sessions
      R"sql(
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('reader','contributor','author','editor','moderator','admin')),
  email_verified_at INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE TABLE sessions(
  digest TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE INDEX sessions_user ON sessions(user_id);
)sql",
      // 3: account links, API tokens and known devices
      R"sql(
ALTER TABLE users ADD COLUMN deleted_at INTEGER NOT NULL DEFAULT 0;
CREATE TABLE account_links(
  digest TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify','reset','email','login')),
  data TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE INDEX account_links_user ON account_links(user_id, purpose);
CREATE TABLE api_tokens(
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  digest TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE known_devices(
  digest TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL);
)sql",
      // 4: the newsroom: versions, workflow times, corrections, revisions
      R"sql(
-- Kept beside articles (not in it) so that the reader-side row stays as it is: small columns
-- first, large ones last.
CREATE TABLE article_desk(
  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
  version INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER NOT NULL DEFAULT 0,
  updated_by INTEGER NOT NULL DEFAULT 0,
  embargo_until INTEGER NOT NULL DEFAULT 0,
  scheduled_at INTEGER NOT NULL DEFAULT 0,
  correction TEXT NOT NULL DEFAULT '',
  editing_by INTEGER NOT NULL DEFAULT 0,
  editing_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX article_desk_scheduled ON article_desk(scheduled_at) WHERE scheduled_at > 0;
CREATE TABLE article_revisions(
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  saved_at INTEGER NOT NULL,
  saved_by INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL);
CREATE INDEX article_revisions_article ON article_revisions(article_id, id DESC);
CREATE INDEX articles_updated ON articles(updated_at DESC, id DESC);
ALTER TABLE media ADD COLUMN created_by INTEGER NOT NULL DEFAULT 0;
)sql",
      // 5: live chats
      R"sql(
-- Rooms exist by their key ("en", "en.world", "story.123"); a row only holds settings.
CREATE TABLE chat_rooms(
  room TEXT PRIMARY KEY,
  public_read INTEGER NOT NULL DEFAULT 1,
  locked INTEGER NOT NULL DEFAULT 0,
  slow_mode_s INTEGER NOT NULL DEFAULT 0,
  owner_id INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE chat_messages(
  id INTEGER PRIMARY KEY,
  room TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER NOT NULL DEFAULT 0,
  deleted_by INTEGER NOT NULL DEFAULT 0);
CREATE INDEX chat_messages_room ON chat_messages(room, id DESC);
CREATE INDEX chat_messages_user ON chat_messages(user_id, room);
-- Mutes (no writing) and bans (no writing, messages removed) in one room or everywhere ('*').
CREATE TABLE chat_sanctions(
  id INTEGER PRIMARY KEY,
  room TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL CHECK (kind IN ('mute','ban')),
  until INTEGER NOT NULL DEFAULT 0,
  by_user INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE INDEX chat_sanctions_user ON chat_sanctions(user_id);
ALTER TABLE article_desk ADD COLUMN chat_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN newsfeed_seen_at INTEGER NOT NULL DEFAULT 0;
)sql",
      // Consumers of the content-event outbox that act once for every node sharing the
      // database: their position and who holds them until when (storage/event_store.hpp).
      R"sql(
CREATE TABLE event_consumers(
  name TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  owner TEXT NOT NULL DEFAULT '',
  lease_until INTEGER NOT NULL DEFAULT 0);
)sql",
      // Rate limits counted by every node of a site (storage::Stores::limits()).
      R"sql(
CREATE TABLE rate_keys(key TEXT PRIMARY KEY);
CREATE TABLE rate_marks(key TEXT NOT NULL, at INTEGER NOT NULL, until INTEGER NOT NULL);
CREATE INDEX rate_marks_key ON rate_marks(key, at);
CREATE INDEX rate_marks_until ON rate_marks(until);
)sql",
      // Mail waiting to be sent when several nodes share the database (storage::MailStore).
      R"sql(
CREATE TABLE mail_outbox(
  id INTEGER PRIMARY KEY,
  to_addr TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_try INTEGER NOT NULL DEFAULT 0,
  claimed_by TEXT NOT NULL DEFAULT '',
  claimed_until INTEGER NOT NULL DEFAULT 0,
  sent_at INTEGER NOT NULL DEFAULT 0,
  failed_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '');
CREATE INDEX mail_outbox_due ON mail_outbox(sent_at, failed_at, next_try);
)sql",
      // Readers' discussions: comments, votes, reports, settings, bans, the moderation log.
      R"sql(
-- Readers' discussions under stories (storage/comment_store.hpp).
CREATE TABLE comments(
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  parent_id INTEGER NOT NULL DEFAULT 0,
  reply_to_id INTEGER NOT NULL DEFAULT 0,
  text TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('visible','pending','hidden','rejected','deleted','removed')),
  created_at INTEGER NOT NULL,
  edited_at INTEGER NOT NULL DEFAULT 0,
  likes INTEGER NOT NULL DEFAULT 0,
  dislikes INTEGER NOT NULL DEFAULT 0,
  best INTEGER NOT NULL DEFAULT 0,
  replies INTEGER NOT NULL DEFAULT 0,
  reports INTEGER NOT NULL DEFAULT 0,
  picked INTEGER NOT NULL DEFAULT 0,
  held_for TEXT NOT NULL DEFAULT '');
CREATE INDEX comments_thread ON comments(article_id, parent_id, id);
CREATE INDEX comments_best ON comments(article_id, parent_id, best, id);
CREATE INDEX comments_user ON comments(user_id, id);
CREATE INDEX comments_story ON comments(article_id, id);
CREATE INDEX comments_picks ON comments(article_id, id) WHERE picked = 1;
CREATE INDEX comments_queue ON comments(id) WHERE state IN ('pending','hidden') OR (state = 'visible' AND reports > 0);
CREATE TABLE comment_votes(
  comment_id INTEGER NOT NULL REFERENCES comments(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  value INTEGER NOT NULL CHECK (value IN (-1, 1)),
  PRIMARY KEY(comment_id, user_id));
CREATE TABLE comment_reports(
  comment_id INTEGER NOT NULL REFERENCES comments(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY(comment_id, user_id));
-- Per story: visible comments (replies included) and its own mode ('': its section's).
CREATE TABLE discussions(
  article_id INTEGER PRIMARY KEY REFERENCES articles(id),
  visible INTEGER NOT NULL DEFAULT 0,
  mode TEXT NOT NULL DEFAULT '',
  slow_s INTEGER NOT NULL DEFAULT 0);
CREATE TABLE section_discussions(
  section_id INTEGER PRIMARY KEY REFERENCES sections(id),
  mode TEXT NOT NULL);
CREATE TABLE comment_bans(
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  until INTEGER NOT NULL DEFAULT 0,
  reason TEXT NOT NULL DEFAULT '',
  by_user INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE TABLE moderation_log(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  moderator_id INTEGER NOT NULL DEFAULT 0,
  action TEXT NOT NULL,
  comment_id INTEGER NOT NULL DEFAULT 0,
  user_id INTEGER NOT NULL DEFAULT 0,
  article_id INTEGER NOT NULL DEFAULT 0,
  reason TEXT NOT NULL DEFAULT '',
  automated INTEGER NOT NULL DEFAULT 0);
CREATE INDEX moderation_log_user ON moderation_log(user_id, at);
CREATE TABLE comment_words(
  word TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('banned','suspect')));
-- Notices of illegal content (EU Digital Services Act, article 16) and their decisions.
CREATE TABLE comment_notices(
  id INTEGER PRIMARY KEY,
  comment_id INTEGER NOT NULL,
  reason TEXT NOT NULL,
  explanation TEXT NOT NULL,
  email TEXT NOT NULL,
  user_id INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  decided_at INTEGER NOT NULL DEFAULT 0,
  decision TEXT NOT NULL DEFAULT '',
  reply TEXT NOT NULL DEFAULT '',
  decided_by INTEGER NOT NULL DEFAULT 0);
CREATE INDEX comment_notices_open ON comment_notices(decided_at, id);
)sql",
      // A story's tags and authors in their order, read with the story from one covering index
      // each (no look-up of the row, no sort): the story read of every cache miss.
      R"sql(
CREATE INDEX article_tags_story ON article_tags(article_id, position, tag_id);
CREATE INDEX article_authors_story ON article_authors(article_id, position, author_id);
)sql",
  };
  return m;
}

}  // namespace herald::storage::sqlite
