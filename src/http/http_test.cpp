#include <gtest/gtest.h>
#include <unistd.h>
#include <xxhash.h>  // the shared library's XXH3, against which the compiled-in one is checked
#include <zlib.h>

#include "http/compress.hpp"
#include "http/forms.hpp"
#include "http/page_cache.hpp"
#include "http/router.hpp"

using namespace herald::http;
namespace net = herald::net;
namespace http = herald::http;

namespace {
std::shared_ptr<CachedPage> page(std::string body, std::vector<std::string> keys) {
  auto p = std::make_shared<CachedPage>();
  p->body = std::make_shared<const std::string>(std::move(body));
  p->keys = std::move(keys);
  p->expires = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  return p;
}
}  // namespace

TEST(PageCache, PurgesExactlyTheTaggedPages) {
  PageCache c(1 << 20);
  c.put("/en/", page("home", {"home:1"}), c.generation());
  c.put("/en/world/", page("world", {"section:1"}), c.generation());
  c.put("/en/science/", page("science", {"section:2"}), c.generation());
  c.put("/en/world/5-x", page("story", {"article:5"}), c.generation());
  EXPECT_EQ(c.purge({"article:5", "section:1", "home:1"}), 3u);
  EXPECT_EQ(c.get("/en/"), nullptr);
  EXPECT_EQ(c.get("/en/world/"), nullptr);
  EXPECT_EQ(c.get("/en/world/5-x"), nullptr);
  ASSERT_NE(c.get("/en/science/"), nullptr);
  EXPECT_EQ(*c.get("/en/science/")->body, "science");
}

TEST(PageCache, RefusesAPageRenderedBeforeAPurge) {
  PageCache c(1 << 20);
  auto gen = c.generation();
  c.purge({"section:1"});  // content changed while the page was being rendered
  c.put("/en/world/", page("stale", {"section:1"}), gen);
  EXPECT_EQ(c.get("/en/world/"), nullptr);
}

TEST(PageCache, StaysWithinItsByteBudget) {
  PageCache c(64 * 1024);
  for (int i = 0; i < 100; ++i)
    c.put("/p" + std::to_string(i), page(std::string(4000, 'x'), {"k"}), c.generation());
  EXPECT_LE(c.bytes(), 64u * 1024);
  EXPECT_GT(c.size(), 0u);
  EXPECT_NE(c.get("/p99"), nullptr);  // the newest stays
  EXPECT_EQ(c.get("/p0"), nullptr);   // the oldest left first
}

TEST(PageCache, ALargeCacheInShardsPurgesAndBudgetsAsOne) {
  PageCache c(64u << 20);  // sixteen shards of 4 MiB
  for (int i = 0; i < 200; ++i)
    c.put("/en/world/" + std::to_string(i), page("story " + std::to_string(i),
                                               {"article:" + std::to_string(i), "section:1"}),
          c.generation());
  EXPECT_EQ(c.size(), 200u);
  EXPECT_EQ(c.purge({"article:7", "article:150"}), 2u);
  EXPECT_EQ(c.get("/en/world/7"), nullptr);
  EXPECT_EQ(c.get("/en/world/150"), nullptr);
  ASSERT_NE(c.get("/en/world/8"), nullptr);
  EXPECT_EQ(*c.get("/en/world/8")->body, "story 8");
  EXPECT_EQ(c.purge({"section:1"}), 198u);  // a key's pages in every shard
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.bytes(), 0u);
  auto gen = c.generation();
  c.purge({"*"});
  c.put("/en/", page("stale", {"home:1"}), gen);
  EXPECT_EQ(c.get("/en/"), nullptr);
  // Whatever shard the pages fall in, the whole stays within the budget.
  std::string body(512 * 1024, 'x');
  for (int i = 0; i < 400; ++i) c.put("/big/" + std::to_string(i), page(body, {"k"}), c.generation());
  EXPECT_LE(c.bytes(), 64u << 20);
  EXPECT_NE(c.get("/big/399"), nullptr);
  EXPECT_GT(c.size(), 50u);
}

