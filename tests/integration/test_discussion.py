"""Discussions under stories through the real server: the prompt for anonymous readers,
posting, threads two levels deep, edits, deletions, votes and the best order, reports that
hide, moderation and bans, the comment box without JavaScript, "show more" by keyset, counts
on lists, live updates, hostile text, and every refusal storing nothing."""
import email as email_parser
import html
import json
import os
import re
import time
import unittest
import urllib.parse

from harness import Client, Server, subscribe, ws_for
from newsroom_util import api, person, section_id, wait_until


def publish_story(editor, headline="Talk about it"):
    status, s = api(editor, "POST", "/api/v1/newsroom/stories",
                    {"headline": headline, "section_id": section_id(editor),
                     "body": [{"type": "paragraph", "text": "Text."}]})
    assert status == 201, s
    status, s = api(editor, "POST", f"/api/v1/newsroom/stories/{s['id']}/publish")
    assert status == 200, s
    return s["id"], urllib.parse.urlparse(s["url"]).path


def comment(who, story, text, reply_to=0):
    return api(who, "POST", "/api/v1/comments", {"story_id": story, "text": text, "reply_to": reply_to})


def posted(who, story, text, reply_to=0):
    status, c = comment(who, story, text, reply_to)
    assert status == 201 and not c["held"], (status, c)
    return c["comment"]


def discussion_html(page):
    m = re.search(r'<section class="discussion".*?</section>\n', page, re.S)
    assert m, "no discussion on the page"
    return m.group(0)


