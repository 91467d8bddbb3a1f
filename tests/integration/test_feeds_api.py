"""Feeds parsed by a real feed reader (feedparser) and the JSON read API."""
import json
import os
import unittest

import feedparser

from harness import SOURCE, ServerTest


class FeedsTest(ServerTest):
    def parse(self, path):
        r = self.get(path)
        self.assertEqual(r.status, 200, path)
        feed = feedparser.parse(r.body)
        self.assertFalse(feed.bozo, f"{path}: {feed.get('bozo_exception')}")
        return r, feed

    def test_edition_rss(self):
        r, feed = self.parse("/en/rss.xml")
        self.assertEqual(r.header("content-type"), "application/rss+xml; charset=utf-8")
        self.assertEqual(feed.version, "rss20")
        self.assertEqual(feed.feed.title, "Herald International")
        self.assertEqual(len(feed.entries), 30)
        e = feed.entries[0]
        self.assertTrue(e.link.startswith(self.server.base + "/en/"))
        self.assertTrue(e.title)
        self.assertTrue(e.published_parsed)
        page = self.get(e.link[len(self.server.base):])
        self.assertEqual(page.status, 200)
        dates = [x.published_parsed for x in feed.entries]
        self.assertEqual(dates, sorted(dates, reverse=True))

    def test_edition_atom_in_russian(self):
        _, feed = self.parse("/ru/atom.xml")
        self.assertEqual(feed.version, "atom10")
        self.assertEqual(feed.feed.title, "Геральд")
        self.assertTrue(all(e.link.startswith(self.server.base + "/ru/") for e in feed.entries))
        self.assertTrue(feed.entries[0].author)

    def test_section_and_tag_feeds(self):
        _, feed = self.parse("/en/science/rss.xml")
        self.assertTrue(feed.entries)
        self.assertTrue(all("/en/science/" in e.link for e in feed.entries))
        _, feed = self.parse("/en/science/atom.xml")
        self.assertTrue(feed.entries)
        tags = json.loads(self.get("/api/v1/articles?edition=en&limit=1").body)["articles"][0]["tags"]
        _, tfeed = self.parse(f"/en/tag/{tags[0]['slug']}/rss.xml")
        self.assertTrue(tfeed.entries)
        self.assertEqual(self.get("/en/nope/rss.xml").status, 404)

    def test_feed_items_carry_the_lead_photo(self):
        _, feed = self.parse("/en/rss.xml")
        with_media = [e for e in feed.entries if e.get("media_content")]
        self.assertTrue(with_media)
        self.assertTrue(with_media[0].media_content[0]["url"].startswith(self.server.base + "/media/"))


class ApiTest(ServerTest):
    def api(self, path, status=200):
        r = self.get(path)
        self.assertEqual(r.status, status, f"{path}: {r.text[:300]}")
        self.assertTrue(r.header("content-type").startswith("application/json"))
        return json.loads(r.body)

    def test_editions_and_sections(self):
        eds = self.api("/api/v1/editions")["editions"]
        self.assertEqual([e["code"] for e in eds], ["en", "ru"])
        self.assertTrue(eds[0]["default"])
        secs = self.api("/api/v1/editions/ru/sections")["sections"]
        self.assertEqual(len(secs), 6)
        self.assertEqual(secs[0]["name"], "Мир")
        err = self.api("/api/v1/editions/xx/sections", 404)
        self.assertEqual(err["error"]["code"], "not_found")
        self.assertTrue(err["error"]["message"])

    def test_cursor_pagination_has_no_gaps_or_duplicates(self):
        seen, cursor, pages = [], None, 0
        while True:
            q = "/api/v1/articles?edition=en&section=world&limit=7" + (f"&cursor={cursor}" if cursor else "")
            page = self.api(q)
            seen += [a["id"] for a in page["articles"]]
            cursor = page["next_cursor"]
            pages += 1
            if not cursor:
                break
        self.assertEqual(len(seen), len(set(seen)))
        html = self.get("/en/world/").text
        self.assertGreater(len(seen), 20)
        self.assertGreater(pages, 2)
        times = [a["published_at"] for a in self.api("/api/v1/articles?edition=en&limit=100")["articles"]]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_filter_by_tag(self):
        first = self.api("/api/v1/articles?edition=en&limit=1")["articles"][0]
        slug = first["tags"][0]["slug"]
        tagged = self.api(f"/api/v1/articles?edition=en&tag={slug}&limit=100")["articles"]
        self.assertTrue(tagged)
        self.assertTrue(all(slug in [t["slug"] for t in a["tags"]] for a in tagged))

    def test_one_article_with_body_blocks(self):
        first = self.api("/api/v1/articles?edition=en&limit=1")["articles"][0]
        a = self.api(f"/api/v1/articles/{first['id']}")
        self.assertEqual(a["headline"], first["headline"])
        types = {b["type"] for b in a["body"]}
        self.assertTrue({"paragraph", "subheading", "quote"} <= types)
        self.assertTrue(a["translations"])
        self.assertEqual(a["translations"][0]["edition"], "ru")
        if "lead_image" in a:
            self.assertTrue(a["lead_image"]["credit"].startswith("©"))
            self.assertTrue(a["lead_image"]["renditions"])

    def test_errors_are_json_with_the_right_status(self):
        self.assertEqual(self.api("/api/v1/articles/99999999", 404)["error"]["code"], "not_found")
        self.assertEqual(self.api("/api/v1/articles/abc", 400)["error"]["code"], "bad_request")
        self.assertEqual(self.api("/api/v1/articles?cursor=garbage", 400)["error"]["code"], "bad_request")
        self.assertEqual(self.api("/api/v1/articles?limit=0", 400)["error"]["code"], "bad_request")
        self.assertEqual(self.api("/api/v1/articles?limit=1000", 400)["error"]["code"], "bad_request")
        self.assertEqual(self.api("/api/v1/articles?edition=en&section=nope", 404)["error"]["code"], "not_found")
        self.assertEqual(self.api("/api/v1/nothing", 404)["error"]["code"], "not_found")

    def test_newsfeed(self):
        feed = self.api("/api/v1/newsfeed?edition=ru")
        self.assertEqual(feed["edition"], "ru")
        self.assertEqual(len(feed["items"]), 30)
        nxt = self.api(f"/api/v1/newsfeed?edition=ru&cursor={feed['next_cursor']}")
        self.assertFalse({i["id"] for i in feed["items"]} & {i["id"] for i in nxt["items"]})

    def test_openapi_document_is_served_and_matches_docs(self):
        served = self.api("/api/v1/openapi.json")
        with open(os.path.join(SOURCE, "docs/openapi.json"), encoding="utf-8") as f:
            self.assertEqual(served, json.load(f))
        self.assertTrue(served["openapi"].startswith("3."))
        for path in ("/editions", "/editions/{code}/sections", "/articles", "/articles/{id}", "/newsfeed"):
            self.assertIn(path, served["paths"])


if __name__ == "__main__":
    unittest.main()
