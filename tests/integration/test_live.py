"""The live channel through the real server with a real WebSocket client: newsfeed events,
resuming without gaps or doubles, Origin, frame limits, slow readers, chats with flood control
and moderation."""
import json
import os
import socket
import time
import unittest

from harness import Server, WsClient, WsClosed, subscribe, ws_for
from newsroom_util import api, person, section_id


def publish_story(editor, headline, breaking=False):
    status, s = api(editor, "POST", "/api/v1/newsroom/stories",
                    {"headline": headline, "section_id": section_id(editor), "breaking": breaking,
                     "body": [{"type": "paragraph", "text": "Live."}]})
    assert status == 201, s
    status, s = api(editor, "POST", f"/api/v1/newsroom/stories/{s['id']}/publish")
    assert status == 200, s
    return s




class Live(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--live-queue-kb", "64", "--live-client-messages-per-10s", "100000")
        cls.editor = person(cls.server, "editor")
        cls.moderator = person(cls.server, "moderator")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, cls.server.output()[-3000:]

    def ws(self, who=None, **kw):
        c = WsClient(self.server, cookies=who.cookies if who else None, **kw)
        self.assertEqual(c.status, 101)
        hello = c.recv()
        self.assertEqual(hello["type"], "hello")
        return c

    def test_newsfeed_event_and_resume_without_gaps_or_doubles(self):
        a = self.ws()
        sub = subscribe(a, "newsfeed:en")
        self.assertEqual(sub["type"], "subscribed")
        start = sub["seq"]
        story = publish_story(self.editor, "Live one", breaking=True)
        ev, _ = a.recv_until(lambda m: m["type"] == "event")
        self.assertEqual(ev["channel"], "newsfeed:en")
        self.assertEqual(ev["seq"], start + 1)
        self.assertEqual(ev["data"]["kind"], "published")
        self.assertEqual(ev["data"]["headline"], "Live one")
        self.assertTrue(ev["data"]["breaking"])
        self.assertEqual(ev["data"]["url"], story["url"])
        last = ev["seq"]
        a.sock.close()  # dropped, not closed
        for i in range(3):
            publish_story(self.editor, f"While away {i}")
        b = self.ws()
        sub = subscribe(b, "newsfeed:en", since=last)
        self.assertEqual(sub["type"], "subscribed")
        got = []
        while len(got) < 3:
            m = b.recv()
            if m["type"] == "event":
                got.append(m)
        self.assertEqual([m["seq"] for m in got], [last + 1, last + 2, last + 3])
        self.assertEqual([m["data"]["headline"] for m in got], [f"While away {i}" for i in range(3)])
        publish_story(self.editor, "After the resume")
        ev, _ = b.recv_until(lambda m: m["type"] == "event")
        self.assertEqual((ev["seq"], ev["data"]["headline"]), (last + 4, "After the resume"))
        with self.assertRaises(socket.timeout):
            b.recv(timeout=0.7)  # nothing doubled
        # A number the server never gave (it restarted, or the client is confused): reload.
        c = self.ws()
        self.assertEqual(subscribe(c, "newsfeed:en", since=last + 1000)["type"], "reload")
        for x in (b, c):
            x.close()

    def test_handshake_and_frame_limits(self):
        foreign = WsClient(self.server, origin="https://evil.example")
        self.assertEqual(foreign.status, 403)
        self.assertEqual(WsClient(self.server, path="/livex").status, 404)
        c = self.ws()
        c.send_frame(0x1, b"{not json")
        self.assertEqual(c.recv()["code"], "bad_json")
        c.send({"type": "subscribe", "channel": "newsfeed:xx"})
        self.assertEqual(c.recv()["code"], "forbidden")
        c.send({"type": "subscribe", "channel": "BAD CHANNEL"})
        self.assertEqual(c.recv()["code"], "bad_channel")
        c.send({"type": "ping"})
        self.assertEqual(c.recv()["type"], "pong")
        c.send_frame(0x1, b"x" * (64 * 1024 + 1))
        with self.assertRaises(WsClosed) as e:
            c.recv()
        self.assertEqual(e.exception.code, 1009)
        d = self.ws()
        d.send_frame(0x1, b'{"type":"ping","x":"\xff\xfe"}')
        with self.assertRaises(WsClosed) as e:
            d.recv()
        self.assertEqual(e.exception.code, 1007)
        self.assertEqual(self.server.get("/healthz").status, 200)

    def test_anonymous_readers_read_but_do_not_write(self):
        anon = self.ws()
        self.assertEqual(subscribe(anon, "chat:en")["type"], "subscribed")
        anon.send({"type": "send", "channel": "chat:en", "text": "hello", "nonce": "n1"})
        err = anon.recv_until(lambda m: m["type"] == "error")[0]
        self.assertEqual((err["code"], err["nonce"]), ("login", "n1"))
        self.assertIn("Log in or register", err["message"])
        page = self.server.get("/en/chats/en")
        self.assertEqual(page.status, 200)
        self.assertIn("/account/login?next=/en/chats/en", page.text)
        anon.close()

    def test_chat_messages_presence_and_flood_control(self):
        alice, bob = person(self.server, "reader", "Alice"), person(self.server, "reader", "Bob")
        a, b = self.ws(alice), self.ws(bob)
        subscribe(a, "chat:en.world")
        subscribe(b, "chat:en.world")
        pres = b.recv_until(lambda m: m["type"] == "presence")[0]
        self.assertGreaterEqual(pres["count"], 2)
        a.send({"type": "send", "channel": "chat:en.world", "text": "Hi, see https://example.org/x <b>", "nonce": "a1"})
        ack = a.recv_until(lambda m: m["type"] == "ack")[0]
        self.assertEqual(ack["nonce"], "a1")
        ev = b.recv_until(lambda m: m["type"] == "event")[0]
        self.assertEqual(ev["data"]["text"], "Hi, see https://example.org/x <b>")
        self.assertEqual(ev["data"]["user"]["name"], "Alice")
        # Stored: the room's page and the API show it (links clickable, markup escaped).
        page = self.server.get("/en/chats/en.world").text
        self.assertIn('<a href="https://example.org/x" rel="nofollow ugc noopener" target="_blank">', page)
        self.assertIn("&lt;b&gt;", page)
        status, hist = api(alice, "GET", "/api/v1/chat/en.world/messages")
        self.assertEqual(hist["messages"][0]["id"], ack["id"])
        # Flood control: 5 in 10 seconds, then a clear "slow down" with the wait.
        replies = []
        for i in range(5):
            a.send({"type": "send", "channel": "chat:en.world", "text": f"m{i}", "nonce": f"f{i}"})
            replies.append(a.recv_until(lambda m: m.get("nonce") == f"f{i}")[0])
        self.assertEqual([r["type"] for r in replies], ["ack"] * 4 + ["error"])
        self.assertEqual(replies[-1]["code"], "slow_down")
        self.assertGreater(replies[-1]["retry_after"], 0)
        too_long = {"type": "send", "channel": "chat:en.world", "text": "я" * 1001, "nonce": "long"}
        b.send(too_long)
        self.assertEqual(b.recv_until(lambda m: m.get("nonce") == "long")[0]["code"], "too_long")
        for x in (a, b):
            x.close()

    def test_moderation_reaches_every_open_client(self):
        troll, reader = person(self.server, "reader", "Troll"), person(self.server, "reader", "Reader")
        t, r = self.ws(troll), self.ws(reader)
        for c in (t, r):
            subscribe(c, "chat:en.politics")
        t.send({"type": "send", "channel": "chat:en.politics", "text": "spam one", "nonce": "t1"})
        first = t.recv_until(lambda m: m["type"] == "ack")[0]["id"]
        r.recv_until(lambda m: m["type"] == "event")
        # Delete: every client is told.
        status, _ = api(self.moderator, "DELETE", f"/api/v1/chat/messages/{first}")
        self.assertEqual(status, 200)
        ev = r.recv_until(lambda m: m["type"] == "event" and m["data"]["kind"] == "deleted")[0]
        self.assertEqual(ev["data"]["id"], first)
        # A reader may not delete someone else's message, nor mute anyone.
        t.send({"type": "send", "channel": "chat:en.politics", "text": "spam two", "nonce": "t2"})
        second = t.recv_until(lambda m: m["type"] == "ack")[0]["id"]
        self.assertEqual(api(reader, "DELETE", f"/api/v1/chat/messages/{second}")[0], 403)
        self.assertEqual(api(reader, "POST", "/api/v1/chat/en.politics/sanctions",
                             {"user_id": troll.user["id"], "kind": "mute"})[0], 403)
        # Mute: the troll can no longer write here.
        self.assertEqual(api(self.moderator, "POST", "/api/v1/chat/en.politics/sanctions",
                             {"user_id": troll.user["id"], "kind": "mute", "minutes": 10})[0], 200)
        t.send({"type": "send", "channel": "chat:en.politics", "text": "still here", "nonce": "t3"})
        self.assertEqual(t.recv_until(lambda m: m.get("nonce") == "t3")[0]["code"], "muted")
        # Ban: their messages disappear from every client and from the room.
        self.assertEqual(api(self.moderator, "POST", "/api/v1/chat/en.politics/sanctions",
                             {"user_id": troll.user["id"], "kind": "ban"})[0], 200)
        ev = r.recv_until(lambda m: m["type"] == "event" and m["data"]["kind"] == "purged")[0]
        self.assertEqual(ev["data"]["user_id"], troll.user["id"])
        self.assertNotIn("spam two", self.server.get("/en/chats/en.politics").text)
        t.send({"type": "send", "channel": "chat:en.politics", "text": "again", "nonce": "t4"})
        self.assertEqual(t.recv_until(lambda m: m.get("nonce") == "t4")[0]["code"], "banned")
        # A ban everywhere clears the person's lines in every room, live.
        spammer = person(self.server, "reader", "Spammer")
        sp = self.ws(spammer)
        watcher = self.ws(reader)
        subscribe(watcher, "chat:en.science")
        sp.send({"type": "send", "channel": "chat:en.science", "text": "buy now", "nonce": "s1"})
        sp.recv_until(lambda m: m.get("nonce") == "s1")
        watcher.recv_until(lambda m: m["type"] == "event" and m["data"]["kind"] == "message")
        self.assertEqual(api(self.moderator, "POST", "/api/v1/chat/en.politics/sanctions",
                             {"user_id": spammer.user["id"], "kind": "ban", "everywhere": True})[0], 200)
        ev = watcher.recv_until(lambda m: m["type"] == "event" and m["data"]["kind"] == "purged")[0]
        self.assertEqual(ev["data"]["user_id"], spammer.user["id"])
        self.assertNotIn("buy now", self.server.get("/en/chats/en.science").text)
        for x in (sp, watcher):
            x.close()
        # Slow mode and lock.
        self.assertEqual(api(self.moderator, "PATCH", "/api/v1/chat/en.politics", {"slow_mode_s": 30})[0], 200)
        r.send({"type": "send", "channel": "chat:en.politics", "text": "one", "nonce": "r1"})
        r.recv_until(lambda m: m.get("nonce") == "r1")
        r.send({"type": "send", "channel": "chat:en.politics", "text": "two", "nonce": "r2"})
        self.assertEqual(r.recv_until(lambda m: m.get("nonce") == "r2")[0]["code"], "slow_mode")
        self.assertEqual(api(self.moderator, "PATCH", "/api/v1/chat/en.politics", {"locked": True, "slow_mode_s": 0})[0], 200)
        r.send({"type": "send", "channel": "chat:en.politics", "text": "three", "nonce": "r3"})
        self.assertEqual(r.recv_until(lambda m: m.get("nonce") == "r3")[0]["code"], "locked")
        for x in (t, r):
            x.close()

    def test_a_reader_too_slow_to_keep_up_is_disconnected(self):
        slow = WsClient(self.server, rcvbuf=4096)
        self.assertEqual(slow.status, 101)
        slow.send({"type": "subscribe", "channel": "chat:en.economy"})
        fast = self.ws(self.moderator)  # moderators are not flood-limited; it only sends
        pid_status = f"/proc/{self.server.proc.pid}/status"
        rss = lambda: int(next(l for l in open(pid_status) if l.startswith("VmRSS")).split()[1])
        before = rss()
        text = "ж" * 1000
        for i in range(3000):
            fast.send({"type": "send", "channel": "chat:en.economy", "text": text})
            if i % 50 == 0:
                while True:  # keep the fast client's own inbox drained
                    try:
                        fast.recv(timeout=0.01)
                    except socket.timeout:
                        break
        # The slow reader's connection was closed with 1013 (its queue went over 64 KB).
        slow.sock.settimeout(15)
        code = None
        try:
            while True:
                slow.recv(timeout=15)
        except WsClosed as e:
            code = e.code
        self.assertEqual(code, 1013)
        self.assertEqual(self.server.get("/healthz").status, 200)
        if "ASAN_OPTIONS" not in os.environ:  # ASan keeps freed memory in a 256 MB quarantine
            self.assertLess(rss() - before, 200 * 1024, "server memory stays bounded")
        fast.close()


class RecoveredFromTheDatabase(unittest.TestCase):
    """A chat reader away longer than the bus keeps (here 10 events) gets what it missed from
    the database, once and in order, when it names its newest line; without it, reload."""

    def setUp(self):
        self.server = Server("--live-history", "10")

    def tearDown(self):
        self.server.stop()

    def line(self, w, text, nonce):
        w.send({"type": "send", "channel": "chat:en.economy", "text": text, "nonce": nonce})
        ack = w.recv_until(lambda m: m.get("nonce") == nonce)[0]
        self.assertEqual(ack["type"], "ack", ack)
        return ack["id"]

    def test_a_reader_away_too_long_gets_the_missed_lines_from_the_database(self):
        room = "chat:en.economy"
        moderator = person(self.server, "moderator")
        writer = ws_for(self.server, moderator)  # (no flood limit)
        reader = ws_for(self.server)
        self.assertEqual(subscribe(reader, room)["type"], "subscribed")
        doomed = self.line(writer, "seen, then deleted", "d0")
        self.line(writer, "before the break", "b0")
        ev = reader.recv_until(lambda m: m["type"] == "event" and m["data"].get("text") == "before the break")[0]
        cursor, last_id = ev["cursor"], ev["data"]["id"]
        reader.close()
        missed = [f"missed {i}" for i in range(15)]
        for i, text in enumerate(missed):
            self.line(writer, text, f"m{i}")
        # A line the reader shows is deleted while it is away (its deletion too falls out of
        # the bus's history).
        self.assertEqual(api(moderator, "DELETE", f"/api/v1/chat/messages/{doomed}")[0], 200)
        self.line(writer, "missed 15", "m15")
        missed.append("missed 15")
        # The bus kept only the last 10: a resume by cursor alone must reload.
        plain = ws_for(self.server)
        self.assertEqual(subscribe(plain, room, cursor=cursor)["type"], "reload")
        plain.close()
        # Naming the newest line it has, the reader gets all 15 from the database.
        back = ws_for(self.server)
        back.send({"type": "subscribe", "channel": room, "cursor": cursor, "last_id": last_id})
        answer = back.recv_until(lambda m: m.get("channel") == room and m["type"] in ("subscribed", "reload", "error"))[0]
        self.assertEqual(answer["type"], "subscribed", answer)
        self.assertEqual(answer["recovered"], 17)
        got = [back.recv_until(lambda m: m["type"] == "event")[0] for _ in range(17)]
        self.assertTrue(all(m.get("recovered") for m in got))
        # First the deletion of the line it shows, then the 16 lines after its own, in order.
        self.assertEqual(got[0]["data"], {"kind": "deleted", "id": doomed})
        self.assertEqual([m["data"]["text"] for m in got[1:]], missed)
        # Then live, each line once, and a later resume from the new position works.
        self.line(writer, "after the break", "a0")
        nxt = back.recv_until(lambda m: m["type"] == "event")[0]
        self.assertEqual(nxt["data"]["text"], "after the break")
        back.close()
        again = ws_for(self.server)
        self.assertEqual(subscribe(again, room, cursor=nxt["cursor"])["type"], "subscribed")
        again.close()
        writer.close()


if __name__ == "__main__":
    unittest.main()