class Discussions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--comment-held-first", "0", "--comment-burst", "100000",
                            "--live-client-messages-per-10s", "100000")
        cls.editor = person(cls.server, "editor")
        cls.moderator = person(cls.server, "moderator", "Moira Moderator")
        cls.anna = person(cls.server, "reader", "Anna")
        cls.boris = person(cls.server, "reader", "Boris")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, cls.server.output()[-3000:]

    def page(self, path):
        r = self.server.get(path)
        self.assertEqual(r.status, 200, path)
        return r.text

    def test_an_anonymous_reader_sees_comments_and_the_prompt_back_to_the_box(self):
        story, path = publish_story(self.editor)
        d = discussion_html(self.page(path))
        self.assertIn("No comments yet", d)
        posted(self.anna, story, "First thoughts")
        d = discussion_html(self.page(path))  # the cached page was purged by the comment
        self.assertIn("First thoughts", d)
        self.assertIn('data-comment-count>1<', d)
        self.assertIn("To participate in the discussion,", d)
        login = re.search(r'href="(/account/login\?next=[^"]+)"', d).group(1)
        register = re.search(r'href="(/account/register\?next=[^"]+)"', d).group(1)
        for link in (login, register):
            nxt = urllib.parse.parse_qs(urllib.parse.urlparse(html.unescape(link)).query)["next"][0]
            self.assertEqual(nxt, path + "#comment-box")
        self.assertIn('id="comment-box"', d)
        # Logging in through the link comes back to the story's comment box.
        c = Client(self.server)
        r = c.get(html.unescape(login))
        self.assertEqual(r.status, 200)
        self.assertIn(f'name="next" value="{path}#comment-box"', r.text)

    def test_each_storys_empty_box_carries_its_own_id_and_path(self):
        # Empty boxes of one edition come from one copy filled in per story.
        stories = [publish_story(self.editor, f"Quiet story {i}") for i in range(3)]
        for story, path in stories:
            d = discussion_html(self.page(path))
            self.assertIn("No comments yet", d)
            self.assertIn(f'data-story="{story}" data-path="{path}"', d)
            self.assertIn(f'data-base="/en/comments/{story}"', d)
            self.assertIn(f'data-write-url="/discussion/{story}/write"', d)
            self.assertIn(f'href="/discussion/{story}/write"', d)
            links = re.findall(r'href="/account/(?:login|register)\?next=([^"]+)"', d)
            self.assertEqual(len(links), 2)
            for q in links:
                self.assertEqual(urllib.parse.unquote(html.unescape(q)), path + "#comment-box")
            self.assertNotIn("zqzq", d)
            self.assertNotIn("918273645546372819", d)
        self.assertNotIn("cannot be filled in from one copy", self.server.output())
        # A closed story's box is its own state's copy.
        story, path = stories[0]
        try:
            api(self.moderator, "PUT", f"/api/v1/moderation/stories/{story}", {"mode": "closed"})
            d = discussion_html(self.page(path))
            self.assertIn("data-closed", d)
            self.assertNotIn("data-comment-box", d)
            self.assertIn(f'data-story="{story}" data-path="{path}"', d)
            self.assertNotIn("data-closed", discussion_html(self.page(stories[1][1])))
        finally:
            api(self.moderator, "PUT", f"/api/v1/moderation/stories/{story}", {"mode": "open"})

    def test_replies_are_two_levels_deep_and_name_whom_they_answer(self):
        story, path = publish_story(self.editor)
        top = posted(self.anna, story, "Top")
        r1 = posted(self.boris, story, "A reply", top["id"])
        r2 = posted(self.anna, story, "A reply to the reply", r1["id"])
        self.assertEqual((r2["parent_id"], r2["reply_to"], r2["reply_to_name"]), (top["id"], r1["id"], "Boris"))
        d = discussion_html(self.page(path))
        self.assertIn('<summary>2 replies</summary>', d)
        self.assertIn("in reply to Boris", d)
        status, j = api(self.anna, "GET", f"/api/v1/discussions/{story}")
        self.assertEqual(status, 200)
        self.assertEqual(j["count"], 3)
        self.assertEqual([c["id"] for c in j["threads"][0]["first_replies"]], [r1["id"], r2["id"]])
        # The staff badge.
        posted(self.moderator, story, "Staff here", top["id"])
        self.assertIn('data-badge="staff"', discussion_html(self.page(path)))

    def test_refusals_are_clear_and_store_nothing(self):
        story, path = publish_story(self.editor)
        gone = posted(self.boris, story, "Soon gone")
        self.assertEqual(api(self.boris, "DELETE", f"/api/v1/comments/{gone['id']}")[0], 200)
        cases = [
            ({"story_id": story, "text": ""}, 422, "bad_text"),
            ({"story_id": story, "text": "x" * 2001}, 422, "bad_text"),
            ({"story_id": 987654321, "text": "Hello"}, 404, "not_found"),
            ({"story_id": story, "text": "Hello", "reply_to": gone["id"]}, 422, "parent_gone"),
            ({"story_id": story, "text": "Hello", "reply_to": 987654321}, 404, "no_parent"),
            ({"story_id": story, "text": "bell \x07"}, 422, "bad_text"),
        ]
        for body, status, code in cases:
            s, j = api(self.anna, "POST", "/api/v1/comments", body)
            self.assertEqual((s, j["error"]["code"]), (status, code), body)
            self.assertTrue(j["error"]["message"])
        self.assertEqual(api(self.anna, "POST", "/api/v1/comments", raw=b"{not json",
                             headers={"Content-Type": "application/json"})[0], 400)
        self.assertEqual(api(self.anna, "POST", "/api/v1/comments", {"story_id": story})[0], 400)
        # A closed discussion.
        self.assertEqual(api(self.moderator, "PUT", f"/api/v1/moderation/stories/{story}", {"mode": "closed"})[0], 200)
        s, j = comment(self.anna, story, "Too late")
        self.assertEqual((s, j["error"]["code"]), (422, "closed"))
        self.assertIn("This discussion is closed.", discussion_html(self.page(path)))
        self.assertNotIn('id="comment-box"', discussion_html(self.page(path)))
        self.assertEqual(api(self.anna, "GET", f"/api/v1/discussions/{story}")[1]["count"], 0)
        mine = json.loads(self.anna.get("/api/v1/me/comments").body)["comments"]
        self.assertFalse([c for c in mine if c["story_id"] == story])
        # Anonymous: 401 from the API, nothing stored.
        anon = Client(self.server)
        self.assertEqual(api(anon, "POST", "/api/v1/comments", {"story_id": story, "text": "Hi"})[0], 403)  # no CSRF
        anon.csrf_token = anon.csrf("/account/login")
        self.assertEqual(api(anon, "POST", "/api/v1/comments", {"story_id": story, "text": "Hi"})[0], 401)

    def test_edits_are_marked_and_only_the_author_edits(self):
        story, path = publish_story(self.editor)
        c = posted(self.anna, story, "Teh typo")
        self.assertEqual(api(self.boris, "PATCH", f"/api/v1/comments/{c['id']}", {"text": "Mine now"})[0], 403)
        self.assertEqual(api(self.moderator, "PATCH", f"/api/v1/comments/{c['id']}", {"text": "Edited by mod"})[0], 403)
        s, j = api(self.anna, "PATCH", f"/api/v1/comments/{c['id']}", {"text": "The typo, fixed"})
        self.assertEqual(s, 200, j)
        self.assertGreater(j["comment"]["edited_at"], 0)
        d = discussion_html(self.page(path))
        self.assertIn("The typo, fixed", d)
        self.assertIn("data-edited>edited<", d)
        self.assertEqual(api(self.anna, "PATCH", f"/api/v1/comments/{c['id']}", {"text": ""})[0], 422)
        self.assertIn("The typo, fixed", discussion_html(self.page(path)))

    def test_a_deleted_thread_stays_as_a_placeholder_while_it_has_replies(self):
        story, path = publish_story(self.editor)
        top = posted(self.anna, story, "Delete me later")
        posted(self.boris, story, "But I answered", top["id"])
        lone = posted(person(self.server, "reader"), story, "Alone")  # (moderated: a fresh author)
        self.assertEqual(api(self.boris, "DELETE", f"/api/v1/comments/{top['id']}")[0], 403)
        self.assertEqual(api(self.anna, "DELETE", f"/api/v1/comments/{top['id']}")[0], 200)
        self.assertEqual(api(self.moderator, "DELETE", f"/api/v1/comments/{lone['id']}")[0], 200)
        d = discussion_html(self.page(path))
        self.assertNotIn("Delete me later", d)
        self.assertNotIn("Alone", d)
        self.assertIn("Deleted comment", d)
        self.assertIn("But I answered", d)
        self.assertEqual(api(self.anna, "DELETE", f"/api/v1/comments/{top['id']}")[0], 404)

    def test_votes_order_the_best_by_their_wilson_bound(self):
        story, _ = publish_story(self.editor)
        a = posted(self.anna, story, "One like of one")
        b = posted(self.anna, story, "Four likes of five")
        voters = [person(self.server, "reader") for _ in range(5)]
        self.assertEqual(api(self.anna, "POST", f"/api/v1/comments/{a['id']}/vote", {"value": 1})[0], 422)  # own
        self.assertEqual(api(self.boris, "POST", f"/api/v1/comments/{a['id']}/vote", {"value": 5})[0], 400)
        self.assertEqual(api(voters[0], "POST", f"/api/v1/comments/{a['id']}/vote", {"value": 1})[0], 200)
        for v in voters[:4]:
            self.assertEqual(api(v, "POST", f"/api/v1/comments/{b['id']}/vote", {"value": 1})[0], 200)
        s, j = api(voters[4], "POST", f"/api/v1/comments/{b['id']}/vote", {"value": -1})
        self.assertEqual(j["votes"], {"likes": 4, "dislikes": 1, "mine": -1})
        best = api(self.boris, "GET", f"/api/v1/discussions/{story}?sort=best")[1]["threads"]
        self.assertEqual([t["id"] for t in best], [b["id"], a["id"]])
        oldest = api(self.boris, "GET", f"/api/v1/discussions/{story}?sort=oldest")[1]["threads"]
        self.assertEqual([t["id"] for t in oldest], [a["id"], b["id"]])

    def test_three_readers_reports_hide_a_comment_until_a_moderator_decides(self):
        story, path = publish_story(self.editor)
        c = posted(self.anna, story, "Contested claim")
        self.assertEqual(api(self.anna, "POST", f"/api/v1/comments/{c['id']}/report", {"reason": "x"})[0], 422)
        self.assertEqual(api(self.boris, "POST", f"/api/v1/comments/{c['id']}/report", {})[0], 422)
        for _ in range(2):
            self.assertEqual(api(person(self.server, "reader"), "POST", f"/api/v1/comments/{c['id']}/report",
                                 {"reason": "Misleading"})[0], 200)
        self.assertIn("Contested claim", discussion_html(self.page(path)))
        queue = api(self.moderator, "GET", "/api/v1/moderation/queue")[1]["queue"]
        item = next(q for q in queue if q["id"] == c["id"])
        self.assertEqual([r["reason"] for r in item["report_reasons"]], ["Misleading", "Misleading"])
        self.assertEqual(api(self.boris, "POST", f"/api/v1/comments/{c['id']}/report", {"reason": "Spam"})[0], 200)
        self.assertNotIn("Contested claim", discussion_html(self.page(path)))
        self.assertEqual(api(self.moderator, "POST", f"/api/v1/moderation/comments/{c['id']}",
                             {"action": "approve"})[0], 200)
        self.assertIn("Contested claim", discussion_html(self.page(path)))

    def test_live_readers_get_new_edited_and_removed_comments_and_never_rejections(self):
        story, _ = publish_story(self.editor)
        ws = ws_for(self.server)
        self.assertEqual(subscribe(ws, f"comments:{story}")["type"], "subscribed")
        author = person(self.server, "reader", "Anna")
        c = posted(author, story, "Live <b>one</b>")
        ev, _ = ws.recv_until(lambda m: m["type"] == "event")
        self.assertEqual(ev["data"]["kind"], "comment")
        self.assertEqual(ev["data"]["text"], "Live <b>one</b>")
        self.assertEqual(ev["data"]["user"]["name"], "Anna")
        api(author, "PATCH", f"/api/v1/comments/{c['id']}", {"text": "Live one, edited"})
        ev, _ = ws.recv_until(lambda m: m["type"] == "event")
        self.assertEqual((ev["data"]["kind"], ev["data"]["text"]), ("edited", "Live one, edited"))
        # A rejection takes a shown comment away as "removed", never saying why.
        s, j = api(self.moderator, "POST", f"/api/v1/moderation/comments/{c['id']}",
                   {"action": "reject", "reason": "Insulting"})
        self.assertEqual(s, 200, j)
        ev, _ = ws.recv_until(lambda m: m["type"] == "event")
        self.assertEqual(ev["data"], {"kind": "removed", "id": c["id"]})
        # A held comment is not sent; rejecting it sends nothing either.
        self.assertEqual(api(self.moderator, "PUT", f"/api/v1/moderation/stories/{story}",
                             {"mode": "premoderated"})[0], 200)
        writer = person(self.server, "reader")  # (its comments are moderated: not Anna's or Boris's)
        held = comment(writer, story, "Wait for me")[1]
        self.assertTrue(held["held"])
        api(self.moderator, "POST", f"/api/v1/moderation/comments/{held['comment']['id']}",
            {"action": "reject", "reason": "No"})
        held2 = comment(writer, story, "Approve me")[1]["comment"]
        api(self.moderator, "POST", f"/api/v1/moderation/comments/{held2['id']}", {"action": "approve"})
        ev, _ = ws.recv_until(lambda m: m["type"] == "event")
        self.assertEqual((ev["data"]["kind"], ev["data"]["text"]), ("comment", "Approve me"))
        self.assertFalse([m for m in ws.arrived() if m.get("type") == "event"])
        ws.close()

    def test_a_busy_story_sends_a_live_reader_at_most_one_frame_a_second(self):
        story, _ = publish_story(self.editor)
        ws = ws_for(self.server)
        subscribe(ws, f"comments:{story}")
        writers = [person(self.server, "reader") for _ in range(4)]
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda i: posted(writers[i % 4], story, f"burst {i}"), range(60)))
        frames, carried, skipped = [], [], 0
        ws.sock.settimeout(10)
        while len(carried) + skipped < 60:
            opcode, payload = ws.recv_frame()
            if opcode != 1:
                continue
            f = json.loads(payload)
            if f.get("type") in ("event", "events"):
                frames.append(time.monotonic())
                evs = [f] if f["type"] == "event" else f["events"]
                carried += [e["data"]["text"] for e in evs]
                skipped += f.get("skipped", 0)
                self.assertLessEqual(len(evs), 20)  # a frame carries the newest 20 at most
        self.assertEqual(len(carried) + skipped, 60)
        self.assertGreater(skipped, 0)  # 60 comments in far less than 3 s: some only counted
        self.assertEqual(len(set(carried)), len(carried))  # none twice
        # One frame a second at most (counted over the whole burst: a frame the server sends on
        # time can still reach the reader late, so two may arrive closer than a second apart).
        self.assertLessEqual(len(frames), int(frames[-1] - frames[0]) + 2)
        ws.close()

    def test_show_more_by_keyset_and_a_first_page_under_40_kb(self):
        story, path = publish_story(self.editor)
        long_text = ("A long and considered comment. " * 60)[:1990]
        ids = [posted(self.boris, story, f"{i:02d} {long_text}")["id"] for i in range(25)]
        d = discussion_html(self.page(path))
        self.assertLess(len(d.encode()), 40 * 1024)
        shown = [int(x) for x in re.findall(r'data-comment="(\d+)"', d)]
        self.assertEqual(shown, sorted(ids, reverse=True)[:len(shown)])
        more = html.unescape(re.search(r'href="([^"]+)" data-more-comments', d).group(1))
        seen = list(shown)
        while more:
            frag = self.page(more + "&fragment=1")
            page_ids = [int(x) for x in re.findall(r'data-comment="(\d+)"', frag)]
            self.assertTrue(page_ids)
            seen += page_ids
            m = re.search(r'href="([^"]+)" data-more-comments', frag)
            more = html.unescape(m.group(1)) if m else None
        self.assertEqual(seen, sorted(ids, reverse=True))  # each once, in order
        self.assertEqual(self.server.get(f"/en/comments/{story}?after=zz").status, 400)
        self.assertEqual(self.server.get(f"/en/comments/{story}?sort=random").status, 400)
        self.assertEqual(self.server.get("/en/comments/987654321").status, 404)

    def test_the_comment_box_works_without_javascript(self):
        story, path = publish_story(self.editor)
        anon = Client(self.server)
        r = anon.get(f"/discussion/{story}/write")
        self.assertEqual(r.status, 200)
        self.assertIn("/account/login?next=", r.text)
        page = self.anna.get(f"/discussion/{story}/write").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r = self.anna.post(f"/discussion/{story}/write", {"csrf": csrf, "text": "Typed without scripts"})
        self.assertEqual(r.status, 303)
        self.assertTrue(r.header("location").startswith(path + "#comment-"))
        self.assertIn("Typed without scripts", discussion_html(self.page(path)))
        r = self.anna.post(f"/discussion/{story}/write", {"csrf": csrf, "text": "  "})
        self.assertEqual(r.status, 422)
        self.assertIn("Write something first.", r.text)
        self.assertEqual(self.anna.post(f"/discussion/{story}/write", {"text": "no token"}).status, 403)
        # Replying from the form.
        top = posted(self.boris, story, "Reply to me")
        page = self.anna.get(f"/discussion/{story}/write?reply_to={top['id']}").text
        self.assertIn("Reply to me", page)
        r = self.anna.post(f"/discussion/{story}/write", {"csrf": csrf, "text": "Replied", "reply_to": str(top["id"])})
        self.assertEqual(r.status, 303)
        self.assertEqual(api(self.anna, "GET", f"/api/v1/discussions/{story}")[1]["count"], 3)

    def test_counts_appear_on_lists_and_in_the_api(self):
        story, path = publish_story(self.editor, "Counted story")
        for i in range(3):
            posted(self.anna, story, f"count {i}")
        j = json.loads(self.server.get("/api/v1/articles?edition=en&limit=5").body)
        self.assertEqual(next(a for a in j["articles"] if a["id"] == story)["comments"], 3)
        self.assertEqual(json.loads(self.server.get(f"/api/v1/articles/{story}").body)["comments"], 3)
        newsfeed = self.page("/en/newsfeed/")
        self.assertIn(f'href="{path}#comments">3 comments<', newsfeed)

    def test_a_deleted_account_leaves_deleted_comment_placeholders(self):
        story, path = publish_story(self.editor)
        leaver = person(self.server, "reader", "Leaver")
        top = posted(leaver, story, "I will leave")
        posted(self.boris, story, "An answer that stays", top["id"])
        page = leaver.get("/account/").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r = leaver.post("/account/delete", {"csrf": csrf, "password": "", "confirm": "on"})
        self.assertIn(r.status, (200, 303), r.text[:500])
        d = discussion_html(self.page(path))
        self.assertNotIn("I will leave", d)
        self.assertNotIn("Leaver", d)
        self.assertIn("Deleted comment", d)
        self.assertIn("An answer that stays", d)
        self.assertEqual(api(self.boris, "GET", f"/api/v1/discussions/{story}")[1]["count"], 1)

    def test_a_section_is_set_to_premoderation_and_its_stories_follow(self):
        story, path = publish_story(self.editor)
        sid = section_id(self.editor)
        self.assertEqual(api(self.anna, "PUT", f"/api/v1/moderation/sections/{sid}", {"mode": "closed"})[0], 403)
        self.assertEqual(api(self.moderator, "PUT", f"/api/v1/moderation/sections/{sid}", {"mode": "shut"})[0], 400)
        self.assertEqual(api(self.moderator, "PUT", "/api/v1/moderation/sections/987654", {"mode": "closed"})[0], 404)
        try:
            self.assertEqual(api(self.moderator, "PUT", f"/api/v1/moderation/sections/{sid}",
                                 {"mode": "premoderated"})[0], 200)
            self.assertIn("appear once a moderator has read them", discussion_html(self.page(path)))
            self.assertTrue(comment(self.anna, story, "Held by the section")[1]["held"])
            # The story's own setting wins over its section's.
            api(self.moderator, "PUT", f"/api/v1/moderation/stories/{story}", {"mode": "open"})
            self.assertFalse(comment(self.anna, story, "Open on this story")[1]["held"])
        finally:
            api(self.moderator, "PUT", f"/api/v1/moderation/sections/{sid}", {"mode": "open"})

    def test_a_reader_downloads_everything_they_wrote(self):
        reader = person(self.server, "reader", "Dana")
        story, _ = publish_story(self.editor)
        posted(reader, story, "Mine one")
        c = posted(reader, story, "Mine two")
        api(reader, "DELETE", f"/api/v1/comments/{c['id']}")
        r = reader.get("/api/v1/me/comments")
        self.assertEqual(r.status, 200)
        self.assertIn("attachment", r.header("content-disposition"))
        mine = json.loads(r.body)["comments"]
        self.assertEqual([(m["text"], m["state"]) for m in mine], [("Mine two", "deleted"), ("Mine one", "visible")])
        self.assertEqual(Client(self.server).get("/api/v1/me/comments").status, 401)

    def test_moderators_queue_page_bans_and_lifts(self):
        story, path = publish_story(self.editor)
        troll = person(self.server, "reader", "Troll")
        self.assertEqual(api(self.moderator, "PUT", f"/api/v1/moderation/stories/{story}",
                             {"mode": "premoderated"})[0], 200)
        self.assertIn("appear once a moderator has read them", discussion_html(self.page(path)))
        held = comment(troll, story, "Held for the queue")[1]["comment"]
        page = self.moderator.get("/newsroom/moderation").text
        self.assertIn("Held for the queue", page)
        self.assertIn("Troll", page)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r = self.moderator.post("/newsroom/moderation", {"csrf": csrf, "action": "reject", "id": str(held["id"]),
                                                         "reason": "Off topic"})
        self.assertEqual(r.status, 303)
        self.assertNotIn("Held for the queue", self.moderator.get("/newsroom/moderation").text)
        r = self.moderator.post("/newsroom/moderation", {"csrf": csrf, "action": "ban", "user_id": str(troll.user["id"]),
                                                         "minutes": "0", "reason": "Repeated insults"})
        self.assertEqual(r.status, 303)
        self.assertIn("Repeated insults", self.moderator.get("/newsroom/moderation").text)
        api(self.moderator, "PUT", f"/api/v1/moderation/stories/{story}", {"mode": "section"})
        s, j = comment(troll, story, "Still here")
        self.assertEqual((s, j["error"]["code"]), (403, "banned"))
        self.assertEqual(api(self.moderator, "DELETE", f"/api/v1/moderation/bans/{troll.user['id']}")[0], 200)
        self.assertEqual(comment(troll, story, "Back")[0], 201)
        self.assertEqual(self.anna.get("/newsroom/moderation").status, 403)
        log = self.moderator.get("/newsroom/moderation").text
        self.assertNotIn("Repeated insults", log)  # lifted

    def test_hostile_text_is_inert_on_the_page_in_json_and_live(self):
        story, path = publish_story(self.editor)
        ws = ws_for(self.server)
        subscribe(ws, f"comments:{story}")
        hostile = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(1)',
                   '"><svg onload=alert(1)>', '&lt;script&gt;', 'http://x.org/"onmouseover="alert(1)',
                   'data:text/html;base64,PHNjcmlwdD4=', '\u202egnp.exe', 'zero\u200bwidth']
        for text in hostile:
            posted(self.anna, story, text)
        d = discussion_html(self.page(path))
        self.assertNotIn("<script>", d)
        self.assertNotIn("<img", d)
        self.assertNotIn("<svg", d)
        self.assertNotRegex(d, r'<a [^>]*href="(javascript|data):')
        self.assertNotRegex(d, r'\sonmouseover=')
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", d)
        self.assertIn("&amp;lt;script&amp;gt;", d)
        raw = self.server.get(f"/api/v1/discussions/{story}").body.decode()
        texts = [t["text"] for t in json.loads(raw)["threads"]]
        self.assertEqual(sorted(texts), sorted(hostile))  # stored and given back as typed
        got = []
        while len(got) < len(hostile):
            m = ws.recv()
            if m["type"] == "event":
                got.append(m["data"]["text"])
        self.assertEqual(got, hostile)
        ws.close()


