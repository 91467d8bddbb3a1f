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

from harness import (BACKEND, DATABASES, OwnPostgres, Server, WsClosed, free_port, subscribe,
                     ws_for)
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
class TwoNodes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = Server("--bus", NATS)
        cls.b = Server("--bus", NATS, "--media-dir", os.path.join(cls.a.data, "media"),
                       copy_fixture=False, database=DATABASES[cls.a.data])

    @classmethod
    def tearDownClass(cls):
        for s in (cls.b, cls.a):
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
        alice, bob = person(self.a, "reader", "Alice"), person(self.b, "reader", "Bob")
        wa, wb = ws_for(self.a, alice), ws_for(self.b, bob)
        for w in (wa, wb):
            self.assertEqual(subscribe(w, "chat:en.world")["type"], "subscribed")
        for i in range(5):
            wa.send({"type": "send", "channel": "chat:en.world", "text": f"line {i}", "nonce": f"n{i}"})
            self.assertEqual(wa.recv_until(lambda m: m.get("nonce") == f"n{i}")[0]["type"], "ack")
        texts = []
        while len(texts) < 5:
            m = wb.recv_until(lambda m: m["type"] == "event" and m["data"].get("kind") == "message",
                              timeout=15)[0]
            texts.append(m["data"]["text"])
        self.assertEqual(texts, [f"line {i}" for i in range(5)])
        wa.close()
        wb.close()


if __name__ == "__main__":
    unittest.main()


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

    def test_a_killed_nodes_readers_resume_elsewhere_with_nothing_missed(self):
        editor = person(self.nodes[0], "editor")
        readers = []
        for _ in range(6):  # round robin: two on each node
            w = ws_for(self.balancer)
            self.assertEqual(subscribe(w, "newsfeed:en")["type"], "subscribed")
            readers.append(w)
        self.publish(editor, "Before the kill")
        cursors = []
        for w in readers:
            ev = w.recv_until(lambda m: m["type"] == "event" and m["data"]["headline"] == "Before the kill",
                              timeout=15)[0]
            cursors.append(ev["cursor"])
        scheduled = self.publish(editor, "Scheduled through the kill", at=int(time.time()) + 3)
        victim = self.nodes[2]
        os.kill(victim.proc.pid, signal.SIGKILL)
        victim.proc.wait(10)
        self.publish(editor, "After the kill one")
        self.publish(editor, "After the kill two")
        wanted = ["After the kill one", "After the kill two"]
        dropped = 0
        for i, w in enumerate(readers):
            try:
                got = []
                while len(got) < 2:
                    m = w.recv_until(lambda m: m["type"] == "event", timeout=15)[0]
                    got.append(m["data"]["headline"])
            except (WsClosed, OSError):
                # On the killed node: back through the balancer, from the last cursor.
                dropped += 1
                w = ws_for(self.balancer)
                self.assertEqual(subscribe(w, "newsfeed:en", cursor=cursors[i])["type"], "subscribed")
                got = []
                while len(got) < 2:
                    m = w.recv_until(lambda m: m["type"] == "event", timeout=15)[0]
                    got.append(m["data"]["headline"])
                readers[i] = w
            self.assertEqual(got, wanted, f"reader {i}")
        self.assertEqual(dropped, 2, "two readers were on the killed node")
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
