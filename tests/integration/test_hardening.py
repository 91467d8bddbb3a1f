"""Hardening, tried as an attacker would against the real binary on loopback: crashes from a
locked database, response splitting, open redirects, request smuggling, stale identities on
open WebSockets, deleted chat lines in the live history, the channel cap, large bodies from
strangers, per-address connection caps and trusted proxies."""
import json
import socket
import os
import re
import threading
import time
import unittest

from harness import Client, Server, WsClosed, herald, hold_write_lock, subscribe, ws_for
from newsroom_util import api, multipart, person, png, section_id, upload






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
        lock = hold_write_lock(self.server).__enter__()  # longer than the server waits (5 s)
        try:
            a.send({"type": "send", "channel": "chat:en.economy", "text": "while locked", "nonce": "L1"})
            # The only I/O thread keeps serving while the line waits for the database.
            self.assertEqual(self.server.get("/healthz").status, 200)
            self.assertEqual(self.server.get("/en/").status, 200)
            # Other frames (presence) may come meanwhile; the line's answer may not.
            early = [m for m in a.arrived() if m.get("nonce") == "L1"]
            self.assertEqual(early, [], "the answer came before the database gave up")
            err = a.recv_until(lambda m: m.get("nonce") == "L1", timeout=30)[0]
            self.assertEqual(err["type"], "error")
            self.assertEqual(err["code"], "unavailable")
        finally:
            lock.__exit__(None, None, None)
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
                # A probe that came before the four took a slot, and one of them was told to
                # come back: replace those, until four are being read and a fifth is refused.
                for i, h in enumerate(held):
                    h.setblocking(False)
                    try:
                        h.recv(1)
                        refused = True
                    except BlockingIOError:
                        refused = False
                    except OSError:
                        refused = True
                    h.setblocking(True)
                    if refused:
                        h.close()
                        held[i] = head_only(self.editor.cookies, self.editor.csrf_token)
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