class WordsNoticesAndStatements(unittest.TestCase):
    """Banned and suspect words, notices of illegal content (DSA art. 16), statements of
    reasons (art. 17) by mail, and the moderation log admins read."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--comment-held-first", "0", "--comment-burst", "100000")
        cls.editor = person(cls.server, "editor")
        cls.moderator = person(cls.server, "moderator", "Moira")
        cls.admin = person(cls.server, "admin")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, cls.server.output()[-3000:]

    def mails_to(self, email):
        out = []
        folder = os.path.join(self.server.data, "outbox")
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".eml"):
                continue
            with open(os.path.join(folder, name), "rb") as f:
                msg = email_parser.message_from_bytes(f.read())
            if email not in msg.get("To", ""):
                continue
            out.append(msg.get_payload(decode=True).decode())
        return out

    def test_banned_words_refuse_and_suspect_words_hold_after_normalising(self):
        story, path = publish_story(self.editor)
        reader = person(self.server, "reader")
        self.assertEqual(api(reader, "POST", "/api/v1/moderation/words", {"word": "x", "kind": "banned"})[0], 403)
        s, j = api(self.moderator, "POST", "/api/v1/moderation/words", {"word": "swindler", "kind": "banned"})
        self.assertEqual(s, 200, j)
        self.assertEqual(api(self.moderator, "POST", "/api/v1/moderation/words", {"word": "scam", "kind": "suspect"})[0], 200)
        self.assertEqual(api(self.moderator, "POST", "/api/v1/moderation/words", {"word": "", "kind": "banned"})[0], 422)
        for text in ("You SWINDLER!", "you $w1ndler", "you ｓｗｉｎｄｌｅｒ", "you swіndler"):  # Cyrillic і
            s, j = comment(reader, story, text)
            self.assertEqual((s, j["error"]["code"]), (422, "banned_word"), text)
            self.assertIn("swindler", j["error"]["message"])
        self.assertEqual(comment(reader, story, "swindlers are not whole-word matches")[0], 201)
        s, j = comment(reader, story, "Sounds like a sc@m to me")
        self.assertEqual(s, 201)
        self.assertTrue(j["held"])
        queue = api(self.moderator, "GET", "/api/v1/moderation/queue")[1]["queue"]
        self.assertEqual(next(q for q in queue if q["id"] == j["comment"]["id"])["held_for"], "held_suspect_word")
        self.assertNotIn("sc@m", discussion_html(self.server.get(path).text))
        s, j = api(self.moderator, "POST", "/api/v1/moderation/words", {"word": "swindler", "kind": "none"})
        self.assertEqual(s, 200)
        self.assertNotIn("swindler", [w["word"] for w in j["words"]])
        self.assertEqual(comment(reader, story, "A swindler, then")[0], 201)

    def test_anyone_sends_a_notice_and_hears_the_decision(self):
        story, path = publish_story(self.editor)
        author = person(self.server, "reader", "Author")
        c = posted(author, story, "The mayor stole the money")
        anon = Client(self.server)
        page = anon.get(f"/discussion/notice/{c['id']}")
        self.assertEqual(page.status, 200)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        r = anon.post(f"/discussion/notice/{c['id']}", {"csrf": csrf, "reason": "defamation",
                                                        "explanation": "", "email": "mayor@example.org"})
        self.assertEqual(r.status, 422)
        r = anon.post(f"/discussion/notice/{c['id']}", {"csrf": csrf, "reason": "defamation",
                                                        "explanation": "It is untrue and names me.",
                                                        "email": "mayor@example.org"})
        self.assertEqual(r.status, 201)
        self.assertIn("has been received", r.text)
        acks = wait_for(lambda: self.mails_to("mayor@example.org"))
        self.assertIn("We received your notice", acks[0])
        page = self.moderator.get("/newsroom/moderation").text
        nid = re.findall(r'data-notice="(\d+)"', page)[-1]
        self.assertIn("It is untrue and names me.", page)
        s, j = api(self.moderator, "POST", f"/api/v1/moderation/notices/{nid}", {"decision": "remove", "reply": ""})
        self.assertEqual(s, 422)
        s, j = api(self.moderator, "POST", f"/api/v1/moderation/notices/{nid}",
                   {"decision": "remove", "reply": "Defamatory statement of fact"})
        self.assertEqual(s, 200, j)
        self.assertEqual(api(self.moderator, "POST", f"/api/v1/moderation/notices/{nid}",
                             {"decision": "keep", "reply": "Again"})[0], 409)
        self.assertNotIn("The mayor stole", discussion_html(self.server.get(path).text))
        decision = wait_for(lambda: [m for m in self.mails_to("mayor@example.org") if "removed the comment" in m])
        self.assertIn("Defamatory statement of fact", decision[0])
        # The author gets a statement of reasons: what, why, automation, how to contest.
        statement = wait_for(lambda: self.mails_to(author.email))
        self.assertIn("The mayor stole the money", statement[0])
        self.assertIn("Defamatory statement of fact", statement[0])
        self.assertIn("Automated means: none", statement[0])
        self.assertIn("To contest this decision", statement[0])

    def test_rejections_and_bans_come_with_a_statement_of_reasons(self):
        story, _ = publish_story(self.editor)
        api(self.moderator, "PUT", f"/api/v1/moderation/stories/{story}", {"mode": "premoderated"})
        reader = person(self.server, "reader", "Rejected Reader")
        held = comment(reader, story, "Held then rejected")[1]["comment"]
        api(self.moderator, "POST", f"/api/v1/moderation/comments/{held['id']}", {"action": "reject", "reason": "Off topic"})
        m = wait_for(lambda: self.mails_to(reader.email))
        self.assertIn("decided not to publish", m[0])
        self.assertIn("Off topic", m[0])
        self.assertIn("held automatically", m[0])  # pre-moderation held it
        api(self.moderator, "POST", "/api/v1/moderation/bans", {"user_id": reader.user["id"], "minutes": 60, "reason": "Spam"})
        m = wait_for(lambda: [x for x in self.mails_to(reader.email) if "stopped you from commenting" in x])
        self.assertIn("Spam", m[0])

    def test_hostile_text_is_inert_in_a_notification_mail(self):
        # The same hostile texts as on the page, the API and the live channel: each removed with
        # a hostile reason, and each statement of reasons is one plain-text part holding them as
        # typed, with nothing they contain turned into a header, a part or markup.
        hostile = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(1)',
                   '"><svg onload=alert(1)>', '&lt;script&gt;', 'http://x.org/"onmouseover="alert(1)',
                   'data:text/html;base64,PHNjcmlwdD4=', '\u202egnp.exe', 'zero\u200bwidth',
                   'Bcc: evil@example.org\n\nContent-Type: text/html\n\n<b>part</b>']
        story, _ = publish_story(self.editor, "A <b>story</b> & its “quotes”")
        # One author each: three removals in a row would put one author under pre-moderation.
        authors = [person(self.server, "reader", "<img src=x onerror=alert(2)> Mallory") for _ in hostile]
        for i, text in enumerate(hostile):
            c = posted(authors[i], story, text)
            s, j = api(self.moderator, "POST", f"/api/v1/moderation/comments/{c['id']}",
                       {"action": "remove", "reason": f"<i>reason {i}</i> </textarea><script>x()</script>"})
            self.assertEqual(s, 200, j)
        folder = os.path.join(self.server.data, "outbox")

        def statements():
            out = []
            for name in sorted(os.listdir(folder)):
                if name.endswith(".eml"):
                    with open(os.path.join(folder, name), "rb") as f:
                        msg = email_parser.message_from_bytes(f.read())
                    if any(a.email in msg.get("To", "") for a in authors) and \
                            "removed your comment" in msg.get_payload(decode=True).decode():
                        out.append(msg)
            return out if len(out) == len(hostile) else None
        mails = wait_until(statements, timeout=60)
        self.assertIsNotNone(mails, "a statement of reasons for each removed comment")
        bodies = []
        for msg in mails:
            self.assertFalse(msg.is_multipart())
            self.assertEqual(msg.get_content_type(), "text/plain")
            self.assertEqual(msg.get_content_charset(), "utf-8")
            self.assertIsNone(msg.get("Bcc"))
            self.assertEqual(msg.get_all("Content-Type"), ["text/plain; charset=utf-8"])
            self.assertEqual([t for t, _ in msg.items()].count("To"), 1)
            body = msg.get_payload(decode=True).decode()
            self.assertIn("<img src=x onerror=alert(2)> Mallory", body)  # the name as typed
            self.assertIn("A <b>story</b> & its “quotes”", body)
            self.assertNotIn("&lt;", body.replace("&lt;script&gt;", ""))  # not HTML-escaped either
            bodies.append(body)
        for i, text in enumerate(hostile):
            self.assertEqual(sum(1 for b in bodies if f"\n\n{text}\n\nWhy: <i>reason {i}</i> </textarea><script>x()</script>\n" in b), 1, text)

    def test_admins_read_everything_moderators_did(self):
        story, _ = publish_story(self.editor)
        c = posted(person(self.server, "reader"), story, "Log me")
        api(self.moderator, "POST", f"/api/v1/moderation/comments/{c['id']}", {"action": "remove", "reason": "Logged reason"})
        self.assertEqual(self.moderator.get("/newsroom/moderation/log").status, 403)
        page = self.admin.get("/newsroom/moderation/log").text
        self.assertIn("Logged reason", page)
        self.assertIn("Moira", page)
        entries = json.loads(self.admin.get("/api/v1/moderation/log").body)["entries"]
        e = next(e for e in entries if e["comment_id"] == c["id"] and e["action"] == "remove")
        self.assertEqual((e["moderator"]["name"], e["reason"], e["automated"]), ("Moira", "Logged reason", False))


def wait_for(fn, timeout=15):
    """newsroom_util.wait_until, failing when the state never comes."""
    v = wait_until(fn, timeout=timeout, step=0.05)
    assert v, "timed out"
    return v


class DiscussionLimits(unittest.TestCase):
    """The default limits: a new account's first comments held, the posting rate, links."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.editor = person(cls.server, "editor")
        cls.moderator = person(cls.server, "moderator")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, cls.server.output()[-3000:]

    def test_a_new_accounts_first_two_comments_wait_for_a_moderator(self):
        story, path = publish_story(self.editor)
        fresh = person(self.server, "reader", "Fresh")
        first = comment(fresh, story, "My first")[1]
        self.assertTrue(first["held"])
        self.assertIn("once a moderator has read it", first["message"])
        self.assertTrue(comment(fresh, story, "My second")[1]["held"])
        queue = api(self.moderator, "GET", "/api/v1/moderation/queue")[1]["queue"]
        self.assertEqual({q["held_for"] for q in queue if q["user"]["id"] == fresh.user["id"]}, {"held_new_account"})
        self.assertNotIn("My first", discussion_html(self.server.get(path).text))
        self.assertFalse(comment(fresh, story, "My third")[1]["held"])
        self.assertIn("My third", discussion_html(self.server.get(path).text))

    def test_posting_too_fast_is_a_429_that_says_how_long_to_wait(self):
        story, _ = publish_story(self.editor)
        fast = person(self.server, "reader", "Fast")
        for i in range(3):
            self.assertEqual(comment(fast, story, f"quick {i}")[0], 201)
        h = {"X-CSRF-Token": fast.csrf_token, "Content-Type": "application/json"}
        r = fast.request("POST", "/api/v1/comments", headers=h,
                         body=json.dumps({"story_id": story, "text": "one more"}).encode())
        self.assertEqual(r.status, 429)
        wait = int(r.header("retry-after"))
        self.assertTrue(0 < wait <= 30)
        self.assertIn(f"wait {wait} seconds", json.loads(r.body)["error"]["message"])
        mine = json.loads(fast.get("/api/v1/me/comments").body)["comments"]
        self.assertEqual(len(mine), 3)

    def test_new_accounts_post_at_most_one_link(self):
        story, _ = publish_story(self.editor)
        fresh = person(self.server, "reader")
        s, j = comment(fresh, story, "see http://a.example and https://b.example")
        self.assertEqual((s, j["error"]["code"]), (422, "too_many_links"))
        self.assertEqual(comment(fresh, story, "see http://a.example")[0], 201)
        self.assertEqual(comment(self.moderator, story, "http://a.example https://b.example")[0], 201)


if __name__ == "__main__":
    unittest.main(verbosity=2)
