"""The content-event feed with two real nodes on one database (two herald processes on the same
data folder, as several nodes share one database): a change made anywhere (here by the CLI)
purges both nodes' cached pages, the live newsfeed publishes it once, and when the node that
publishes dies, the other takes over after the lease (10 s) with nothing lost."""
import re
import signal
import unittest

from harness import Server, herald as run_cli, query_value
from newsroom_util import wait_until


def story_events(server, kind, story_id):
    return server.output().count(f"event article.{kind} story {story_id}")


class TwoNodesOneDatabase(unittest.TestCase):
    def setUp(self):
        self.a = Server("--log-level", "debug")
        self.b = Server("--log-level", "debug", data=self.a.data)
        self.nodes = [self.a, self.b]

    def tearDown(self):
        for n in self.nodes:
            n.stop()

    def story(self):
        html = self.a.get("/en/newsfeed/").text
        path = re.findall(r'href="(/en/[a-z0-9-]+/(\d+)-[a-z0-9-]+)"', html)[0]
        return path[0], int(path[1])

    def test_a_change_purges_every_node_and_the_newsfeed_publishes_it_once(self):
        path, sid = self.story()
        for n in self.nodes:  # both nodes have the page in their cache
            self.assertEqual(n.get(path).status, 200)
            self.assertEqual(n.get(path).header("x-cache"), "hit")
        r = run_cli("unpublish", "--data", self.a.data, "--id", str(sid))
        self.assertEqual(r.returncode, 0, r.stderr)
        for n in self.nodes:
            self.assertTrue(wait_until(lambda: n.get(path).status == 404), n.output()[-2000:])
        self.assertTrue(wait_until(lambda: story_events(self.a, "removed", sid) + story_events(self.b, "removed", sid) >= 1))
        r = run_cli("publish", "--data", self.a.data, "--id", str(sid))
        self.assertEqual(r.returncode, 0, r.stderr)
        for n in self.nodes:
            self.assertTrue(wait_until(lambda: n.get(path).status == 200))
        self.assertTrue(wait_until(lambda: story_events(self.a, "published", sid) + story_events(self.b, "published", sid) >= 1))
        # Once each, on one node: the one holding the newsfeed.
        for kind in ("removed", "published"):
            self.assertEqual(story_events(self.a, kind, sid) + story_events(self.b, kind, sid), 1, kind)

    def test_when_the_publishing_node_dies_the_other_takes_over_without_a_gap(self):
        path, sid = self.story()
        run_cli("unpublish", "--data", self.a.data, "--id", str(sid))
        self.assertTrue(wait_until(lambda: story_events(self.a, "removed", sid) + story_events(self.b, "removed", sid) == 1),
                        f"removed: {story_events(self.a, 'removed', sid)} on A, {story_events(self.b, 'removed', sid)} on B\n"
                        + self.a.output()[-1500:] + "\n---\n" + self.b.output()[-1500:])
        holder, other = (self.a, self.b) if story_events(self.a, "removed", sid) else (self.b, self.a)
        # The holder has recorded that it handled the removal (delivery is at least once: a
        # node killed between publishing and recording leaves the event to its successor).
        last = query_value(self.a.data, "SELECT max(seq) FROM content_events")
        self.assertTrue(wait_until(lambda: (query_value(
            self.a.data, "SELECT seq FROM event_consumers WHERE name = 'newsfeed'") or 0) >= last))
        holder.proc.send_signal(signal.SIGKILL)
        holder.proc.wait(10)
        run_cli("publish", "--data", other.data, "--id", str(sid))
        self.assertTrue(wait_until(lambda: other.get(path).status == 200))
        # The lease runs 10 s after the last renewal; then the survivor publishes what it missed.
        self.assertTrue(wait_until(lambda: story_events(other, "published", sid) == 1, timeout=30),
                        other.output()[-2000:])
        self.assertEqual(story_events(other, "removed", sid), 0)  # handled once, by the dead node


if __name__ == "__main__":
    unittest.main()
