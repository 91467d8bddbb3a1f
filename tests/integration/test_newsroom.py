"""The newsroom through the real server: writing, saving with versions, revisions, workflow,
permissions for every role, scheduling across a restart, uploads."""
import json
import os
import re
import time
import unittest

from harness import FIXTURE, Client, Server
from newsroom_util import (api, jpeg_claiming, person, png, section_id, upload, wait_until)

BODY = [
    {"type": "paragraph", "spans": [{"text": "Officials said "},
                                    {"text": "on Monday", "bold": True},
                                    {"text": " that the bridge ", "italic": True},
                                    {"text": "reopens", "href": "https://example.org/bridge"}]},
    {"type": "subheading", "text": "What happens next"},
    {"type": "quote", "text": "We are ready.", "cite": "The mayor"},
    {"type": "list", "items": ["One", "Two"], "ordered": True},
]


class Newsroom(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--log-level", "debug")  # shows the in-process story events
        cls.people = {r: person(cls.server, r) for r in
                      ("reader", "contributor", "author", "editor", "moderator", "admin")}

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, cls.server.output()[-3000:]

    def new_story(self, who="editor", headline=None, **extra):
        c = self.people[who]
        data = {"headline": headline or f"Bridge reopens {time.monotonic_ns()}",
                "summary": "The river crossing is open again.", "dateline": "RIGA",
                "section_id": section_id(c), "tags": ["Transport", "Riga"], "body": BODY}
        data.update(extra)
        status, story = api(c, "POST", "/api/v1/newsroom/stories", data)
        self.assertEqual(status, 201, story)
        return story

    def test_hostile_headline_is_exact_in_the_structured_data_and_cannot_leave_it(self):
        # The page's JSON-LD is written straight into a <script> element: a headline or summary
        # that tries to close it, or that JSON and JavaScript treat specially, is kept exactly.
        ed = self.people["editor"]
        headline = f'</script><script>alert(1)</script> "q" \\ \u2028 & <!-- {time.monotonic_ns()}'
        summary = "Tab\there, line\u2029break </SCRIPT> & \"quotes\""
        story = self.new_story(headline=headline, summary=summary)
        status, _ = api(ed, "POST", f"/api/v1/newsroom/stories/{story['id']}/publish")
        self.assertEqual(status, 200)
        status, story = api(ed, "GET", f"/api/v1/newsroom/stories/{story['id']}")
        page = wait_until(lambda: (lambda r: r if r.status == 200 else None)(self.server.get(story["url"])))
        self.assertIsNotNone(page)
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
        self.assertEqual(len(blocks), 1)
        self.assertNotIn("<", blocks[0])
        self.assertNotIn("\u2028", blocks[0])
        ld = json.loads(blocks[0])
        self.assertIn("</script><script>", story["headline"])  # stored as typed
        self.assertEqual(ld["headline"], story["headline"])
        self.assertEqual(ld["description"], story["summary"])
        self.assertEqual(page.text.count("<script>alert(1)"), 0)

    def test_write_save_publish_and_readers_see_it_at_once(self):
        ed = self.people["editor"]
        story = self.new_story()
        self.assertEqual(story["status"], "draft")
        self.assertEqual(story["version"], 1)
        self.assertEqual(story["tags"], ["Transport", "Riga"])
        # Not on the site while a draft.
        status, _ = api(ed, "POST", f"/api/v1/newsroom/stories/{story['id']}/publish")
        self.assertEqual(status, 200)
        status, story = api(ed, "GET", f"/api/v1/newsroom/stories/{story['id']}")
        url = story["url"]
        page = wait_until(lambda: (lambda r: r if r.status == 200 else None)(self.server.get(url)))
        self.assertIsNotNone(page)
        html = page.text
        self.assertIn(story["headline"], html)
        self.assertIn("<h2>What happens next</h2>", html)
        self.assertIn('<a href="https://example.org/bridge" rel="nofollow noopener">reopens</a>', html)
        self.assertIn("<strong>on Monday</strong>", html)
        section_path = "/".join(url.split("/")[:3]) + "/"
        self.assertTrue(wait_until(lambda: story["headline"] in self.server.get(section_path).text))
        self.assertTrue(wait_until(lambda: story["headline"] in self.server.get("/en/").text))
        self.assertTrue(wait_until(lambda: story["headline"] in self.server.get(section_path + "rss.xml").text))
        # Editing the live story updates the page (its cache is purged).
        status, saved = api(ed, "PUT", f"/api/v1/newsroom/stories/{story['id']}",
                            {"version": story["version"], "headline": story["headline"] + " (updated)",
                             "correction": "An earlier version misnamed the river."})
        self.assertEqual(status, 200, saved)
        self.assertTrue(wait_until(lambda: "(updated)" in self.server.get(url).text
                                   or "(updated)" in self.server.get(saved["url"]).text))
        self.assertIn("misnamed the river", self.server.get(saved["url"]).text)
        # Unpublish: gone from the page and the section.
        status, _ = api(ed, "POST", f"/api/v1/newsroom/stories/{story['id']}/unpublish")
        self.assertEqual(status, 200)
        self.assertTrue(wait_until(lambda: self.server.get(saved["url"]).status == 404))
        self.assertTrue(wait_until(lambda: story["headline"] not in self.server.get(section_path).text))
        # Each step was also an event inside the process (what the live newsfeed listens to).
        for kind in ("published", "updated", "removed"):
            self.assertTrue(wait_until(lambda: f"event article.{kind} story {story['id']}" in self.server.output()), kind)

    def test_stale_save_is_a_409_with_both_versions(self):
        ed, admin = self.people["editor"], self.people["admin"]
        story = self.new_story()
        sid = story["id"]
        status, first = api(ed, "PUT", f"/api/v1/newsroom/stories/{sid}", {"version": 1, "headline": "Mine"})
        self.assertEqual((status, first["version"]), (200, 2))
        status, err = api(admin, "PUT", f"/api/v1/newsroom/stories/{sid}", {"version": 1, "headline": "Theirs"})
        self.assertEqual(status, 409)
        self.assertEqual(err["error"]["code"], "conflict")
        self.assertEqual(err["current"]["headline"], "Mine")
        self.assertEqual(err["current"]["version"], 2)
        status, now = api(ed, "GET", f"/api/v1/newsroom/stories/{sid}")
        self.assertEqual(now["headline"], "Mine", "a stale save never overwrites")
        status, none = api(ed, "PUT", f"/api/v1/newsroom/stories/{sid}", {"headline": "No version"})
        self.assertEqual(status, 422)

    def test_revisions_compare_and_restore(self):
        ed = self.people["editor"]
        story = self.new_story(headline="First headline")
        sid = story["id"]
        api(ed, "PUT", f"/api/v1/newsroom/stories/{sid}", {"version": 1, "headline": "Second headline"})
        status, revs = api(ed, "GET", f"/api/v1/newsroom/stories/{sid}/revisions")
        self.assertEqual(status, 200)
        self.assertGreaterEqual(len(revs["revisions"]), 2)
        oldest = revs["revisions"][-1]
        status, rev = api(ed, "GET", f"/api/v1/newsroom/stories/{sid}/revisions/{oldest['id']}")
        self.assertEqual(rev["story"]["headline"], "First headline")
        status, restored = api(ed, "POST", f"/api/v1/newsroom/stories/{sid}/revisions/{oldest['id']}/restore",
                               {"version": 2})
        self.assertEqual(status, 200, restored)
        self.assertEqual((restored["headline"], restored["version"]), ("First headline", 3))
        # The side-by-side page.
        newest = api(ed, "GET", f"/api/v1/newsroom/stories/{sid}/revisions")[1]["revisions"][0]
        page = ed.get(f"/newsroom/stories/{sid}/revisions?a={oldest['id']}&b={newest['id']}")
        self.assertEqual(page.status, 200)
        self.assertIn("First headline", page.text)

    def test_the_body_is_checked_against_the_allowlist(self):
        ed = self.people["editor"]
        story = self.new_story()
        sid = story["id"]
        for body, words in (([{"type": "script", "text": "x"}], "unknown block type"),
                            ([{"type": "paragraph", "spans": [{"text": "x", "href": "javascript:alert(1)"}]}], "not allowed"),
                            ([{"type": "paragraph", "text": "x", "style": "color:red"}], "not allowed"),
                            ([{"type": "image", "media_id": 999999}], "not in the library")):
            status, err = api(ed, "PUT", f"/api/v1/newsroom/stories/{sid}", {"version": 1, "body": body})
            self.assertEqual(status, 422, body)
            self.assertIn(words, err["error"]["message"])
        status, now = api(ed, "GET", f"/api/v1/newsroom/stories/{sid}")
        self.assertEqual((now["version"], now["body"]), (1, story["body"]), "nothing refused is stored")
        status, err = api(ed, "POST", "/api/v1/newsroom/stories", raw=b"{not json",
                          headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)

    def test_every_role_at_every_route(self):
        p = self.people
        anon = Client(self.server)
        draft = self.new_story("contributor")  # the contributor's own draft
        sid = draft["id"]
        self.assertEqual(api(anon, "GET", "/api/v1/newsroom/stories")[0], 401)
        expect_list = {"reader": 403, "moderator": 403, "contributor": 200, "author": 200, "editor": 200, "admin": 200}
        for role, code in expect_list.items():
            self.assertEqual(api(p[role], "GET", "/api/v1/newsroom/stories")[0], code, role)
            self.assertEqual(api(p[role], "GET", "/api/v1/newsroom/media")[0], code, role)
        # Someone else's draft: hidden (404) from those who may not see drafts.
        see = {"reader": 403, "moderator": 403, "contributor": 200, "author": 404, "editor": 200, "admin": 200}
        for role, code in see.items():
            self.assertEqual(api(p[role], "GET", f"/api/v1/newsroom/stories/{sid}")[0], code, role)
        status, listing = api(p["author"], "GET", "/api/v1/newsroom/stories?status=draft")
        self.assertNotIn(sid, [s["id"] for s in listing["stories"]])
        # Publishing: contributors cannot, authors only their own, editors anything.
        self.assertEqual(api(p["contributor"], "POST", f"/api/v1/newsroom/stories/{sid}/publish")[0], 403)
        self.assertEqual(api(p["author"], "POST", f"/api/v1/newsroom/stories/{sid}/publish")[0], 404)
        self.assertEqual(api(p["contributor"], "POST", f"/api/v1/newsroom/stories/{sid}/submit")[0], 200)
        own = self.new_story("author")
        self.assertEqual(api(p["author"], "POST", f"/api/v1/newsroom/stories/{own['id']}/publish")[0], 200)
        self.assertEqual(api(p["editor"], "POST", f"/api/v1/newsroom/stories/{sid}/publish")[0], 200)
        # Now published: the contributor may no longer change it; the author may read it.
        self.assertEqual(api(p["contributor"], "PUT", f"/api/v1/newsroom/stories/{sid}", {"version": 1})[0], 403)
        self.assertEqual(api(p["author"], "GET", f"/api/v1/newsroom/stories/{sid}")[0], 200)
        # Site administration: admins only.
        sec = section_id(p["admin"])
        for role in ("reader", "contributor", "author", "editor", "moderator"):
            self.assertEqual(api(p[role], "PATCH", f"/api/v1/newsroom/sections/{sec}", {"description": "x"})[0], 403, role)
            self.assertEqual(api(p[role], "GET", "/api/v1/newsroom/users")[0], 403, role)
        self.assertEqual(api(p["admin"], "GET", "/api/v1/newsroom/users")[0], 200)
        # Pages.
        pages = {"/newsroom/": {"reader": 403, "moderator": 200, "contributor": 200, "editor": 200, "admin": 200},
                 "/newsroom/stories/new": {"reader": 403, "moderator": 403, "contributor": 200, "editor": 200},
                 "/newsroom/media": {"reader": 403, "moderator": 403, "author": 200, "admin": 200},
                 "/newsroom/admin/sections": {"reader": 403, "editor": 403, "admin": 200},
                 "/newsroom/admin/users": {"reader": 403, "editor": 403, "admin": 200}}
        for path, codes in pages.items():
            self.assertEqual(anon.get(path).status, 303, path)
            for role, code in codes.items():
                self.assertEqual(p[role].get(path).status, code, (path, role))
        other = self.new_story("contributor")
        self.assertEqual(p["author"].get(f"/newsroom/stories/{other['id']}").status, 404)
        self.assertEqual(p["contributor"].get(f"/newsroom/stories/{other['id']}").status, 200)
        self.assertEqual(p["editor"].get(f"/newsroom/stories/{other['id']}/preview").status, 200)
        self.assertEqual(p["author"].get(f"/newsroom/stories/{other['id']}/preview").status, 404)

    def test_admins_manage_sections_editions_and_people(self):
        admin = self.people["admin"]
        csrf = lambda path: admin.csrf(path)
        # A new section through the form, then its description edited.
        cat = api(admin, "GET", "/api/v1/newsroom/catalog")[1]
        en = next(e for e in cat["editions"] if e["code"] == "en")
        r = admin.post("/newsroom/admin/sections", {"csrf": csrf("/newsroom/admin/sections"), "edition_id": en["id"],
                                                   "name": "Arctic Desk", "description": "The far north."})
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertTrue(wait_until(lambda: self.server.get("/en/arctic-desk/").status == 200))
        self.assertIn("The far north.", self.server.get("/en/arctic-desk/").text)
        sec = next(s for s in api(admin, "GET", "/api/v1/newsroom/catalog")[1]["sections"] if s["slug"] == "arctic-desk")
        status, _ = api(admin, "PATCH", f"/api/v1/newsroom/sections/{sec['id']}", {"description": "Ice, shipping and science."})
        self.assertEqual(status, 200)
        self.assertTrue(wait_until(lambda: "Ice, shipping and science." in self.server.get("/en/arctic-desk/").text))
        status, err = api(admin, "PATCH", f"/api/v1/newsroom/sections/{sec['id']}", {"slug": "newsfeed"})
        self.assertEqual(status, 422)
        self.assertIn("reserved", err["error"]["message"])
        # Edition settings; a time zone ICU does not know is refused.
        status, err = api(admin, "PATCH", f"/api/v1/newsroom/editions/{en['id']}", {"tagline": "All the news, all day."})
        self.assertEqual(status, 200)
        self.assertTrue(wait_until(lambda: "All the news, all day." in self.server.get("/en/").text))
        # People: a reader made an author can write; the admin cannot demote themself.
        someone = person(self.server, "reader")
        self.assertEqual(api(someone, "GET", "/api/v1/newsroom/stories")[0], 403)
        page = admin.get("/newsroom/admin/users?q=" + someone.email)
        uid = re.search(r'action="/newsroom/admin/users/(\d+)"', page.text).group(1)
        r = admin.post(f"/newsroom/admin/users/{uid}", {"csrf": csrf("/newsroom/admin/users"), "role": "author"})
        self.assertEqual(r.status, 303)
        self.assertIsNone(json.loads(someone.get("/api/v1/me").body)["user"], "a role change ends the sessions")
        status, err = api(admin, "PATCH", f"/api/v1/newsroom/users/{admin.user['id']}", {"role": "editor"})
        self.assertEqual(status, 422)

    def test_breaking_flag_and_preview(self):
        ed = self.people["editor"]
        story = self.new_story(breaking=True)
        page = ed.get(f"/newsroom/stories/{story['id']}/preview")
        self.assertEqual(page.status, 200)
        self.assertIn("Preview", page.text)
        self.assertIn(story["headline"], page.text)
        self.assertIn('<meta name="robots" content="noindex">', page.text)
        api(ed, "POST", f"/api/v1/newsroom/stories/{story['id']}/publish")
        url = api(ed, "GET", f"/api/v1/newsroom/stories/{story['id']}")[1]["url"]
        self.assertIn('class="breaking-flag"', self.server.get(url).text)

    def test_drafts_are_not_on_the_site(self):
        story = self.new_story()
        html = self.server.get(f"/en/").text
        self.assertNotIn(story["headline"], html)
        # A guessed address of the draft is a 404 like any other.
        for path in (f"/en/world/{story['id']}-{story['slug']}", f"/api/v1/articles/{story['id']}"):
            self.assertEqual(self.server.get(path).status, 404, path)

    def test_csrf_for_the_api(self):
        ed = self.people["editor"]
        status, err = api(ed, "POST", "/api/v1/newsroom/stories", {"headline": "x"}, headers={"X-CSRF-Token": ""})
        self.assertEqual(status, 403)
        self.assertEqual(err["error"]["code"], "csrf")
        r = self.server.request("POST", "/api/v1/newsroom/stories", body=b"{}",
                                headers={"Content-Type": "application/json", "Authorization": "Bearer hrld_bogus"})
        self.assertEqual(r.status, 401)

    def test_embargo(self):
        ed = self.people["editor"]
        later = int(time.time()) + 3600
        story = self.new_story(embargo_until=later)
        status, err = api(ed, "POST", f"/api/v1/newsroom/stories/{story['id']}/publish")
        self.assertEqual((status, err["error"]["code"]), (422, "embargoed"))
        status, err = api(ed, "POST", f"/api/v1/newsroom/stories/{story['id']}/schedule", {"at": later - 60})
        self.assertEqual(status, 422)
        status, ok = api(ed, "POST", f"/api/v1/newsroom/stories/{story['id']}/schedule", {"at": later})
        self.assertEqual((status, ok["status"]), (200, "scheduled"))

    def test_uploads_good_and_hostile(self):
        ed = self.people["editor"]
        media_dir = os.path.join(self.server.data, "media")
        status, photo = upload(ed, png(1200, 800), caption="Riga at dawn", credit="© Herald Photo / A. Ozola")
        self.assertEqual(status, 201, photo)
        self.assertEqual((photo["width"], photo["height"]), (1200, 800))
        widths = sorted({r["width"] for r in photo["renditions"]})
        self.assertEqual(widths, [320, 640, 1024])
        self.assertEqual({r["format"] for r in photo["renditions"]}, {"jpeg", "webp"})
        r = self.server.get(photo["url"])
        self.assertEqual((r.status, r.header("content-type")), (200, "image/jpeg"))
        self.assertEqual(r.header("x-content-type-options"), "nosniff")
        self.assertIn("immutable", r.header("cache-control"))
        self.assertNotIn("photo", photo["url"].lower())  # stored under a random name
        before_files = sorted(os.listdir(media_dir))
        before_count = len(api(ed, "GET", "/api/v1/newsroom/media")[1]["media"])
        hostile = [
            (jpeg_claiming(os.path.join(FIXTURE, "media"), 64250, 64250), "bomb.jpg", 422, "50 megapixels"),
            (b"just some text, not a picture\n" * 10, "notes.jpg", 422, "not a JPEG, PNG or WebP"),
            (png(10, 10), "../../x.jpg", 422, "folder path"),
        ]
        for content, name, code, words in hostile:
            status, err = upload(ed, content, filename=name)
            self.assertEqual(status, code, name)
            self.assertIn(words, err["error"]["message"], name)
        status, err = upload(ed, png(10, 10), alt="")
        self.assertEqual(status, 422)
        self.assertIn("alt text", err["error"]["message"])
        # 30 MB: refused from its Content-Length before the body is read.
        head = (f"POST /api/v1/newsroom/media HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                f"Cookie: {'; '.join(f'{k}={v}' for k, v in ed.cookies.items())}\r\nX-CSRF-Token: {ed.csrf_token}\r\n"
                f"Content-Length: {30 * 1024 * 1024}\r\n\r\n").encode()
        raw = self.server.raw(head + b"--b\r\n", read_timeout=10)
        self.assertTrue(raw.startswith(b"HTTP/1.1 413"), raw[:200])
        self.assertEqual(sorted(os.listdir(media_dir)), before_files, "nothing stored")
        self.assertEqual(len(api(ed, "GET", "/api/v1/newsroom/media")[1]["media"]), before_count)
        self.assertFalse(os.path.exists(os.path.join(self.server.data, "x.jpg")))
        # The photo in a story, with its caption and credit.
        story = self.new_story(lead_media_id=photo["id"], body=BODY + [{"type": "image", "media_id": photo["id"]}])
        api(ed, "POST", f"/api/v1/newsroom/stories/{story['id']}/publish")
        html = self.server.get(api(ed, "GET", f"/api/v1/newsroom/stories/{story['id']}")[1]["url"]).text
        self.assertIn("Riga at dawn", html)
        self.assertIn("© Herald Photo / A. Ozola", html)
        # Editing the caption in the library changes the published story.
        status, _ = api(ed, "PATCH", f"/api/v1/newsroom/media/{photo['id']}", {"caption": "Riga at sunrise"})
        self.assertEqual(status, 200)
        url = api(ed, "GET", f"/api/v1/newsroom/stories/{story['id']}")[1]["url"]
        self.assertTrue(wait_until(lambda: "Riga at sunrise" in self.server.get(url).text))
        status, found = api(ed, "GET", "/api/v1/newsroom/media?q=sunrise")
        self.assertEqual([m["id"] for m in found["media"]], [photo["id"]])


class ApiDocument(unittest.TestCase):
    def test_every_documented_newsroom_route_exists(self):
        from harness import SOURCE
        with open(os.path.join(SOURCE, "docs/openapi.json")) as f:
            doc = json.load(f)
        with Server() as server:
            admin = person(server, "admin")
            checked = 0
            for path, ops in doc["paths"].items():
                if not (path.startswith("/newsroom") or path == "/me"):
                    continue
                concrete = (path.replace("{id}", "1").replace("{rev}", "1").replace("{action}", "heartbeat"))
                for method in ops:
                    status, body = api(admin, method.upper(), "/api/v1" + concrete,
                                       data={} if method in ("post", "put", "patch") else None)
                    self.assertNotEqual(status, 405, (method, path))
                    text = json.dumps(body)
                    self.assertNotIn("There is no API endpoint", text, (method, path))
                    self.assertIn("security" if path != "/me" else "responses", ops[method])
                    checked += 1
            self.assertGreaterEqual(checked, 18)


class Scheduling(unittest.TestCase):
    def test_scheduled_story_is_published_by_the_server_also_after_a_restart(self):
        server = Server()
        try:
            ed = person(server, "editor")
            sec = section_id(ed)
            ids = []
            for delay in (2, 4):
                status, s = api(ed, "POST", "/api/v1/newsroom/stories",
                                {"headline": f"Scheduled in {delay}s {time.monotonic_ns()}", "section_id": sec,
                                 "body": [{"type": "paragraph", "text": "Soon."}]})
                status, s = api(ed, "POST", f"/api/v1/newsroom/stories/{s['id']}/schedule", {"at": int(time.time()) + delay})
                self.assertEqual((status, s["status"]), (200, "scheduled"))
                ids.append(s["id"])
            # The first goes out while the server runs.
            first = wait_until(lambda: api(ed, "GET", f"/api/v1/newsroom/stories/{ids[0]}")[1]["status"] == "published", timeout=10)
            self.assertTrue(first)
            data = server.data
            server.proc.terminate()
            server.proc.wait(20)
            time.sleep(3)  # the second's minute passes while the server is down
            second = Server(data=data)
            try:
                ed2 = person(second, "editor")
                self.assertTrue(wait_until(
                    lambda: api(ed2, "GET", f"/api/v1/newsroom/stories/{ids[1]}")[1]["status"] == "published", timeout=10))
                url = api(ed2, "GET", f"/api/v1/newsroom/stories/{ids[1]}")[1]["url"]
                self.assertEqual(second.get(url).status, 200)
                self.assertIn("published on schedule", json.dumps(api(ed2, "GET", f"/api/v1/newsroom/stories/{ids[1]}/revisions")[1]))
            finally:
                second.stop()
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
