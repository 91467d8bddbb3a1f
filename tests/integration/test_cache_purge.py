"""Publishing purges exactly the cached pages that show the story, across processes."""
import json
import re
import time
import unittest

from harness import ServerTest, herald


class PurgeTest(ServerTest):
    def wait_miss(self, path, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.get(path)
            if r.header("x-cache") == "miss":
                return r
            time.sleep(0.1)
        self.fail(f"{path} was not purged")

    def test_publishing_purges_its_pages_and_nothing_else(self):
        api = json.loads(self.get("/api/v1/articles?edition=en&section=economy&limit=30").body)["articles"]
        story = api[-1]  # an older story: republishing moves it to the top
        other_section = "science"
        other = json.loads(self.get(f"/api/v1/articles?edition=en&section={other_section}&limit=1").body)["articles"][0]
        story_path = story["url"].split("//", 1)[1].split("/", 1)[1]
        story_path = "/" + story_path
        other_path = "/" + other["url"].split("//", 1)[1].split("/", 1)[1]
        story_tags = {t["slug"] for t in story["tags"]}
        all_tags = [t["slug"] for t in json.loads(self.get("/api/v1/articles?edition=en&limit=100").body)["articles"][0]["tags"]]
        untouched_tag = None
        for a in json.loads(self.get("/api/v1/articles?edition=en&limit=100").body)["articles"]:
            for t in a["tags"]:
                if t["slug"] not in story_tags:
                    untouched_tag = t["slug"]
        affected = ["/en/", story_path, "/en/economy/", "/en/newsfeed/", "/en/rss.xml", "/en/atom.xml",
                    "/en/economy/rss.xml", "/sitemap.xml", "/sitemaps/news.xml"] + [f"/en/tag/{t}/" for t in story_tags]
        unaffected = [f"/en/{other_section}/", other_path, "/ru/", "/ru/newsfeed/", "/en/feeds/"]
        if untouched_tag:
            unaffected.append(f"/en/tag/{untouched_tag}/")
        for p in affected + unaffected:
            self.get(p)
            self.assertEqual(self.get(p).header("x-cache"), "hit", p)

        r = herald("publish", "--data", self.server.data, "--id", str(story["id"]))
        self.assertEqual(r.returncode, 0, r.stderr)

        for p in affected:
            self.wait_miss(p)
        for p in unaffected:
            self.assertEqual(self.get(p).header("x-cache"), "hit", f"{p} was purged but does not show the story")
        # Story pages of the same section rendered from now on list it under "More from".
        sibling = "/" + api[0]["url"].split("//", 1)[1].split("/", 1)[1]
        aside = re.search(r'<aside class="latest">(.*?)</aside>', self.get(sibling + "?fragment=1").text, re.S).group(1)
        self.assertIn(story_path, aside)
        # The republished story now leads the newsfeed and the section.
        feed = self.get("/en/newsfeed/").text
        first = re.search(r'class="headline" href="([^"]+)"', feed).group(1)
        self.assertEqual(first, story_path)

    def test_unpublished_story_disappears(self):
        story = json.loads(self.get("/api/v1/articles?edition=en&section=defense&limit=1").body)["articles"][0]
        path = "/" + story["url"].split("//", 1)[1].split("/", 1)[1]
        self.assertEqual(self.get(path).status, 200)
        r = herald("unpublish", "--data", self.server.data, "--id", str(story["id"]))
        self.assertEqual(r.returncode, 0, r.stderr)
        deadline = time.time() + 5
        while time.time() < deadline and self.get(path).status != 404:
            time.sleep(0.1)
        self.assertEqual(self.get(path).status, 404)
        self.assertNotIn(path, self.get("/en/defense/").text)
        self.assertEqual(self.get(f"/api/v1/articles/{story['id']}").status, 404)

    def test_publish_refuses_an_unknown_story(self):
        r = herald("publish", "--data", self.server.data, "--id", "987654")
        self.assertEqual(r.returncode, 1)
        self.assertIn("No story with this id", r.stderr)


if __name__ == "__main__":
    unittest.main()