TEST(PageCache, PagesThatLeaveAreForgottenByTheirKeysAndTheIndexStaysBounded) {
  PageCache c(1 << 20);  // one shard: about 250 pages of 3000 bytes fit
  std::string body(3000, 'x');
  for (int i = 0; i < 20000; ++i) {
    int story = i % 1000;
    c.put("/en/world/" + std::to_string(story),
          page(body + std::to_string(i), {"article:" + std::to_string(story), "section:1"}),
          c.generation());
  }
  EXPECT_LE(c.bytes(), 1u << 20);
  std::size_t live = c.size();
  ASSERT_GT(live, 100u);
  // 40,000 references were made; dead ones are dropped as they come to outnumber the live.
  EXPECT_LE(c.key_references(), 2 * (2 * live) + 4096);
  // The newest page of a story is the one a reader gets; an evicted story is not served.
  ASSERT_NE(c.get("/en/world/999"), nullptr);
  EXPECT_EQ(*c.get("/en/world/999")->body, body + "19999");
  EXPECT_EQ(c.get("/en/world/0"), nullptr);
  // A story page stored again after it left is purged by its key, and only it.
  c.put("/en/world/0", page("back", {"article:0", "section:1"}), c.generation());
  EXPECT_EQ(c.purge({"article:0"}), 1u);
  EXPECT_EQ(c.get("/en/world/0"), nullptr);
  EXPECT_NE(c.get("/en/world/999"), nullptr);
  std::size_t left = c.size();
  EXPECT_EQ(c.purge({"section:1"}), left);  // every page still here, each counted once
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.bytes(), 0u);
  EXPECT_EQ(c.purge({"article:999"}), 0u);
}

TEST(PageCache, ExpiredPagesAreNotServed) {
  PageCache c(1 << 20);
  auto p = page("old", {"k"});
  p->expires = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  c.put("/old", p, c.generation());
  EXPECT_EQ(c.get("/old"), nullptr);
}

TEST(Compress, GzipRoundTrips) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "Herald news line " + std::to_string(i) + "\n";
  std::string z = gzip(text);
  ASSERT_FALSE(z.empty());
  EXPECT_LT(z.size(), text.size());
  std::string back(text.size(), '\0');
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  zs.next_in = reinterpret_cast<Bytef*>(z.data());
  zs.avail_in = static_cast<uInt>(z.size());
  zs.next_out = reinterpret_cast<Bytef*>(back.data());
  zs.avail_out = static_cast<uInt>(back.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  inflateEnd(&zs);
  EXPECT_EQ(back, text);
}

TEST(Compress, AcceptEncodingParsing) {
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, gzip;q=0.8"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("br"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_TRUE(accepts_gzip("*"));
}

TEST(Compress, EtagsAreStableAndMatchLists) {
  EXPECT_EQ(etag_of("abc"), etag_of("abc"));
  EXPECT_NE(etag_of("abc"), etag_of("abd"));
  auto e = etag_of("abc");
  EXPECT_TRUE(etag_matches(e, e));
  EXPECT_TRUE(etag_matches("\"zzz\", " + e, e));
  EXPECT_TRUE(etag_matches("W/" + e, e));
  EXPECT_TRUE(etag_matches("*", e));
  EXPECT_FALSE(etag_matches("\"other\"", e));
}

// The ETag's hash is compiled in from xxHash's header; it gives what Debian's shared library
// gives (what earlier builds and other nodes send) for every length, across its size classes.
TEST(Compress, EtagsAreTheSharedLibrarysXxh3OfThePage) {
  std::string data;
  for (std::size_t n = 0; n < 5000; n += (n < 300 ? 1 : 97)) {
    while (data.size() < n) data += static_cast<char>((data.size() * 131 + 7) & 255);
    std::string_view v(data.data(), n);
    std::uint64_t h = XXH3_64bits(v.data(), v.size()) ^ (v.size() * 0x9e3779b97f4a7c15ULL);
    char want[24];
    std::snprintf(want, sizeof want, "\"%016llx\"", static_cast<unsigned long long>(h));
    EXPECT_EQ(etag_of(v), want) << n << " bytes";
  }
}

