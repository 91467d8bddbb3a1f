"""Hardening, tried as an attacker would against the real binary on loopback: crashes from a
locked database, response splitting, open redirects, request smuggling, stale identities on
open WebSockets, deleted chat lines in the live history, the channel cap, large bodies from
strangers, per-address connection caps and trusted proxies."""
import json
import select
import socket
import sqlite3
import os
import re
import time
import unittest

from harness import Client, Server, WsClient, WsClosed, herald
from newsroom_util import api, person


def subscribe(ws, channel, since=None):
    msg = {"type": "subscribe", "channel": channel}
    if since is not None:
        msg["since"] = since
    ws.send(msg)
    return ws.recv_until(lambda m: m.get("channel") == channel and m["type"] in ("subscribed", "reload", "error"))[0]


def ws_for(server, who=None):
    c = WsClient(server, cookies=who.cookies if who else None)
    assert c.status == 101, c.status
    assert c.recv()["type"] == "hello"
    return c


def responses_in(raw):
    """How many HTTP responses a raw byte stream holds."""
    return raw.count(b"HTTP/1.1 ")


class Hardening(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--threads", "1", "--live-client-messages-per-10s", "100000")
        cls.editor = person(cls.server, "editor")
        cls.moderator = person(cls.server, "moderator")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, cls.server.output()[-3000:]

    # 1. A chat line while the database is locked: an error frame, no crash, no blocked I/O.
    def test_a_locked_database_gives_chat_an_error_not_a_crash(self):
        alice, bob = person(self.server, "reader", "Alice"), person(self.server, "reader", "Bob")
        a, b = ws_for(self.server, alice), ws_for(self.server, bob)
        for c in (a, b):
            subscribe(c, "chat:en.economy")
        db = sqlite3.connect(os.path.join(self.server.data, "herald.db"), timeout=30, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")  # holds the write lock longer than the server waits (5 s)
        try:
            a.send({"type": "send", "channel": "chat:en.economy", "text": "while locked", "nonce": "L1"})
            # The only I/O thread keeps serving while the line waits for the database.
            self.assertEqual(self.server.get("/healthz").status, 200)
            self.assertEqual(self.server.get("/en/").status, 200)
            ready, _, _ = select.select([a.sock], [], [], 0)
            self.assertFalse(ready or a.buf, "the answer came before the database gave up")
            err = a.recv_until(lambda m: m.get("nonce") == "L1", timeout=30)[0]
            self.assertEqual(err["type"], "error")
            self.assertEqual(err["code"], "unavailable")
        finally:
            db.execute("ROLLBACK")
            db.close()
        # The same connection, the room and the server go on.
        a.send({"type": "send", "channel": "chat:en.economy", "text": "after the lock", "nonce": "L2"})
        self.assertEqual(a.recv_until(lambda m: m.get("nonce") == "L2")[0]["type"], "ack")
        ev = b.recv_until(lambda m: m["type"] == "event" and m["data"].get("kind") == "message")[0]
        self.assertEqual(ev["data"]["text"], "after the lock")
        a.close()
        # Presence updates after a client left reach the others (no dangling client in the hub).
        b.recv_until(lambda m: m["type"] == "presence" and m["count"] == 1, timeout=15)
        b.close()
        self.assertIn("could not be stored", self.server.output())

    # 2. Response splitting and control characters in paths.
    def test_control_characters_in_paths_are_refused(self):
        for path in ("/%0d%0aSet-Cookie:%20herald_session=x", "/en%0d%0aX:%20y", "/en/%09/x", "/%7f"):
            raw = self.server.raw(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            head = raw.split(b"\r\n\r\n", 1)[0]
            self.assertTrue(head.startswith(b"HTTP/1.1 400"), (path, head))
            self.assertNotIn(b"herald_session=x", head)
            self.assertNotIn(b"\r\nX: y", head)

    # 3. The trailing-slash redirect goes only to real pages and never off the site.
    def test_trailing_slash_redirects_only_to_pages_that_exist(self):
        for path in ("/%5Cevil%E3%80%82com", "/%2F%2Fevil.com", "/%5C%5Cevil.com", "/nothing-here",
                     "/en/no-such-section", "/%09/evil.com"):
            r = self.server.get(path)
            self.assertIn(r.status, (400, 404), path)
            self.assertIsNone(r.header("location"), path)
        r = self.server.get("/en")
        self.assertEqual((r.status, r.header("location")), (301, "/en/"))
        r = self.server.get("/en/world?before=1.1")
        self.assertEqual((r.status, r.header("location")), (301, "/en/world/?before=1.1"))
        r = self.server.get("/newsroom")
        self.assertEqual((r.status, r.header("location")), (301, "/newsroom/"))

    # 4. Request smuggling: anything but one plain framing is refused and the connection closed.
    def test_ambiguous_framing_is_refused_and_closes(self):
        smuggled = b"GET /en/ HTTP/1.1\r\nHost: x\r\n\r\n"
        for te in (b"chunked, identity", b"xchunked", b"identity", b"chunked\r\nTransfer-Encoding: chunked",
                   b" chunked , gzip"):
            raw = self.server.raw(b"POST /account/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te +
                                  b"\r\n\r\n" + smuggled)
            self.assertTrue(raw.startswith(b"HTTP/1.1 400"), (te, raw[:200]))
            self.assertEqual(responses_in(raw), 1, te)
        for cl in (b"4, 4", b"+4", b"4 4", b"0x4"):
            raw = self.server.raw(b"POST /account/login HTTP/1.1\r\nHost: x\r\nContent-Length: " + cl +
                                  b"\r\n\r\nabcd" + smuggled)
            self.assertTrue(raw.startswith(b"HTTP/1.1 400"), (cl, raw[:200]))
            self.assertEqual(responses_in(raw), 1, cl)
        # Plain chunked still works.
        raw = self.server.raw(b"POST /en/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                              b"1\r\na\r\n0\r\n\r\n")
        self.assertTrue(raw.startswith(b"HTTP/1.1 405"), raw[:100])

    # 5. Logout and role changes reach open sockets: the next line is refused and the socket closed.
    def test_an_ended_session_cannot_post_on_an_open_socket(self):
        reader = person(self.server, "reader", "Leaving")
        ws = ws_for(self.server, reader)
        subscribe(ws, "chat:en.science")
        ws.send({"type": "send", "channel": "chat:en.science", "text": "hello", "nonce": "a"})
        self.assertEqual(ws.recv_until(lambda m: m.get("nonce") == "a")[0]["type"], "ack")
        self.assertIn(reader.post("/account/logout", {"csrf": reader.csrf_token}).status, (302, 303))
        ws.send({"type": "send", "channel": "chat:en.science", "text": "ghost", "nonce": "b"})
        m = ws.recv_until(lambda m: m.get("nonce") == "b")[0]
        self.assertEqual(m["code"], "session_ended")
        with self.assertRaises(WsClosed) as closed:
            ws.recv_until(lambda m: False)
        self.assertEqual(closed.exception.code, 1008)
        self.assertNotIn("ghost", self.server.get("/en/chats/en.science").text)

    def test_a_demoted_moderator_loses_the_lock_bypass_at_once(self):
        mod = person(self.server, "moderator", "Soon Reader")
        ws = ws_for(self.server, mod)
        subscribe(ws, "chat:en.defense")
        self.assertEqual(api(mod, "PATCH", "/api/v1/chat/en.defense", {"locked": True})[0], 200)
        try:
            ws.send({"type": "send", "channel": "chat:en.defense", "text": "mods only", "nonce": "m1"})
            self.assertEqual(ws.recv_until(lambda m: m.get("nonce") == "m1")[0]["type"], "ack")
            r = herald("user", "role", "--data", self.server.data, "--email", mod.email, "--role", "reader")
            self.assertEqual(r.returncode, 0, r.stderr)
            ws.send({"type": "send", "channel": "chat:en.defense", "text": "still a mod?", "nonce": "m2"})
            self.assertEqual(ws.recv_until(lambda m: m.get("nonce") == "m2")[0]["code"], "session_ended")
        finally:
            self.assertEqual(api(self.moderator, "PATCH", "/api/v1/chat/en.defense", {"locked": False})[0], 200)
        self.assertNotIn("still a mod?", self.server.get("/en/chats/en.defense").text)

    # 8. Deleted and purged lines are not replayed to a client that resumes from before them.
    def test_deleted_lines_do_not_come_back_on_resume(self):
        troll = person(self.server, "reader", "Troll")
        t = ws_for(self.server, troll)
        start = subscribe(t, "chat:en.russia")["seq"]
        ids = []
        for i, text in enumerate(("first secret", "second secret")):
            t.send({"type": "send", "channel": "chat:en.russia", "text": text, "nonce": f"n{i}"})
            ids.append(t.recv_until(lambda m, i=i: m.get("nonce") == f"n{i}")[0]["id"])
        self.assertEqual(api(self.moderator, "DELETE", f"/api/v1/chat/messages/{ids[0]}")[0], 200)
        late = ws_for(self.server)
        subscribe(late, "chat:en.russia", since=start)
        replay = []
        while True:
            m = late.recv(5)
            if m["type"] == "event":
                replay.append(m["data"])
                if m["data"].get("kind") == "deleted" and m["data"]["id"] == ids[0] and len(replay) >= 3:
                    break
        texts = [d.get("text") for d in replay if d.get("kind") == "message"]
        self.assertNotIn("first secret", texts)
        self.assertIn("second secret", texts)
        # A ban purges the rest of the person's lines from the history too.
        self.assertEqual(api(self.moderator, "POST", "/api/v1/chat/en.russia/sanctions",
                             {"user_id": troll.user["id"], "kind": "ban"})[0], 200)
        later = ws_for(self.server)
        subscribe(later, "chat:en.russia", since=start)
        seen = later.recv_until(lambda m: m["type"] == "event" and m["data"].get("kind") == "banned")[1]
        texts = [m["data"].get("text") for m in seen if m["type"] == "event"]
        self.assertNotIn("first secret", texts)
        self.assertNotIn("second secret", texts)
        for c in (t, late, later):
            c.close()

    # 9. The channel cap counts channels actually followed.
    def test_unsubscribing_unknown_channels_does_not_raise_the_cap(self):
        ws = ws_for(self.server)
        for i in range(30):
            ws.send({"type": "unsubscribe", "channel": f"story:{900000 + i}"})
        sections = ("defense", "economy", "politics", "russia", "science", "world")
        channels = (["newsfeed:en", "newsfeed:ru", "chat:en", "chat:ru"] + [f"chat:en.{s}" for s in sections]
                    + [f"chat:ru.{s}" for s in ("ekonomika", "mir", "nauka", "oborona", "politika", "rossiya")])
        stories = re.findall(r'href="/en/[a-z]+/(\d+)-', self.server.get("/en/newsfeed/").text)
        channels += [f"story:{i}" for i in list(dict.fromkeys(stories))[:21 - len(channels)]]
        self.assertEqual(len(channels), 21)
        answers = []
        for ch in channels:
            ws.send({"type": "subscribe", "channel": ch})
            answers.append(ws.recv_until(lambda m, ch=ch: m.get("channel") == ch and m["type"] in ("subscribed", "error"))[0])
        self.assertEqual([a["type"] for a in answers[:20]], ["subscribed"] * 20)
        self.assertEqual(answers[20]["code"], "too_many_channels")
        ws.close()

    # 10. A stranger's large body is refused from its head, before it is read.
    def test_large_bodies_only_for_staff_who_may_write(self):
        def head_only(cookies=None, csrf=None, length=20 << 20):
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=15)
            lines = ["POST /api/v1/newsroom/media HTTP/1.1", "Host: x", "Content-Type: multipart/form-data; boundary=b",
                     f"Content-Length: {length}"]
            if cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
            if csrf:
                lines.append("X-CSRF-Token: " + csrf)
            s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            return s

        def answer(s):
            data = b""
            while b"\r\n\r\n" not in data:
                c = s.recv(4096)
                if not c:
                    break
                data += c
            return data

        s = head_only()
        self.assertTrue(answer(s).startswith(b"HTTP/1.1 401"))
        s.close()
        reader = person(self.server, "reader")
        s = head_only(reader.cookies, reader.csrf_token)
        self.assertTrue(answer(s).startswith(b"HTTP/1.1 403"))
        s.close()
        # Staff: at most 4 large bodies at a time; the fifth is told to come back.
        held = [head_only(self.editor.cookies, self.editor.csrf_token) for _ in range(4)]
        try:
            deadline = time.time() + 10
            fifth = b""
            while time.time() < deadline:
                # Until all four are admitted, a fifth may be too: it then waits for its body.
                s5 = head_only(self.editor.cookies, self.editor.csrf_token)
                s5.settimeout(1)
                try:
                    fifth = answer(s5)
                except socket.timeout:
                    fifth = b""
                s5.close()
                if fifth.startswith(b"HTTP/1.1 503"):
                    break
            self.assertTrue(fifth.startswith(b"HTTP/1.1 503"), fifth[:100])
            self.assertIn(b"Retry-After: 5", fifth)
        finally:
            for s in held:
                s.close()
        # Small bodies are not held to that: an anonymous 1 KB form still gets its ordinary answer.
        c = Client(self.server)
        self.assertEqual(c.post("/account/login", {"email": "x@example.org", "password": "wrong"},
                                csrf_from="/account/login").status, 401)


class ConnectionsAndProxies(unittest.TestCase):
    def test_one_address_cannot_hold_every_connection(self):
        with Server("--connections-per-ip", "5") as s:
            held = [socket.create_connection(("127.0.0.1", s.port), timeout=10) for _ in range(5)]
            for h in held:  # each connection is being served
                h.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertIn(b"200 OK", h.recv(4096))
            extra = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                self.assertEqual(extra.recv(4096), b"")
            except ConnectionResetError:
                pass
            held.pop().close()
            deadline = time.time() + 10
            while time.time() < deadline:  # the server notices the close, then admits again
                try:
                    r = s.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", read_timeout=5)
                except ConnectionResetError:
                    r = b""
                if r.startswith(b"HTTP/1.1 200"):
                    break
            self.assertTrue(r.startswith(b"HTTP/1.1 200"))
            for h in held:
                h.close()

    def test_forwarded_for_counts_only_from_trusted_proxies(self):
        def fail_login(server, client, xff):
            return client.post("/account/login", {"email": "nobody@example.org", "password": "wrong-password"},
                               csrf_from="/account/login", headers={"X-Forwarded-For": xff})

        with Server("--login-failures-per-ip", "2", "--trusted-proxies", "127.0.0.1") as s:
            c = Client(s)
            for _ in range(2):
                self.assertEqual(fail_login(s, c, "203.0.113.7").status, 401)
            self.assertEqual(fail_login(s, c, "203.0.113.7").status, 429)
            # Another reader behind the same proxy is not locked out.
            self.assertEqual(fail_login(s, c, "198.51.100.9").status, 401)
            # The right-most untrusted hop counts; what the client wrote before it does not.
            self.assertEqual(fail_login(s, c, "198.51.100.77, 203.0.113.7").status, 429)
        with Server("--login-failures-per-ip", "2") as s:
            c = Client(s)
            # Not behind a trusted proxy: X-Forwarded-For is ignored, so it cannot dodge the limit.
            for i in range(2):
                self.assertEqual(fail_login(s, c, f"203.0.113.{i}").status, 401)
            self.assertEqual(fail_login(s, c, "203.0.113.99").status, 429)

    def test_bad_proxy_ranges_stop_startup(self):
        r = herald("serve", "--trusted-proxies", "10.0.0.0/99", "--data", "/nonexistent")
        self.assertEqual(r.returncode, 2)
        self.assertIn("trusted-proxies", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
