"""Several nodes of one site: herald serve on one PostgreSQL database, NATS JetStream between
them (run by the PostgreSQL variant of the suites, with scripts/services.sh's servers)."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import types
import unittest

from harness import (BACKEND, DATABASES, Client, MailSink, OwnPostgres, Server, WsClosed,
                     free_port, subscribe, ws_for)
from newsroom_util import api, person, section_id, wait_until

NATS = os.environ.get("HERALD_TEST_NATS", "")




def publish_story(node, headline):
    """An editor of `node` writes and publishes a story; returns it."""
    editor = person(node, "editor")
    status, story = api(editor, "POST", "/api/v1/newsroom/stories",
                        {"headline": headline, "section_id": section_id(editor),
                         "body": [{"type": "paragraph", "text": "Text."}]})
    assert status == 201, story
    status, story = api(editor, "POST", f"/api/v1/newsroom/stories/{story['id']}/publish")
    assert status == 200, story
    return story


@unittest.skipUnless(BACKEND == "postgres" and NATS, "needs PostgreSQL and NATS (scripts/services.sh)")
class ThreeNodes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = Server("--bus", NATS)
        cls.b = Server("--bus", NATS, "--media-dir", os.path.join(cls.a.data, "media"),
                       copy_fixture=False, database=DATABASES[cls.a.data])
        cls.c = Server("--bus", NATS, "--media-dir", os.path.join(cls.a.data, "media"),
                       copy_fixture=False, database=DATABASES[cls.a.data])

    @classmethod
    def tearDownClass(cls):
        for s in (cls.c, cls.b, cls.a):
            code = s.stop()
            assert code == 0, s.output()[-3000:]

    def publish_on_a(self, headline):
        return publish_story(self.a, headline)

    def test_a_story_published_on_one_node_reaches_readers_of_the_other(self):
        reader = ws_for(self.b)
        self.assertEqual(subscribe(reader, "newsfeed:en")["type"], "subscribed")
        for p in ("/en/", "/en/rss.xml"):
            self.assertEqual(self.b.get(p).status, 200)  # in B's page cache now
        story = self.publish_on_a("Cluster bridge reopens")
        ev = reader.recv_until(lambda m: m["type"] == "event" and
                               m["data"].get("headline") == "Cluster bridge reopens", timeout=15)[0]
        self.assertEqual(ev["channel"], "newsfeed:en")
        # B's cached pages were purged by A's write: the story page, its section and the feed.
        path = re.sub(r"^https?://[^/]+", "", story["url"])
        self.assertTrue(wait_until(lambda: self.b.get(path).status == 200, timeout=10), path)
        self.assertTrue(wait_until(lambda: "Cluster bridge reopens" in self.b.get("/en/").text))
        self.assertTrue(wait_until(lambda: "Cluster bridge reopens" in self.b.get("/en/rss.xml").text))
        # Exactly once: no second copy of the event arrives.
        self.publish_on_a("Second cluster story")
        seen = reader.recv_until(lambda m: m["type"] == "event" and
                                 m["data"].get("headline") == "Second cluster story", timeout=15)[1]
        headlines = [m["data"].get("headline") for m in seen if m["type"] == "event"]
        self.assertNotIn("Cluster bridge reopens", headlines)
        reader.close()

    def test_a_reader_resumes_on_the_other_node_with_nothing_missed_or_doubled(self):
        first = ws_for(self.b)
        subscribe(first, "newsfeed:en")
        self.publish_on_a("Before the reconnect")
        ev = first.recv_until(lambda m: m["type"] == "event" and
                              m["data"].get("headline") == "Before the reconnect", timeout=15)[0]
        cursor = ev["cursor"]
        first.close()
        # Away: two stories go out. Back, through the other node, from the cursor.
        self.publish_on_a("While away one")
        self.publish_on_a("While away two")
        again = ws_for(self.a)
        sub = subscribe(again, "newsfeed:en", cursor=cursor)
        self.assertEqual(sub["type"], "subscribed", sub)
        got = []
        while len(got) < 2:
            m = again.recv_until(lambda m: m["type"] == "event", timeout=15)[0]
            got.append(m["data"]["headline"])
        self.assertEqual(got, ["While away one", "While away two"])
        again.close()

    def test_both_nodes_are_ready_and_a_scheduled_story_goes_out_once(self):
        for node in (self.a, self.b):
            r = node.get("/readyz")
            self.assertEqual((r.status, json.loads(r.text)["bus"]), (200, "ok"), r.text)
        editor = person(self.b, "editor")
        status, story = api(editor, "POST", "/api/v1/newsroom/stories",
                            {"headline": "Scheduled across nodes", "section_id": section_id(editor),
                             "body": [{"type": "paragraph", "text": "Text."}]})
        self.assertEqual(status, 201, story)
        status, s = api(editor, "POST", f"/api/v1/newsroom/stories/{story['id']}/schedule",
                        {"at": int(time.time()) + 2})
        self.assertEqual(status, 200, s)
        self.assertTrue(wait_until(lambda: api(editor, "GET", f"/api/v1/newsroom/stories/{story['id']}")[1]
                                   ["status"] == "published", timeout=20))
        status, revs = api(editor, "GET", f"/api/v1/newsroom/stories/{story['id']}/revisions")
        notes = [r["note"] for r in revs["revisions"]]
        self.assertEqual(notes.count("published on schedule"), 1, notes)
        logged = (self.a.output() + self.b.output()).count(f"published scheduled story {story['id']} ")
        self.assertEqual(logged, 1, "one node, the scheduler lease holder, published it")

    def test_chat_lines_reach_members_on_every_node_once_and_in_order(self):
        room = "chat:en.world"
        nodes = (self.a, self.b, self.c)
        members = [ws_for(n) for n in nodes]  # readers of the room on each node
        for w in members:
            self.assertEqual(subscribe(w, room)["type"], "subscribed")
        writers = [ws_for(n, person(n, "reader", name)) for n, name in zip(nodes, ("Alice", "Bob", "Carol"))]
        # Lines written on all three nodes in turn; the last one marks the end.
        sent = [f"line {i}" for i in range(9)] + ["the end"]
        for i, text in enumerate(sent):
            w = writers[i % 3]
            w.send({"type": "send", "channel": room, "text": text, "nonce": f"n{i}"})
            self.assertEqual(w.recv_until(lambda m: m.get("nonce") == f"n{i}")[0]["type"], "ack")
        for w in writers:
            w.close()
        for i, w in enumerate(members):
            texts = []
            while not texts or texts[-1] != "the end":
                m = w.recv_until(lambda m: m["type"] == "event" and m["data"].get("kind") == "message",
                                 timeout=15)[0]
                texts.append(m["data"]["text"])
            self.assertEqual(texts, sent, f"member on node {'abc'[i]}")  # all, once, in order
        for w in members:
            w.close()

    def test_a_ban_on_one_node_clears_the_persons_lines_on_every_node(self):
        room, path = "chat:en.science", "/en/chats/en.science"
        troll = person(self.a, "reader", "Troll")
        moderator = person(self.c, "moderator")
        t = ws_for(self.a, troll)
        watchers = [ws_for(n, person(n, "reader")) for n in (self.a, self.b, self.c)]
        for w in [t] + watchers:
            self.assertEqual(subscribe(w, room)["type"], "subscribed")
        t.send({"type": "send", "channel": room, "text": "troll line across the cluster", "nonce": "t1"})
        self.assertEqual(t.recv_until(lambda m: m.get("nonce") == "t1")[0]["type"], "ack")
        for w in watchers:
            w.recv_until(lambda m: m["type"] == "event" and m["data"].get("kind") == "message", timeout=15)
        for n in (self.a, self.b, self.c):
            self.assertIn("troll line across the cluster", n.get(path).text)
        # The ban is issued on node C; the troll writes through node A.
        self.assertEqual(api(moderator, "POST", "/api/v1/chat/en.science/sanctions",
                             {"user_id": troll.user["id"], "kind": "ban"})[0], 200)
        for w in watchers:
            ev = w.recv_until(lambda m: m["type"] == "event" and m["data"].get("kind") == "purged",
                              timeout=15)[0]
            self.assertEqual(ev["data"]["user_id"], troll.user["id"])
        for n in (self.a, self.b, self.c):
            self.assertNotIn("troll line across the cluster", n.get(path).text)
        t.send({"type": "send", "channel": room, "text": "still here", "nonce": "t2"})
        self.assertEqual(t.recv_until(lambda m: m.get("nonce") == "t2")[0]["code"], "banned")
        for w in [t] + watchers:
            w.close()

    def test_flood_control_slow_mode_and_login_throttles_count_on_every_node(self):
        def line(w, room, text, nonce):
            w.send({"type": "send", "channel": room, "text": text, "nonce": nonce})
            return w.recv_until(lambda m: m.get("nonce") == nonce)[0]

        # One person on two nodes at once (the session lives in the shared database): five
        # lines in ten seconds between them, the sixth is refused whichever node takes it.
        talker = person(self.a, "reader", "Talker")
        on_a, on_b = ws_for(self.a, talker), ws_for(self.b, talker)
        answers = [line((on_a, on_b)[i % 2], "chat:en.russia", f"flood {i}", f"f{i}")["type"]
                   for i in range(5)]
        self.assertEqual(answers, ["ack"] * 5)
        refused = line(on_b, "chat:en.russia", "flood 5", "f5")
        self.assertEqual(refused["code"], "slow_down")
        self.assertGreater(refused["retry_after"], 0)
        # Slow mode set on node C holds on A and B: one line per 30 s.
        moderator = person(self.c, "moderator")
        self.assertEqual(api(moderator, "PATCH", "/api/v1/chat/en.politics", {"slow_mode_s": 30})[0], 200)
        writer = person(self.a, "reader", "Slow writer")
        w_a, w_b = ws_for(self.a, writer), ws_for(self.b, writer)
        self.assertEqual(line(w_a, "chat:en.politics", "one", "s1")["type"], "ack")
        slow = line(w_b, "chat:en.politics", "two", "s2")
        self.assertEqual(slow["code"], "slow_mode")
        self.assertGreater(slow["retry_after"], 25)
        self.assertEqual(api(moderator, "PATCH", "/api/v1/chat/en.politics", {"slow_mode_s": 0})[0], 200)
        for w in (on_a, on_b, w_a, w_b):
            w.close()
        # Failed logins for one account count on every node: ten spread over A and B, then C
        # holds the eleventh back.
        victim = person(self.a, "reader", "Victim")
        for i in range(10):
            node = (self.a, self.b)[i % 2]
            self.assertEqual(Client(node).login(victim.email, f"wrong guess {i}").status, 401)
        r = Client(self.c).login(victim.email, "wrong guess 10")
        self.assertEqual(r.status, 429)
        self.assertGreater(int(r.header("retry-after")), 0)

    def test_a_comment_on_one_node_reaches_every_node_and_the_posting_rate_counts_across_them(self):
        story = self.publish_on_a("Cluster discussion")
        path = re.sub(r"^https?://[^/]+", "", story["url"])
        readers = [ws_for(n) for n in (self.b, self.c)]
        for w in readers:
            self.assertEqual(subscribe(w, f"comments:{story['id']}")["type"], "subscribed")
        self.assertEqual(self.b.get(path).status, 200)  # in B's page cache now
        writer = person(self.a, "reader", "Writer")
        moderator = person(self.c, "moderator")
        # A new account's first two comments wait; the moderator on C approves them.
        for i in range(2):
            status, j = api(writer, "POST", "/api/v1/comments", {"story_id": story["id"], "text": f"held {i}"})
            self.assertTrue(j["held"])
            self.assertEqual(api(moderator, "POST", f"/api/v1/moderation/comments/{j['comment']['id']}",
                                 {"action": "approve"})[0], 200)
        status, j = api(writer, "POST", "/api/v1/comments", {"story_id": story["id"], "text": "Posted on A"})
        self.assertEqual(status, 201, j)
        for w in readers:
            got = w.recv_until(lambda m: m["type"] == "event" and m["data"].get("text") == "Posted on A", timeout=15)[1]
            texts = [m["data"]["text"] for m in got if m["type"] == "event"]
            self.assertEqual(texts, ["held 0", "held 1", "Posted on A"])  # approvals arrive as new ones, once
        self.assertTrue(wait_until(lambda: "Posted on A" in self.b.get(path).text, timeout=10))
        # The posting rate (a burst of 3) is counted on every node: the fourth, on B, waits.
        writer_b = Client(self.b)
        writer_b.cookies = writer.cookies
        writer_b.csrf_token = writer.csrf_token
        status, j = api(writer_b, "POST", "/api/v1/comments", {"story_id": story["id"], "text": "Too fast on B"})
        self.assertEqual((status, j["error"]["code"]), (429, "too_soon"))
        for w in readers:
            w.close()

    def test_presence_counts_the_readers_of_every_node(self):
        room = "chat:en.defense"
        readers = [ws_for(n) for n in (self.a, self.b, self.c)]
        for w in readers:
            self.assertEqual(subscribe(w, room)["type"], "subscribed")
        for w in readers:  # each node shows 3: its own reader and the other two nodes'
            w.recv_until(lambda m: m["type"] == "presence" and m["channel"] == room and m["count"] == 3,
                         timeout=15)
        readers[1].close()  # a reader on B leaves: A and C show 2
        for w in (readers[0], readers[2]):
            w.recv_until(lambda m: m["type"] == "presence" and m["channel"] == room and m["count"] == 2,
                         timeout=15)
        for w in (readers[0], readers[2]):
            w.close()


@unittest.skipUnless(BACKEND == "postgres" and NATS and shutil.which("haproxy"),
                     "needs PostgreSQL, NATS and haproxy")
class ThreeNodesBehindHaproxy(unittest.TestCase):
    """kill -9 of one node of three while stories go out: its readers reconnect through the
    balancer to the others and resume with nothing missed or doubled; a scheduled story still
    goes out once."""

    def setUp(self):
        self.hport = free_port()
        base = f"http://127.0.0.1:{self.hport}"
        self.nodes = [Server("--bus", NATS, "--base-url", base)]
        db = DATABASES[self.nodes[0].data]
        media = os.path.join(self.nodes[0].data, "media")
        for _ in range(2):
            self.nodes.append(Server("--bus", NATS, "--base-url", base, "--media-dir", media,
                                     copy_fixture=False, database=db))
        servers = "".join(f"  server n{i} 127.0.0.1:{n.port} check inter 300ms fall 1 rise 1\n"
                          for i, n in enumerate(self.nodes))
        self.cfg = tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False)
        self.cfg.write(f"""global
  maxconn 2000
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout tunnel 1h
  retries 3
  option redispatch