class NewsroomRules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.people = {r: person(cls.server, r) for r in ("contributor", "author", "editor")}

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, cls.server.output()[-3000:]

    def story(self, who, **extra):
        c = self.people[who]
        data = {"headline": f"Harbour works {time.monotonic_ns()}", "section_id": section_id(c),
                "body": [{"type": "paragraph", "text": "Text."}]}
        data.update(extra)
        status, s = api(c, "POST", "/api/v1/newsroom/stories", data)
        self.assertEqual(status, 201, s)
        return s

    # The layout is filled in from one cut copy per kind of page: a story's own texts must still be
    # escaped as the template escapes each place (the first story of a kind is checked against a
    # full render, the next ones are filled in).
    def test_hostile_story_texts_are_escaped_in_every_place_of_the_layout(self):
        ed = self.people["editor"]

        def esc(t):
            return (t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    .replace('"', "&quot;").replace("'", "&#39;"))

        # Three stories of one shape (a lead photo, no tags): the first is rendered in full and
        # checked against the cut copies of the story template and the layout, the others filled in.
        for n in range(3):
            headline = f"Tom & Jerry's \"<script>alert({n})</script>\" {time.monotonic_ns()}"
            summary = f"<img src=x onerror=alert({n})> & 'quoted' \"{n}\""
            caption, credit, alt = (f"<b>caption {n}</b> & 'c'", f"\"><script>credit({n})</script>",
                                    f"alt\" onload=\"alert({n})")
            status, photo = upload(ed, png(40, 30), caption=caption, credit=credit, alt=alt)
            self.assertEqual(status, 201, photo)
            s = self.story("editor", headline=headline, summary=summary, lead_media_id=photo["id"])
            status, s = api(ed, "POST", f"/api/v1/newsroom/stories/{s['id']}/publish")
            self.assertEqual(status, 200, s)
            page = self.server.get(s["url"]).text
            self.assertIn(f"<h1>{esc(headline)}</h1>", page)
            self.assertIn(f'<p class="summary">{esc(summary)}</p>', page)
            self.assertIn(f'data-title="{esc(headline)} — Herald International"', page)
            self.assertIn(f'<span class="caption">{esc(caption)}</span>', page)
            self.assertIn(f'<span class="credit">{esc(credit)}</span>', page)
            self.assertIn(f'alt="{esc(alt)}"', page)
            self.assertNotIn(f"<script>credit({n})", page)
            self.assertNotIn(f'onload="alert({n})', page)
            title = esc(headline) + " — Herald International"
            self.assertIn(f"<title>{title}</title>", page)
            self.assertIn(f'<meta property="og:title" content="{title}">', page)
            self.assertIn(f'<meta name="twitter:title" content="{title}">', page)
            for where in ('name="description"', 'property="og:description"', 'name="twitter:description"'):
                self.assertIn(f'<meta {where} content="{esc(summary)}">', page)
            self.assertIn('<link rel="canonical" href="http://127.0.0.1:', page)
            self.assertIn(s["url"].split("/")[-1] + '">', page)
            self.assertNotIn(f"<script>alert({n})", page)
            self.assertNotIn(f"<img src=x onerror=alert({n})>", page)

    # 6. Photo texts: only the uploader (or an editor), with the upload's limits.
    def test_photo_captions_follow_role_ownership_and_limits(self):
        con, ed = self.people["contributor"], self.people["editor"]
        status, theirs = upload(ed, png(40, 30), caption="Editor's photo")
        self.assertEqual(status, 201, theirs)
        status, mine = upload(con, png(40, 30, (10, 200, 10)), caption="Contributor's photo")
        self.assertEqual(status, 201, mine)
        self.assertEqual(api(con, "PATCH", f"/api/v1/newsroom/media/{theirs['id']}", {"caption": "Hijacked"})[0], 403)
        self.assertEqual(api(con, "PATCH", f"/api/v1/newsroom/media/{mine['id']}", {"caption": "x" * 1001})[0], 422)
        self.assertEqual(api(con, "PATCH", f"/api/v1/newsroom/media/{mine['id']}", {"credit": "y" * 301})[0], 422)
        self.assertEqual(api(con, "PATCH", f"/api/v1/newsroom/media/{mine['id']}", {"alt": ""})[0], 422)
        status, ok = api(con, "PATCH", f"/api/v1/newsroom/media/{mine['id']}", {"caption": "Better caption"})
        self.assertEqual((status, ok["caption"]), (200, "Better caption"))
        # Once the photo leads a story the contributor may not edit, its texts are the editor's.
        s = self.story("editor", lead_media_id=mine["id"])
        status, s = api(ed, "POST", f"/api/v1/newsroom/stories/{s['id']}/publish")
        self.assertEqual(status, 200, s)
        self.assertEqual(api(con, "PATCH", f"/api/v1/newsroom/media/{mine['id']}", {"caption": "Changed live"})[0], 403)
        self.assertNotIn("Changed live", self.server.get(s["url"]).text)
        status, ok = api(ed, "PATCH", f"/api/v1/newsroom/media/{mine['id']}", {"caption": "Editor's words"})
        self.assertEqual(status, 200, ok)
        self.assertIn("Editor&#39;s words", self.server.get(s["url"]).text)
        # The no-JS form goes through the same rule.
        r = con.post(f"/newsroom/media/{theirs['id']}", {"caption": "Form hijack", "credit": "", "alt": "A",
                                                          "csrf": con.csrf_token})
        self.assertEqual(r.status, 403)

    # 7. A scheduled story edited by someone who may not publish goes back to review.
    def test_editing_a_scheduled_story_without_publish_rights_unschedules_it(self):
        con, ed = self.people["contributor"], self.people["editor"]
        s = self.story("contributor")
        self.assertEqual(api(con, "POST", f"/api/v1/newsroom/stories/{s['id']}/submit")[0], 200)
        status, sch = api(ed, "POST", f"/api/v1/newsroom/stories/{s['id']}/schedule", {"at": int(time.time()) + 3600})
        self.assertEqual((status, sch["status"]), (200, "scheduled"))
        status, after = api(con, "PUT", f"/api/v1/newsroom/stories/{s['id']}",
                            {"version": sch["version"], "headline": "Unreviewed change"})
        self.assertEqual(status, 200, after)
        self.assertEqual(after["status"], "review")
        self.assertFalse(after.get("scheduled_at"))
        # An editor's edit keeps the schedule.
        status, sch = api(ed, "POST", f"/api/v1/newsroom/stories/{s['id']}/schedule", {"at": int(time.time()) + 3600})
        self.assertEqual(status, 200, sch)
        status, kept = api(ed, "PUT", f"/api/v1/newsroom/stories/{s['id']}", {"version": sch["version"], "headline": "Reviewed"})
        self.assertEqual((status, kept["status"]), (200, "scheduled"))

    # Revisions hold unpublished text: not for those who may not change the story.
    def test_revision_history_only_for_those_who_may_edit(self):
        s = self.story("editor", embargo_until=0)
        status, _ = api(self.people["editor"], "PUT", f"/api/v1/newsroom/stories/{s['id']}",
                        {"version": s["version"], "body": [{"type": "paragraph", "text": "Secret draft wording."}]})
        self.assertEqual(api(self.people["editor"], "POST", f"/api/v1/newsroom/stories/{s['id']}/publish")[0], 200)
        for role in ("contributor", "author"):
            self.assertEqual(api(self.people[role], "GET", f"/api/v1/newsroom/stories/{s['id']}")[0], 200, role)
            self.assertEqual(api(self.people[role], "GET", f"/api/v1/newsroom/stories/{s['id']}/revisions")[0], 404, role)
            self.assertEqual(self.people[role].get(f"/newsroom/stories/{s['id']}/revisions").status, 404, role)
        status, revs = api(self.people["editor"], "GET", f"/api/v1/newsroom/stories/{s['id']}/revisions")
        self.assertEqual(status, 200)
        rid = revs["revisions"][-1]["id"]
        self.assertEqual(api(self.people["contributor"], "GET", f"/api/v1/newsroom/stories/{s['id']}/revisions/{rid}")[0], 404)

    # 13. The upload form without JavaScript carries its CSRF token inside the multipart body.
    def test_the_no_javascript_upload_form_works_and_still_needs_its_token(self):
        ed = self.people["editor"]
        token = ed.csrf("/newsroom/media")
        body, ctype = multipart({"csrf": token, "caption": "From the form", "credit": "© Herald", "alt": "Green"},
                                "file", "form.png", png(32, 32, (0, 160, 0)))
        r = ed.request("POST", "/newsroom/media", headers={"Content-Type": ctype}, body=body)
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertIn("/newsroom/media", r.header("location"))
        self.assertIn("From the form", ed.get("/newsroom/media").text)
        body, ctype = multipart({"csrf": "forged" * 5, "alt": "x"}, "file", "form.png", png(8, 8))
        self.assertEqual(ed.request("POST", "/newsroom/media", headers={"Content-Type": ctype}, body=body).status, 403)