TEST(Forms, UrlEncodingKeepsUnreservedBytesAndSlashesAndEncodesEveryOther) {
  for (int b = 0; b < 256; ++b) {
    char c = static_cast<char>(b);
    bool keep = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
                (b != 0 && std::string_view("-_.~/").find(c) != std::string_view::npos);
    char hex[4];
    std::snprintf(hex, sizeof hex, "%%%02X", b);
    EXPECT_EQ(url_encode(std::string(1, c)), keep ? std::string(1, c) : std::string(hex)) << b;
  }
  EXPECT_EQ(url_encode("/en/world/7-rain#comment-box"), "/en/world/7-rain%23comment-box");
  EXPECT_EQ(url_encode("a b&c=\xd0\x96"), "a%20b%26c%3D%D0%96");
  EXPECT_EQ(form_decode(url_encode("x y/z?+\x01\xff")), "x y/z?+\x01\xff");
}

TEST(Router, MatchesCapturesInOrderAndReports405) {
  Router<int, std::string> r;
  r.add("GET", "/:edition/",
        [](const int&, const Params& p) { return "home " + std::string(p.get("edition")); });
  r.add("GET", "/:edition/tag/:tag/",
        [](const int&, const Params& p) { return "tag " + std::string(p.get("tag")); });
  r.add("GET", "/:edition/:section/",
        [](const int&, const Params& p) { return "section " + std::string(p.get("section")); });
  r.add("POST", "/api/thing", [](const int&, const Params&) { return std::string("post"); });
  Params p;
  bool wrong = false;
  auto* f = r.match("GET", "/en/tag/arctic/", p, wrong);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)(0, p), "tag arctic");
  f = r.match("HEAD", "/en/world/", p, wrong);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)(0, p), "section world");
  EXPECT_EQ(r.match("GET", "/en/world", p, wrong), nullptr);  // trailing slash matters
  EXPECT_EQ(r.match("GET", "/api/thing", p, wrong), nullptr);
  EXPECT_TRUE(wrong);
}

TEST(Router, TheMostLiteralRouteWinsWhateverTheOrder) {
  Router<int, std::string> r;
  r.add("POST", "/stories/:id/:action",
        [](const int&, const Params& p) { return "workflow " + std::string(p.get("action")); });
  r.add("POST", "/stories/:id/chat",
        [](const int&, const Params& p) { return "chat " + std::string(p.get("id")); });
  Params p;
  bool wrong = false;
  auto* f = r.match("POST", "/stories/7/chat", p, wrong);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)(0, p), "chat 7");
  f = r.match("POST", "/stories/7/publish", p, wrong);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)(0, p), "workflow publish");
  EXPECT_EQ(r.match("GET", "/stories/7/chat", p, wrong), nullptr);
  EXPECT_TRUE(wrong);
}

