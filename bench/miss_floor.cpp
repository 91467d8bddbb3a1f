// The floor of a cache miss on this machine with the libraries Herald renders a story page with:
// what SQLite, ctemplate and the kernel alone take to answer "GET <story path>" with the story's
// page, on one thread. No Herald code runs per request:
//   - a plain epoll loop reads a request head and takes the story's id from its path;
//   - SQLite reads the story with the statement Herald uses (the row, its stored body HTML, its
//     tags and authors) and the section's next story with Herald's section statement, from the
//     same database file with the same pragmas (WAL, mmap), in one read transaction;
//   - ctemplate expands Herald's own article.tpl into Herald's own layout.tpl, with the values
//     that change per story (path, headline, summary, section, dates, body, next story) set as
//     Herald sets them; what Herald renders per page but a floor may take as fixed (the masthead,
//     the footer, the discussion box, the JSON-LD, the latest-stories list) is cut once from a
//     page Herald served, so that the floor sends as many bytes as Herald does;
//   - one writev sends a minimal HTTP/1.1 head and the page.
// No page cache, no ETag, no access log, no timeouts, no per-request allocation it can avoid.
// Herald's miss can only be slower than this; what it is slower by is what Herald's own code
// costs. bench/run.sh runs it (one process per worker, on one port) after nginx and Herald.
//
//   herald_miss_floor --db FILE --templates DIR --sample PAGE.html [--listen 127.0.0.1:18082]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sqlite3.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <ctemplate/template.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "miss_floor: %s\n", what.c_str());
  std::exit(1);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) die("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The part of `s` between the first `from` and the next `to` after it (`from` kept, `to` not).
std::string cut(const std::string& s, const std::string& from, const std::string& to) {
  auto a = s.find(from);
  if (a == std::string::npos) die("sample page has no " + from);
  auto b = s.find(to, a + from.size());
  if (b == std::string::npos) die("sample page has no " + to + " after " + from);
  return s.substr(a, b - a);
}

// {{T_KEY}} -> the key's text; Herald puts its catalog's text there when it loads a template.
// The floor puts the same texts, cut from the sample page where it can, else the key in words.
std::string localize(std::string t) {
  for (;;) {
    auto a = t.find("{{T_");
    if (a == std::string::npos) return t;
    auto b = t.find("}}", a);
    std::string key = t.substr(a + 4, b - a - 4);
    for (auto& c : key) c = c == '_' ? ' ' : static_cast<char>(std::tolower(c));
    t.replace(a, b + 2 - a, key);
  }
}

struct Section {
  std::string slug, name, edition_code;
};

sqlite3* db = nullptr;
sqlite3_stmt* begin_stmt = nullptr;
sqlite3_stmt* commit_stmt = nullptr;
ctemplate::TemplateCache* templates = nullptr;  // frozen: expanded without a lock
sqlite3_stmt* story_stmt = nullptr;
sqlite3_stmt* next_stmt = nullptr;
std::unordered_map<long long, Section> sections;
std::string masthead, footer, discussion, jsonld, latest, site_name;

std::string col(sqlite3_stmt* s, int i) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

std::string utc(long long t, const char* format) {
  char buf[48];
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string story_path(const Section& s, long long id, const std::string& slug) {
  return "/" + s.edition_code + "/" + s.slug + "/" + std::to_string(id) + "-" + slug;
}

// The page of story `id`, or empty if there is none.
std::string render_in_txn(long long id);
std::string render(long long id) {
  // Both reads in one read transaction (one shared lock of the WAL index), as Herald reads a page.
  sqlite3_step(begin_stmt);
  sqlite3_reset(begin_stmt);
  std::string page = render_in_txn(id);
  sqlite3_step(commit_stmt);
  sqlite3_reset(commit_stmt);
  return page;
}

std::string render_in_txn(long long id) {
  sqlite3_bind_int64(story_stmt, 1, id);
  if (sqlite3_step(story_stmt) != SQLITE_ROW) {
    sqlite3_reset(story_stmt);
    return {};
  }
  // Columns as in Herald's story read: 0 id, 1 edition, 2 section, 3 slug, 4 headline, 5 summary,
  // 11 published_at, 12 updated_at, 14 body_html.
  long long section_id = sqlite3_column_int64(story_stmt, 2);
  auto it = sections.find(section_id);
  if (it == sections.end()) die("story in an unknown section");
  const Section& sec = it->second;
  std::string slug = col(story_stmt, 3), headline = col(story_stmt, 4), summary = col(story_stmt, 5);
  long long published = sqlite3_column_int64(story_stmt, 11);
  long long edition_id = sqlite3_column_int64(story_stmt, 1);
  std::string body = col(story_stmt, 14);
  sqlite3_reset(story_stmt);

  std::string path = story_path(sec, id, slug);
  ctemplate::TemplateDictionary dict("article");
  dict.SetValue("PATH", path);
  dict.SetValue("DOC_TITLE", headline + " — " + site_name);
  dict.SetValue("HEADLINE", headline);
  dict.SetValue("SUMMARY", summary);
  dict.SetValue("SECTION_NAME", sec.name);
  dict.SetValue("SECTION_URL", "/" + sec.edition_code + "/" + sec.slug + "/");
  dict.SetValue("PUBLISHED", utc(published, "%e %B %Y, %H:%M"));
  dict.SetValue("PUBLISHED_ISO", utc(published, "%Y-%m-%dT%H:%M:%SZ"));
  dict.SetValueWithoutCopy("BODY", body);
  dict.SetValue("SUBSCRIBE_URL", "/" + sec.edition_code + "/feeds/");
  dict.SetValueWithoutCopy("DISCUSSION", discussion);

  sqlite3_bind_int64(next_stmt, 1, section_id);
  sqlite3_bind_int64(next_stmt, 2, edition_id);
  sqlite3_bind_int64(next_stmt, 3, id);
  sqlite3_bind_int64(next_stmt, 4, published);
  sqlite3_bind_int64(next_stmt, 5, 0);
  sqlite3_bind_int64(next_stmt, 6, 1);
  if (sqlite3_step(next_stmt) == SQLITE_ROW) {
    auto* n = dict.AddSectionDictionary("NEXT");
    n->SetValue("NEXT_URL", story_path(sec, sqlite3_column_int64(next_stmt, 0), col(next_stmt, 3)));
    n->SetValue("NEXT_HEADLINE", col(next_stmt, 4));
  }
  sqlite3_reset(next_stmt);
  auto* l = dict.AddSectionDictionary("LATEST");
  l->SetValue("SECTION_NAME", sec.name);
  l->SetValueWithoutCopy("ITEMS", latest);

  std::string content;
  content.reserve(16384);
  ctemplate::StringEmitter ce(&content);
  if (!templates->ExpandWithData("article.tpl", ctemplate::DO_NOT_STRIP, &dict, nullptr, &ce))
    die("article.tpl failed");

  ctemplate::TemplateDictionary page("l");
  page.SetValue("LANG", "en");
  page.SetValue("SITE_NAME", site_name);
  page.SetValue("TITLE", headline + " — " + site_name);
  page.SetValue("DESCRIPTION", summary);
  page.SetValue("CANONICAL", "http://127.0.0.1" + path);
  page.SetValue("OG_TYPE", "article");
  page.SetValue("OG_LOCALE", "en_GB");
  page.SetValue("TWITTER_CARD", "summary_large_image");
  page.SetValue("EDITION_CODE", sec.edition_code);
  page.SetValue("CSS_URL", "/static/site.css");
  page.SetValue("JS_URL", "/static/site.js");
  page.SetValue("LIVE_JS_URL", "/static/live.js");
  page.SetValue("FAVICON_URL", "/static/favicon.svg");
  page.AddSectionDictionary("JSONLD")->SetValueWithoutCopy("DATA", jsonld);
  page.SetValueWithoutCopy("MASTHEAD", masthead);
  page.SetValueWithoutCopy("FOOTER", footer);
  page.SetValueWithoutCopy("CONTENT", content);
  std::string out;
  out.reserve(content.size() + 8192);
  ctemplate::StringEmitter pe(&out);
  if (!templates->ExpandWithData("layout.tpl", ctemplate::DO_NOT_STRIP, &page, nullptr, &pe))
    die("layout.tpl failed");
  return out;
}

struct Conn {
  std::string in;
};

void serve(int fd, Conn& c) {
  char buf[8192];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      c.in.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      close(fd);
      c.in.clear();
      return;
    }
    break;
  }
  for (;;) {
    auto end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) return;
    // "GET /en/section/123-slug HTTP/1.1": the id is the number after the last '/'.
    auto sp1 = c.in.find(' ');
    auto sp2 = c.in.find(' ', sp1 + 1);
    std::string path = c.in.substr(sp1 + 1, sp2 - sp1 - 1);
    c.in.erase(0, end + 4);
    long long id = std::atoll(path.c_str() + path.rfind('/') + 1);
    std::string body = render(id);
    char head[160];
    int hn = std::snprintf(head, sizeof head,
                           body.empty() ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                                        : "HTTP/1.1 200 OK\r\nContent-Type: text/html; "
                                          "charset=utf-8\r\nContent-Length: %zu\r\n\r\n",
                           body.size());
    iovec iov[2] = {{head, static_cast<std::size_t>(hn)}, {body.data(), body.size()}};
    std::size_t want = static_cast<std::size_t>(hn) + body.size(), sent = 0;
    while (sent < want) {  // the socket's buffer takes a page at once; a short write just spins
      msghdr m{};
      std::size_t skip = sent;
      iovec v[2];
      int k = 0;
      for (auto& x : iov) {
        if (skip >= x.iov_len) {
          skip -= x.iov_len;
          continue;
        }
        v[k++] = {static_cast<char*>(x.iov_base) + skip, x.iov_len - skip};
        skip = 0;
      }
      m.msg_iov = v;
      m.msg_iovlen = static_cast<std::size_t>(k);
      ssize_t w = sendmsg(fd, &m, MSG_NOSIGNAL);
      if (w < 0 && errno != EAGAIN) {
        close(fd);
        c.in.clear();
        return;
      }
      if (w > 0) sent += static_cast<std::size_t>(w);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt{{"--listen", "127.0.0.1:18082"}};
  for (int i = 1; i + 1 < argc; i += 2) opt[argv[i]] = argv[i + 1];
  for (const char* k : {"--db", "--templates", "--sample"})
    if (!opt.count(k)) die(std::string("missing ") + k);

  // What the floor takes as fixed, cut from a story page Herald served.
  std::string sample = read_file(opt["--sample"]);
  masthead = cut(sample, "<header class=\"masthead", "<main");
  footer = cut(sample, "<footer class=\"site-footer", "</body>");
  discussion = cut(sample, "<section class=\"discussion\"", "<aside class=\"latest\">");
  jsonld = cut(sample, "{\"@context\"", "</script>");
  latest = cut(sample, "<aside class=\"latest\">", "</ul>\n</aside>");
  latest = latest.substr(latest.find("<ul>") + 4);

  std::string dir = opt["--templates"];
  for (const char* name : {"article.tpl", "layout.tpl"}) {
    std::string t = localize(read_file(dir + "/" + name));
    ctemplate::StringToTemplateCache(name, t.data(), t.size(), ctemplate::DO_NOT_STRIP);
  }
  templates = ctemplate::mutable_default_template_cache()->Clone();
  templates->Freeze();

  if (sqlite3_open_v2(opt["--db"].c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK)
    die("cannot open " + opt["--db"]);
  sqlite3_exec(db, "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-8192", nullptr, nullptr,
               nullptr);
  const char* story_sql =
      "SELECT a.id, a.edition_id, a.section_id, a.slug, a.headline, a.summary, a.dateline, "
      "a.lead_media_id, a.translation_key, a.status, a.breaking, a.published_at, a.updated_at, "
      "a.body_html_version, a.body_html, "
      "(SELECT group_concat(tag_id) FROM (SELECT tag_id FROM article_tags "
      "  WHERE article_id = a.id ORDER BY position) AS t), "
      "(SELECT group_concat(author_id) FROM (SELECT author_id FROM article_authors "
      "  WHERE article_id = a.id ORDER BY position) AS au), a.translations "
      "FROM articles a WHERE a.id = ?1";
  const char* next_sql =
      "SELECT a.id, a.edition_id, a.section_id, a.slug, a.headline, a.summary, a.dateline, "
      "a.lead_media_id, a.translation_key, a.status, a.breaking, a.published_at, a.updated_at "
      "FROM articles a WHERE a.section_id = ?1 AND a.status = 'published' AND a.edition_id = ?2 "
      "AND a.published_at >= ?5 AND (a.published_at, a.id) < (?4, ?3) "
      "ORDER BY a.published_at DESC, a.id DESC LIMIT ?6";
  sqlite3_prepare_v3(db, "BEGIN", -1, SQLITE_PREPARE_PERSISTENT, &begin_stmt, nullptr);
  sqlite3_prepare_v3(db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &commit_stmt, nullptr);
  if (sqlite3_prepare_v3(db, story_sql, -1, SQLITE_PREPARE_PERSISTENT, &story_stmt, nullptr) ||
      sqlite3_prepare_v3(db, next_sql, -1, SQLITE_PREPARE_PERSISTENT, &next_stmt, nullptr))
    die(std::string("prepare: ") + sqlite3_errmsg(db));
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT s.id, s.slug, s.name, e.code, e.site_name FROM sections s JOIN "
                     "editions e ON e.id = s.edition_id",
                     -1, &s, nullptr);
  while (sqlite3_step(s) == SQLITE_ROW) {
    sections[sqlite3_column_int64(s, 0)] = Section{col(s, 1), col(s, 2), col(s, 3)};
    if (col(s, 3) == "en") site_name = col(s, 4);
  }
  sqlite3_finalize(s);

  std::string listen_at = opt["--listen"];
  auto colon = listen_at.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(listen_at.c_str() + colon + 1)));
  inet_pton(AF_INET, listen_at.substr(0, colon).c_str(), &addr.sin_addr);
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  // Several floors on one port share the connections as Herald's I/O threads do (WORKERS=2).
  setsockopt(lfd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) || listen(lfd, 1024))
    die("cannot listen on " + listen_at + ": " + std::strerror(errno));
  int ep = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = lfd;
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  std::vector<Conn> conns(65536);
  std::fprintf(stderr, "miss_floor: listening on %s\n", listen_at.c_str());
  epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(ep, evs, 256, -1);
    for (int i = 0; i < n; ++i) {
      int fd = evs[i].data.fd;
      if (fd == lfd) {
        int c;
        while ((c = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK)) >= 0) {
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          if (static_cast<std::size_t>(c) >= conns.size()) {
            close(c);
            continue;
          }
          epoll_event ce{};
          ce.events = EPOLLIN | EPOLLET;
          ce.data.fd = c;
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
        }
        continue;
      }
      serve(fd, conns[static_cast<std::size_t>(fd)]);
    }
  }
}
