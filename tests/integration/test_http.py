"""HTTP behaviour of the real server: validators, gzip, caching headers, limits, errors, shutdown."""
import gzip
import http.client
import os
import re
import signal
import socket
import time
import unittest

from harness import Server, ServerTest


def read_pages(sock):
    """Everything the server sends until it closes, split into the bodies of 200 responses
    (an AssertionError names the first response that is not one)."""
    chunks = []
    while True:
        c = sock.recv(65536)
        if not c:
            break
        chunks.append(c)
    out = b"".join(chunks)
    pages = []
    while out:
        head, rest = out.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 200"), head[:80]
        n = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))
        pages.append(rest[:n])
        out = rest[n:]
    return pages


class HeadersTest(ServerTest):
    def test_etag_and_last_modified_answer_304(self):
        first = self.get("/en/world/")
        etag, lm = first.header("etag"), first.header("last-modified")
        self.assertRegex(etag, r'^"[0-9a-f]{16}"$')
        self.assertRegex(lm, r"^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$")
        r = self.get("/en/world/", headers={"If-None-Match": etag})
        self.assertEqual(r.status, 304)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.header("etag"), etag)
        r = self.get("/en/world/", headers={"If-Modified-Since": lm})
        self.assertEqual(r.status, 304)
        r = self.get("/en/world/", headers={"If-None-Match": '"something-else"'})
        self.assertEqual(r.status, 200)
        r = self.get("/en/world/", headers={"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"})
        self.assertEqual(r.status, 200)

    def test_gzip_only_when_asked(self):
        plain = self.get("/en/")
        self.assertIsNone(plain.header("content-encoding"))
        self.assertEqual(plain.header("vary"), "Accept-Encoding")
        z = self.get("/en/", headers={"Accept-Encoding": "gzip, deflate"})
        self.assertEqual(z.header("content-encoding"), "gzip")
        self.assertEqual(gzip.decompress(z.body), plain.body)
        self.assertLess(len(z.body), len(plain.body) / 2)
        no = self.get("/en/", headers={"Accept-Encoding": "gzip;q=0"})
        self.assertIsNone(no.header("content-encoding"))
        # Images are not compressed again.
        img = re.search(r'src="(/media/[^"]+\.jpg)"', plain.text).group(1)
        self.assertIsNone(self.get(img, headers={"Accept-Encoding": "gzip"}).header("content-encoding"))

    def test_cache_control_fits_each_page(self):
        self.assertEqual(self.get("/en/").header("cache-control"), "public, max-age=30, stale-while-revalidate=30")
        self.assertEqual(self.get("/en/newsfeed/").header("cache-control"), "public, max-age=15, stale-while-revalidate=15")
        self.assertEqual(self.get(self.first_article_path()).header("cache-control"), "public, max-age=60, stale-while-revalidate=60")
        self.assertEqual(self.get("/en/rss.xml").header("cache-control"), "public, max-age=60")
        self.assertEqual(self.get("/healthz").header("cache-control"), "no-store")
        self.assertEqual(self.get("/en/nothing-here/").header("cache-control"), "public, max-age=30")

    def test_second_request_is_served_from_the_page_cache(self):
        self.get("/en/science/")
        self.assertEqual(self.get("/en/science/").header("x-cache"), "hit")

    def test_unknown_query_parameters_are_served_but_not_cached(self):
        for _ in range(2):
            r = self.get("/en/economy/?utm_source=x")
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("x-cache"))
        # A cursor the page links to is cached; a made-up one (or a value the route does not
        # take as it is) is served but never kept: random values cannot flood the cache.
        more = re.search(r'href="/en/economy/\?(before=[0-9.]+)"', self.get("/en/economy/").text).group(1)
        self.get("/en/economy/?" + more)
        self.assertEqual(self.get("/en/economy/?" + more).header("x-cache"), "hit")
        for q in ("before=9999999999.1", "limit=5", "before=1.1&before=1.1", "fragment=2"):
            for _ in range(2):
                r = self.get("/en/economy/?" + q)
            self.assertIn(r.status, (200, 400), q)
            self.assertIsNone(r.header("x-cache"), q)
        for i in range(3):
            r = self.get(f"/en/?limit={i + 1}")
            self.assertEqual(r.status, 200)
            self.assertIsNone(self.get(f"/en/?limit={i + 1}").header("x-cache"))
        r = self.get("/api/v1/articles?limit=5")
        self.assertEqual(self.get("/api/v1/articles?limit=5").header("x-cache"), "hit")

    def test_security_headers_on_html(self):
        r = self.get("/en/")
        self.assertEqual(r.header("x-content-type-options"), "nosniff")
        self.assertIn("default-src 'self'", r.header("content-security-policy"))
        self.assertEqual(r.header("x-frame-options"), "SAMEORIGIN")

    def test_head_sends_headers_only(self):
        get = self.get("/en/world/")
        head = self.server.request("HEAD", "/en/world/")
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        self.assertEqual(head.header("content-length"), str(len(get.body)))

    def test_other_methods_get_405_with_allow(self):
        r = self.server.request("POST", "/en/", body=b"x=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("allow"), "GET, HEAD")
        self.assertIn("Not allowed here", r.text)
        api = self.server.request("DELETE", "/api/v1/articles/1")
        self.assertEqual(api.status, 405)
        self.assertEqual(api.header("content-type"), "application/json; charset=utf-8")

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        out = self.server.raw(req + req + b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(out.count(b"HTTP/1.1 200 OK"), 3)

    def test_cached_pages_are_the_same_bytes_on_every_kind_of_connection(self):
        # A cached page goes out from its memory file (sendfile) on keep-alive HTTP/1.1 and
        # from memory otherwise; the bytes must not differ, nor the gzip copy's.
        path = self.first_article_path(with_photo=True)
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            bodies, zbodies, caches = [], [], []
            for _ in range(4):
                conn.request("GET", path)
                r = conn.getresponse()
                bodies.append(r.read())
                caches.append(r.getheader("x-cache"))
                conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
                r = conn.getresponse()
                self.assertEqual(r.getheader("content-encoding"), "gzip")
                zbodies.append(gzip.decompress(r.read()))
        finally:
            conn.close()
        self.assertEqual(caches[1:], ["hit"] * 3)
        self.assertGreater(len(bodies[0]), 10000)
        self.assertEqual(set(bodies), {bodies[0]})
        self.assertEqual(set(zbodies), {bodies[0]})
        old = self.server.raw(f"GET {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
        self.assertTrue(old.startswith(b"HTTP/1.0 200") or old.startswith(b"HTTP/1.1 200"), old[:80])
        self.assertEqual(old.split(b"\r\n\r\n", 1)[1], bodies[0])

    def test_a_reader_who_stops_reading_stalls_nobody_and_still_gets_whole_pages(self):
        # Six hundred pipelined requests for a cached page, and a reader who reads nothing until
        # the server's send queue to it holds megabytes: the kernel has taken part of a page
        # from its memory file, the server waits to send the rest. Meanwhile another reader is
        # answered (nothing blocks the I/O thread), and afterwards every page arrives whole.
        path = self.first_article_path()
        want = self.get(path).body
        self.get(path)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        s.settimeout(30)
        s.connect(("127.0.0.1", self.server.port))
        try:
            me = s.getsockname()[1]
            req = f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
            s.sendall(req * 599 + f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())

            def queued():  # bytes the server's socket to us has not sent yet
                with open("/proc/net/tcp") as table:
                    rows = table.read().splitlines()[1:]
                for line in rows:
                    f = line.split()
                    if f[1].endswith(":%04X" % self.server.port) and f[2].endswith(":%04X" % me):
                        return int(f[4].split(":")[0], 16)
                return 0
            deadline = time.monotonic() + 30
            while queued() < min(1 << 20, 300 * len(want)) and time.monotonic() < deadline:
                time.sleep(0.01)
            self.assertGreaterEqual(queued(), min(1 << 20, 300 * len(want)))
            self.assertEqual(self.get("/healthz").status, 200)
            pages = read_pages(s)
        finally:
            s.close()
        self.assertEqual(len(pages), 600)
        self.assertEqual(pages.count(want), 600)

    def test_oversized_headers_get_431(self):
        big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
        out = self.server.raw(big)
        self.assertTrue(out.startswith(b"HTTP/1.1 431"), out[:100])

    def test_oversized_body_is_refused_before_it_is_read(self):
        # Only the headers are sent: the answer must not wait for 2 MB that never come.
        start = time.monotonic()
        out = self.server.raw(b"POST /en/ HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 413"), out[:100])
        self.assertLess(time.monotonic() - start, 5)
        chunked = b"POST /en/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + b"100000\r\n" + b"a" * 0x100000 + b"\r\n" + b"100000\r\n" + b"a" * 0x100000 + b"\r\n0\r\n\r\n"
        out = self.server.raw(chunked)
        self.assertTrue(out.startswith(b"HTTP/1.1 413"), out[:100])

    def test_smuggling_shapes_get_400_and_close(self):
        for req in (
            b"POST /en/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            b"POST /en/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
            b"POST /en/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        ):
            out = self.server.raw(req + b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertTrue(out.startswith(b"HTTP/1.1 400"), out[:200])
            self.assertEqual(out.count(b"HTTP/1.1"), 1, "the connection must close after the 400")

    def test_garbage_and_bad_paths_get_400(self):
        self.assertTrue(self.server.raw(b"HELLO\r\n\r\n").startswith(b"HTTP/1.1 400"))
        self.assertTrue(self.server.raw(b"GET /en/%zz HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 400"))
        self.assertTrue(self.server.raw(b"GET /en/%00 HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 400"))

    def test_hostile_addresses_never_get_a_5xx(self):
        import random
        import urllib.parse
        rng = random.Random(2026)
        pieces = ["en", "ru", "world", "mir", "tag", "author", "newsfeed", "api", "v1", "articles", "..", ".",
                  "%00", "%zz", "%2e%2e", "rss.xml", "sitemaps", "articles-999999999999.xml", "-pages.xml",
                  "1-x", "99999999999999999999-x", "'\"<script>", "ё", "", "static", "media"]
        queries = ["", "?before=", "?before=1.1", "?before=%00", "?cursor=..", "?limit=-1", "?limit=99999999999",
                   "?fragment=1", "?edition=xx&section=yy", "?tag=%ff", "?" + "a=1&" * 50]
        for _ in range(400):
            path = "/" + "/".join(urllib.parse.quote(rng.choice(pieces), safe="%.-") for _ in range(rng.randint(0, 5)))
            if rng.random() < 0.5:
                path += "/"
            r = self.get(path + rng.choice(queries))
            self.assertLess(r.status, 500, path)
        self.assertEqual(self.get("/healthz").status, 200)

    def test_access_log_has_one_line_per_request(self):
        self.get("/en/defense/?probe=access-log")
        deadline = time.time() + 5
        while time.time() < deadline:
            m = re.search(r"GET /en/defense/\?probe=access-log 200 (\d+)B (\d+)us", self.server.output())
            if m:
                break
            time.sleep(0.1)
        self.assertIsNotNone(m, self.server.output()[-2000:])
        self.assertGreater(int(m.group(1)), 1000)


class SmallCacheTest(unittest.TestCase):
    def test_pages_stay_whole_while_a_small_cache_turns_over(self):
        # A 1 MiB page cache holds a few dozen pages: each round of fifty evicts the last
        # round's, and their memory files are dropped while new spans are written. Every hit
        # (sent from a memory file on this keep-alive connection) must still be the page
        # itself, never the bytes of one the cache dropped.
        with Server("--cache-mb", "1") as s:
            feed = s.get("/en/newsfeed/").text + s.get("/ru/newsfeed/").text
            paths = list(dict.fromkeys(re.findall(r'href="(/(?:en|ru)/[a-z0-9-]+/\d+-[a-z0-9-]+)"', feed)))
            self.assertGreaterEqual(len(paths), 30)
            want = {p: s.get(p).body for p in paths}
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
            hits = 0
            try:
                for _ in range(3):
                    for p in paths:
                        for _ in range(2):  # the first may be a miss; the second is a hit
                            conn.request("GET", p)
                            r = conn.getresponse()
                            body = r.read()
                            hits += r.getheader("x-cache") == "hit"
                            self.assertEqual(body, want[p], p)
            finally:
                conn.close()
            self.assertGreaterEqual(hits, 3 * len(paths))


    def test_pages_made_in_one_turn_each_reach_their_own_reader_in_order(self):
        # With the page cache off every story page is made. Eight readers each pipeline twelve
        # different stories before reading anything: the server holds many at once and sends
        # the pages made in a turn together. Each reader must get its own pages, whole, in the
        # order it asked for them.
        with Server("--cache-mb", "0", "--threads", "2") as s:
            feed = s.get("/en/newsfeed/").text + s.get("/ru/newsfeed/").text
            paths = list(dict.fromkeys(re.findall(r'href="(/(?:en|ru)/[a-z0-9-]+/\d+-[a-z0-9-]+)"', feed)))
            self.assertGreaterEqual(len(paths), 24)
            want = {p: s.get(p).body for p in paths}
            socks, asked = [], []
            try:
                for i in range(8):
                    mine = [paths[(i * 5 + k) % len(paths)] for k in range(12)]
                    sk = socket.create_connection(("127.0.0.1", s.port), timeout=30)
                    reqs = b"".join(f"GET {p} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for p in mine[:-1])
                    reqs += f"GET {mine[-1]} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
                    sk.sendall(reqs)
                    socks.append(sk)
                    asked.append(mine)
                for sk, mine in zip(socks, asked):
                    got = read_pages(sk)
                    self.assertEqual(len(got), len(mine))
                    for p, body in zip(mine, got):
                        self.assertEqual(body, want[p], p)
            finally:
                for sk in socks:
                    sk.close()


class TimeoutTest(unittest.TestCase):
    def test_slow_headers_get_408_then_close(self):
        with Server("--header-timeout-s", "1") as s:
            start = time.monotonic()
            out = s.raw(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
            self.assertTrue(out.startswith(b"HTTP/1.1 408"), out[:100])
            self.assertLess(time.monotonic() - start, 5)

    def test_idle_keep_alive_connections_are_closed(self):
        with Server("--idle-timeout-s", "1") as s:
            sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            first = sock.recv(65536)
            self.assertIn(b"200 OK", first)
            start = time.monotonic()
            self.assertEqual(sock.recv(65536), b"")  # closed by the server
            self.assertLess(time.monotonic() - start, 5)
            sock.close()


class ShutdownTest(unittest.TestCase):
    def test_sigterm_drains_the_request_in_flight_then_stops(self):
        s = Server()
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=15)
        # A request whose body is still arriving when the signal comes.
        sock.sendall(b"POST /en/ HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello")
        time.sleep(0.3)
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        sock.sendall(b"world")
        answer = sock.recv(65536)
        self.assertTrue(answer.startswith(b"HTTP/1.1 405"), answer[:100])
        self.assertIn(b"Connection: close", answer)
        sock.close()
        s.proc.wait(12)
        self.assertEqual(s.proc.returncode, 0)
        s.reader.join(5)
        self.assertIn("Herald stopped.", s.output())
        s.stop()

    def test_sigint_with_idle_connections_stops_promptly(self):
        s = Server()
        idle = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        start = time.monotonic()
        s.proc.send_signal(signal.SIGINT)
        s.proc.wait(12)
        self.assertLess(time.monotonic() - start, 5)
        self.assertEqual(s.proc.returncode, 0)
        idle.close()
        s.stop()


if __name__ == "__main__":
    unittest.main()