TEST(ReadyHead, SerialisesOnceAndRefusesUnsafeHeaders) {
  net::Headers h{{"Content-Type", "text/html"}, {"X-Cache", "hit"}};
  EXPECT_EQ(net::ready_head(200, h, 42),
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Cache: hit\r\nContent-Length: 42\r\n");
  h.emplace_back("Location", "//evil.example");
  EXPECT_EQ(net::ready_head(200, h, 42), "");
  EXPECT_EQ(net::ready_head(200, {{"X-A", "a\r\nSet-Cookie: x"}}, 1), "");
}

TEST(PageCache, TheGzipCopyHasItsOwnReadyHead) {
  http::CachedPage p;
  p.compressible = true;
  p.body = std::make_shared<const std::string>(std::string(5000, 'a'));
  p.headers = {{"Content-Type", "text/html"}};
  auto z = p.gzip_ready();
  ASSERT_TRUE(z && z->head && z->body);
  EXPECT_LT(z->body->size(), 5000u);
  EXPECT_NE(z->head->find("Content-Encoding: gzip\r\nContent-Length: " +
                          std::to_string(z->body->size()) + "\r\n"),
            std::string::npos);
  EXPECT_EQ(p.gzip_ready(), z);  // made once
}

namespace {
std::string read_span(const net::WireSpan& s) {
  std::string out(s.size, '\0');
  EXPECT_EQ(::pread(s.fd, out.data(), s.size, static_cast<off_t>(s.offset)),
            static_cast<ssize_t>(s.size));
  return out;
}
}  // namespace

TEST(WireArena, KeepsEachSpanAsWrittenWhileLaterOnesFollowIt) {
  http::WireArena a(1 << 20, 64);  // files of 64 bytes
  auto s1 = a.keep({"HTTP/1.1 200 OK\r\n", "\r\n", "first"});
  auto s2 = a.keep({"second body, longer"});
  ASSERT_TRUE(s1 && s2);
  EXPECT_EQ(read_span(s1), "HTTP/1.1 200 OK\r\n\r\nfirst");
  EXPECT_EQ(read_span(s2), "second body, longer");
  EXPECT_EQ(s1.fd, s2.fd);  // one file, one after the other, never overlapping
  EXPECT_EQ(s2.offset, s1.offset + s1.size);
  // A span larger than a file's room gets a file of its own; the full file stays open while
  // its spans live, and is closed with the last of them.
  auto big = a.keep({std::string(200, 'x')});
  ASSERT_TRUE(big);
  EXPECT_NE(big.fd, s1.fd);
  EXPECT_EQ(read_span(big), std::string(200, 'x'));
  EXPECT_EQ(a.files(), 2u);
  s1 = {};
  EXPECT_EQ(a.files(), 2u);
  s2 = {};
  EXPECT_EQ(a.files(), 1u);
  EXPECT_FALSE(a.keep({}));
}

TEST(WireArena, SaysNoPastItsBudgetAndAgainOnceSpansAreGone) {
  http::WireArena a(100, 40);  // files of 6 bytes: each span below gets one of its own
  auto s1 = a.keep({std::string(30, 'a')});
  auto s2 = a.keep({std::string(30, 'b')});
  auto s3 = a.keep({std::string(30, 'c')});
  auto s4 = a.keep({std::string(30, 'd')});
  ASSERT_TRUE(s1 && s2 && s3);
  EXPECT_FALSE(s4);  // four files of 30 would hold 120
  EXPECT_EQ(a.bytes(), 90u);
  s1 = {};
  auto s5 = a.keep({std::string(30, 'e')});
  ASSERT_TRUE(s5);
  EXPECT_EQ(read_span(s5), std::string(30, 'e'));
  EXPECT_EQ(read_span(s2), std::string(30, 'b'));
}

TEST(PageCache, ASealedPageAndItsGzipCopyAreWholeResponsesFromTheirFirstHit) {
  http::PageCache c(1 << 20);
  http::CachedPage p;
  p.compressible = true;
  p.body = std::make_shared<const std::string>(std::string(5000, 'a'));
  p.headers = {{"Content-Type", "text/html"}};
  p.head = std::make_shared<const std::string>(net::ready_head(200, p.headers, 5000));
  EXPECT_FALSE(p.wire());  // not sealed: sent from memory
  c.seal(p);
  EXPECT_EQ(c.arena().bytes(), 0u);  // nothing copied until the first hit
  auto w = p.wire();
  ASSERT_TRUE(w);
  EXPECT_EQ(read_span(*w), *p.head + "\r\n" + *p.body);
  EXPECT_EQ(p.wire(), w);  // made once
  EXPECT_GT(c.arena().bytes(), 0u);
  auto z = p.gzip_ready();
  ASSERT_TRUE(z && z->wire);
  EXPECT_EQ(read_span(z->wire), *z->head + "\r\n" + *z->body);
}