class AccountLimits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, cls.server.output()[-3000:]

    def reader_with_password(self, password="first password 1"):
        r = person(self.server, "reader")
        self.assertEqual(r.post("/account/password", {"csrf": r.csrf_token, "password": password}).status, 303)
        return r

    # 11. Current-password checks cost a hash each: throttled per account, right or wrong.
    def test_current_password_checks_are_throttled(self):
        r = self.reader_with_password()
        for i in range(10):
            self.assertEqual(r.post("/account/email", {"csrf": r.csrf_token, "email": f"n{i}@example.org",
                                                       "password": f"wrong guess {i}"}).status, 422)
        for path, form in (("/account/email", {"email": "x@example.org"}), ("/account/password", {"current": "first password 1", "password": "another pass 2"}),
                           ("/account/delete", {})):
            resp = r.post(path, dict(form, csrf=r.csrf_token, password=form.get("password", "first password 1")))
            self.assertEqual(resp.status, 429, path)
            self.assertGreater(int(resp.header("retry-after")), 0)
        self.assertIsNotNone(r.me())  # nothing was deleted

    # Known-device cookies stop counting once the password changes.
    def test_a_password_change_forgets_known_devices(self):
        owner = self.reader_with_password()
        self.assertIn("herald_device", owner.cookies)
        self.assertEqual(owner.post("/account/password", {"csrf": owner.csrf_token, "current": "first password 1",
                                                          "password": "second password 2", "others": "1"}).status, 303)
        attacker = Client(self.server)
        for i in range(10):
            attacker.login(owner.email, f"guess {i} xxxx")
        self.assertEqual(attacker.login(owner.email, "guess 11 xxxx").status, 429)
        owner.post("/account/logout", {"csrf": owner.csrf("/account/")})
        # The device cookie was from before the change: it no longer skips the lock.
        self.assertEqual(owner.login(owner.email, "second password 2").status, 429)

    # Hashing has its own pool: a queue of log-ins does not hold up a cheap write.
    def test_cheap_writes_do_not_wait_behind_password_hashing(self):
        editor = person(self.server, "editor")
        status, story = api(editor, "POST", "/api/v1/newsroom/stories",
                            {"headline": "Quick", "section_id": section_id(editor), "body": []})
        self.assertEqual(status, 201)
        done = []

        def login(i):
            c = Client(self.server)
            c.login(f"nobody{i}@example.org", "some wrong password")
            done.append(i)

        threads = [threading.Thread(target=login, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        deadline = time.time() + 30
        while not done and time.time() < deadline:  # hashing is under way, the rest queued
            time.sleep(0.01)
        status, saved = api(editor, "PUT", f"/api/v1/newsroom/stories/{story['id']}",
                            {"version": story["version"], "headline": "Quick, saved"})
        finished_by_then = len(done)
        for t in threads:
            t.join()
        self.assertEqual(status, 200, saved)
        self.assertLess(finished_by_then, 8)  # behind the queue it would come after ~12


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

    @unittest.skipIf("ASAN_OPTIONS" in os.environ,
                     "the sanitizers' own runtime needs descriptors (it misreports once they run out)")
    def test_running_out_of_file_descriptors_is_waited_out(self):
        import harness
        wrapper = os.path.abspath(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"herald-fd-{os.getpid()}.sh"))
        with open(wrapper, "w") as f:
            f.write(f"#!/bin/sh\nexec prlimit --nofile=96:96 {os.path.abspath(harness.BIN)} \"$@\"\n")
        os.chmod(wrapper, 0o755)
        real, harness.BIN = harness.BIN, wrapper
        try:
            s = Server("--connections-per-ip", "0")
        finally:
            harness.BIN = real
            os.unlink(wrapper)
        try:
            held = []
            # Open connections until the server has no descriptor left to accept with.
            while "accept failed" not in s.output() and len(held) < 200:
                c = socket.create_connection(("127.0.0.1", s.port), timeout=10)
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                held.append(c)
            deadline = time.time() + 20
            while "accept failed" not in s.output() and time.time() < deadline:
                time.sleep(0.05)
            self.assertIn("accept failed", s.output())
            self.assertIn("retrying in", s.output())
            for c in held:
                c.close()
            # Once descriptors are free again, the waiting connections are served.
            deadline = time.time() + 20
            r = b""
            while time.time() < deadline and not r.startswith(b"HTTP/1.1 200"):
                try:
                    r = s.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", read_timeout=5)
                except OSError:
                    r = b""
            self.assertTrue(r.startswith(b"HTTP/1.1 200"), r[:100])
        finally:
            self.assertEqual(s.stop(), 0)

    def test_bad_proxy_ranges_stop_startup(self):
        r = herald("serve", "--trusted-proxies", "10.0.0.0/99", "--data", "/nonexistent")
        self.assertEqual(r.returncode, 2)
        self.assertIn("trusted-proxies", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