frontend web
  bind 127.0.0.1:{self.hport}
  default_backend herald
backend herald
  balance roundrobin
  option httpchk GET /readyz
{servers}""")
        self.cfg.close()
        self.haproxy = subprocess.Popen(["haproxy", "-f", self.cfg.name, "-db"],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.balancer = types.SimpleNamespace(port=self.hport, base=base)
        self.assertTrue(wait_until(lambda: self.get_via_balancer("/readyz") == 200, timeout=20))

    def tearDown(self):
        self.haproxy.terminate()
        self.haproxy.wait(10)
        os.unlink(self.cfg.name)
        for n in self.nodes:
            n.stop()

    def get_via_balancer(self, path):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.hport, timeout=5)
            c.request("GET", path)
            status = c.getresponse().status
            c.close()
            return status
        except OSError:
            return 0

    def publish(self, editor, headline, at=None):
        status, story = api(editor, "POST", "/api/v1/newsroom/stories",
                            {"headline": headline, "section_id": section_id(editor),
                             "body": [{"type": "paragraph", "text": "Text."}]})
        self.assertEqual(status, 201, story)
        step, data = ("schedule", {"at": at}) if at else ("publish", None)
        status, story = api(editor, "POST", f"/api/v1/newsroom/stories/{story['id']}/{step}", data)
        self.assertEqual(status, 200, story)
        return story

    def chat(self, w, text, nonce):
        w.send({"type": "send", "channel": "chat:en.world", "text": text, "nonce": nonce})
        self.assertEqual(w.recv_until(lambda m: m.get("nonce") == nonce)[0]["type"], "ack")

    def test_a_killed_nodes_readers_resume_elsewhere_with_nothing_missed(self):
        editor = person(self.nodes[0], "editor")
        # A chat member writing through node 0 (never killed), who also watches the presence.
        writer = ws_for(self.nodes[0], person(self.nodes[0], "reader", "Writer"),
                        origin=self.balancer.base)
        self.assertEqual(subscribe(writer, "chat:en.world")["type"], "subscribed")
        readers = []
        for _ in range(6):  # round robin: two on each node, each reading the newsfeed and a chat
            w = ws_for(self.balancer)
            for channel in ("newsfeed:en", "chat:en.world"):
                self.assertEqual(subscribe(w, channel)["type"], "subscribed")
            readers.append(w)
        writer.recv_until(lambda m: m["type"] == "presence" and m["count"] == 7, timeout=15)
        self.publish(editor, "Before the kill")
        self.chat(writer, "chat before the kill", "c0")
        cursors = []  # each reader's last position on each channel
        for w in readers:
            got = {}
            while len(got) < 2:
                ev = w.recv_until(lambda m: m["type"] == "event", timeout=15)[0]
                got[ev["channel"]] = ev["cursor"]
            cursors.append(got)
        scheduled = self.publish(editor, "Scheduled through the kill", at=int(time.time()) + 3)
        victim = self.nodes[2]
        os.kill(victim.proc.pid, signal.SIGKILL)
        victim.proc.wait(10)
        self.publish(editor, "After the kill one")
        self.chat(writer, "chat after the kill one", "c1")
        self.publish(editor, "After the kill two")
        self.chat(writer, "chat after the kill two", "c2")
        # The dead node's two readers leave the presence count within its lease (15 s).
        writer.recv_until(lambda m: m["type"] == "presence" and m["count"] == 5, timeout=30)
        wanted = {"newsfeed:en": ["After the kill one", "After the kill two"],
                  "chat:en.world": ["chat after the kill one", "chat after the kill two"]}

        def four_events(w, answers=None):
            got = {"newsfeed:en": [], "chat:en.world": []}
            while sum(len(v) for v in got.values()) < 4:
                try:
                    m = w.recv_until(lambda m: m["type"] in ("event", "subscribed", "reload", "error"),
                                     timeout=15)[0]
                except TimeoutError:
                    self.fail(f"only {got} arrived")
                if m["type"] != "event":
                    self.assertIsNotNone(answers, m)
                    answers.append(m["type"])
                    continue
                text = m["data"].get("headline") or m["data"].get("text")
                if text == "Scheduled through the kill":  # (goes out meanwhile; checked below)
                    scheduled_seen.append(text)
                    continue
                got[m["channel"]].append(text)
            return got

        dropped = 0
        for i, w in enumerate(readers):
            scheduled_seen = []
            try:
                got = four_events(w)
            except (WsClosed, OSError):
                # On the killed node: back through the balancer, from the last cursors.
                dropped += 1
                w = ws_for(self.balancer)
                for channel, cursor in cursors[i].items():  # (the missed events follow each answer)
                    w.send({"type": "subscribe", "channel": channel, "cursor": cursor})
                answers = []
                got = four_events(w, answers)
                self.assertEqual(answers, ["subscribed", "subscribed"])
                readers[i] = w
            self.assertEqual(got, wanted, f"reader {i}")  # nothing missed, nothing twice
            self.assertLessEqual(len(scheduled_seen), 1, f"reader {i}")
        self.assertEqual(dropped, 2, "two readers were on the killed node")
        writer.close()
        # The balancer serves on: no failed request once the node is gone.
        statuses = [self.get_via_balancer("/en/") for _ in range(30)]
        self.assertEqual(statuses, [200] * 30)
        # The scheduled story goes out once, whichever node held the scheduler lease.
        self.assertTrue(wait_until(lambda: api(editor, "GET", f"/api/v1/newsroom/stories/{scheduled['id']}")[1]
                                   ["status"] == "published", timeout=30))
        revs = api(editor, "GET", f"/api/v1/newsroom/stories/{scheduled['id']}/revisions")[1]["revisions"]
        self.assertEqual([r["note"] for r in revs].count("published on schedule"), 1)
        for w in readers:
            w.close()


@unittest.skipUnless(BACKEND == "postgres", "needs PostgreSQL")
class PostgresAway(unittest.TestCase):
    def test_ten_seconds_without_postgres_readers_are_served_writes_wait_and_nothing_is_lost(self):
        pg = OwnPostgres()
        try:
            subprocess.run(["psql", "-q", pg.admin, "-c", "CREATE DATABASE site"], check=True)
            url = pg.admin.rsplit("/", 1)[0] + "/site"
            node = Server("--media-dir", os.path.join(tempfile.gettempdir(), f"herald-pg-media-{os.getpid()}"),
                          copy_fixture=False, database=url)
            try:
                editor = person(node, "editor")
                status, kept = api(editor, "POST", "/api/v1/newsroom/stories",
                                   {"headline": "Acknowledged before", "section_id": section_id(editor),
                                    "body": [{"type": "paragraph", "text": "Text."}]})
                self.assertEqual(status, 201, kept)
                for p in ("/en/", "/en/rss.xml"):
                    node.get(p)
                    self.assertEqual(node.get(p).header("x-cache"), "hit", p)
                pg.stop()
                away = time.time()
                while time.time() - away < 10:
                    # Cached pages go on; the database's absence is told, not hidden.
                    self.assertEqual(node.get("/en/").status, 200)
                    self.assertEqual(node.get("/healthz").status, 200)
                    time.sleep(0.2)
                self.assertTrue(wait_until(lambda: node.get("/readyz").status == 503, timeout=5))
                self.assertIn("database", json.loads(node.get("/readyz").text))
                status, err = api(editor, "POST", "/api/v1/newsroom/stories",
                                  {"headline": "While away", "section_id": 1,
                                   "body": [{"type": "paragraph", "text": "Text."}]})
                self.assertEqual(status, 503, err)
                self.assertIn("try again", json.dumps(err))
                pg.start()
                # The node recovers by itself: ready again, writes work, nothing acknowledged is gone.
                self.assertTrue(wait_until(lambda: node.get("/readyz").status == 200, timeout=30))
                status, story = api(editor, "GET", f"/api/v1/newsroom/stories/{kept['id']}")
                self.assertEqual((status, story["headline"]), (200, "Acknowledged before"))
                status, again = api(editor, "POST", "/api/v1/newsroom/stories",
                                    {"headline": "After the return", "section_id": section_id(editor),
                                     "body": [{"type": "paragraph", "text": "Text."}]})
                self.assertEqual(status, 201, again)
            finally:
                self.assertEqual(node.stop(), 0, node.output()[-2000:])
        finally:
            pg.close()


@unittest.skipUnless(BACKEND == "postgres" and shutil.which("nats-server"), "needs PostgreSQL and nats-server")
class NatsRestarted(unittest.TestCase):
    """NATS stopped and started again on its port and store: the nodes say so in /readyz,
    reconnect by themselves, and live events reach readers again, also the one of a story
    published while NATS was away (in order, once)."""

    def start_nats(self):
        self.nats = subprocess.Popen(["nats-server", "-a", "127.0.0.1", "-p", str(self.port), "-js",
                                      "-sd", self.store], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        def up():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                return False
        self.assertTrue(wait_until(up, timeout=10))

    def test_nodes_reconnect_by_themselves_and_live_events_flow_again(self):
        self.port = free_port()
        self.store = tempfile.mkdtemp(prefix="herald-nats-")
        self.start_nats()
        url = f"nats://127.0.0.1:{self.port}"
        a = Server("--bus", url)
        b = Server("--bus", url, "--media-dir", os.path.join(a.data, "media"), copy_fixture=False,
                   database=DATABASES[a.data])
        try:
            reader = ws_for(b)
            subscribe(reader, "newsfeed:en")
            publish_story(a, "Before the restart")
            reader.recv_until(lambda m: m["type"] == "event" and m["data"]["headline"] == "Before the restart",
                              timeout=15)
            self.nats.terminate()
            self.nats.wait(10)
            self.assertTrue(wait_until(lambda: b.get("/readyz").status == 503, timeout=10))
            # Published while NATS is away: stored and answered; its live event waits.
            publish_story(a, "During the outage")
            self.start_nats()
            self.assertTrue(wait_until(lambda: a.get("/readyz").status == 200 and b.get("/readyz").status == 200,
                                       timeout=20))
            publish_story(a, "After the restart")
            ev, seen = reader.recv_until(lambda m: m["type"] == "event" and
                                         m["data"]["headline"] == "After the restart", timeout=20)
            self.assertEqual(ev["channel"], "newsfeed:en")
            headlines = [m["data"]["headline"] for m in seen if m["type"] == "event"]
            self.assertEqual(headlines, ["During the outage", "After the restart"])
            reader.close()
        finally:
            b.stop()
            a.stop()
            self.nats.terminate()
            self.nats.wait(10)
            shutil.rmtree(self.store, ignore_errors=True)


@unittest.skipUnless(BACKEND == "postgres" and NATS, "needs PostgreSQL and NATS (scripts/services.sh)")
class MailFromTheSharedQueue(unittest.TestCase):
    """Mail waits in the database: each goes out once, from whichever node is up, and a node
    that cannot reach SMTP, or dies, leaves its mail to the others."""

    def setUp(self):
        self.sink = MailSink()
        # Node A's SMTP is a closed port: its tries fail and another node takes the mail over.
        self.a = Server("--bus", NATS, "--smtp-host", "127.0.0.1", "--smtp-port", str(free_port()),
                        "--smtp-starttls", "off", "--mail-from", "Herald Test <news@herald.test>")
        self.b = Server("--bus", NATS, *self.sink.args(), copy_fixture=False,
                        database=DATABASES[self.a.data])

    def tearDown(self):
        for s in (self.b, self.a):
            s.stop()
        self.sink.stop()

    def reset(self, node, email):
        r = Client(node).post("/account/reset", {"email": email}, csrf_from="/account/reset")
        self.assertEqual(r.status, 200)

    def test_each_mail_goes_out_once_from_a_node_that_can_send_it(self):
        people = [person(self.a, "reader", f"Reader {i}") for i in range(3)]
        for i, p in enumerate(people):
            self.reset((self.a, self.b)[i % 2], p.email)
        os.kill(self.a.proc.pid, signal.SIGKILL)  # A, which took some of them, dies
        self.a.proc.wait(10)
        # A mail A had claimed when it died goes out once its claim (60 s) runs out.
        for p in people:
            self.sink.wait_for(p.email, count=1, timeout=90)
        # Give every node's queue one more turn to prove no second copy goes out.
        extra = person(self.b, "reader", "Last one")
        self.reset(self.b, extra.email)
        self.sink.wait_for(extra.email, count=1, timeout=30)
        for p in people + [extra]:
            self.assertEqual(len([m for m in self.sink.messages() if p.email in m["to"]]), 1, p.email)


if __name__ == "__main__":
    unittest.main()
