"""Every mutating route (HTTP and live-channel message) x every role x own or someone else's
object, through the real server. The routes come from the binary itself (serve
--print-routes): a route without a row here fails the test, and so does a row whose route is
gone.

A row says who may: for them the answer must get past the permission check (not 401, 403 or
404, and no 5xx); for everyone else it must be the refusal the row names: 303 to the login
page (pages) or 401 (API) for anonymous readers, 403 for a role that may not, 404 where the
object is hidden from them (someone else's draft)."""
import json
import re
import subprocess
import time
import unittest

from harness import BIN, Client, Server, WsClient
from newsroom_util import api, multipart, person, png, section_id, upload

ROLES = ("anonymous", "reader", "contributor", "author", "editor", "moderator", "admin")
WRITERS = {"contributor", "author", "editor", "admin"}
PUBLISHERS = {"author", "editor", "admin"}  # of their own stories
EDITORS = {"editor", "admin"}
MODERATORS = {"moderator", "editor", "admin"}
STAFF = set(ROLES) - {"anonymous", "reader"}
LOGGED_IN = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)


def rule(own=None, other=None, hidden=frozenset(), logged_in_only=True, owners=WRITERS):
    """Who may act on their own object and on someone else's; `owners`: the roles that can have
    such an object of their own; `hidden`: roles that get 404 for someone else's object."""
    return {"own": set(own) if own is not None else None, "other": set(other) if other is not None else set(),
            "hidden": set(hidden), "login": logged_in_only, "owners": set(owners)}


# Routes without an owned object use only "other".
RULES = {
    # Accounts: forms anyone may send (a wrong password is a 401 answer, not a refusal).
    "POST /account/login": rule(other=EVERYONE, logged_in_only=False),  # wrong password: 401
    "POST /account/register": rule(other=EVERYONE, logged_in_only=False),
    "POST /account/reset": rule(other=EVERYONE, logged_in_only=False),
    "POST /account/link/:purpose/:token": rule(other=EVERYONE, logged_in_only=False),
    "POST /account/logout": rule(other=EVERYONE, logged_in_only=False),
    "POST /account/name": rule(other=LOGGED_IN),
    "POST /account/password": rule(other=LOGGED_IN),
    "POST /account/email": rule(other=LOGGED_IN),
    "POST /account/delete": rule(other=LOGGED_IN),
    "POST /account/tokens": rule(other=STAFF),
    "POST /account/tokens/:id/revoke": rule(own=STAFF, other=set(), hidden=LOGGED_IN, owners=STAFF),
    # Stories (someone else's is a draft of another contributor).
    "POST /newsroom/stories": rule(other=WRITERS),
    "POST /api/v1/newsroom/stories": rule(other=WRITERS),
    "POST /newsroom/stories/:id": rule(own=WRITERS, other=EDITORS, hidden={"contributor", "author"}),
    "PUT /api/v1/newsroom/stories/:id": rule(own=WRITERS, other=EDITORS, hidden={"contributor", "author"}),
    "POST /newsroom/stories/:id/:action": rule(own=PUBLISHERS, other=EDITORS, hidden={"contributor", "author"}),
    "POST /api/v1/newsroom/stories/:id/:action": rule(own=PUBLISHERS, other=EDITORS, hidden={"contributor", "author"}),
    "POST /newsroom/stories/:id/revisions/:rev/restore": rule(own=WRITERS, other=EDITORS, hidden={"contributor", "author"}),
    "POST /api/v1/newsroom/stories/:id/revisions/:rev/restore": rule(own=WRITERS, other=EDITORS, hidden={"contributor", "author"}),
    "POST /api/v1/newsroom/stories/:id/chat": rule(own=WRITERS, other=EDITORS, hidden={"contributor", "author"}),
    # Photos: anyone who writes uploads; texts are the uploader's or an editor's.
    "POST /newsroom/media": rule(other=WRITERS),
    "POST /api/v1/newsroom/media": rule(other=WRITERS),
    "POST /newsroom/media/:id": rule(own=WRITERS, other=EDITORS),
    "PATCH /api/v1/newsroom/media/:id": rule(own=WRITERS, other=EDITORS),
    # Site administration.
    "POST /newsroom/admin/sections": rule(other={"admin"}),
    "POST /newsroom/admin/sections/:id": rule(other={"admin"}),
    "POST /newsroom/admin/editions/:id": rule(other={"admin"}),
    "POST /newsroom/admin/users/:id": rule(other={"admin"}),
    "POST /api/v1/newsroom/sections": rule(other={"admin"}),
    "PATCH /api/v1/newsroom/sections/:id": rule(other={"admin"}),
    "PATCH /api/v1/newsroom/editions/:id": rule(other={"admin"}),
    "PATCH /api/v1/newsroom/users/:id": rule(other={"admin"}),
    # Chats.
    "DELETE /api/v1/chat/messages/:id": rule(own=LOGGED_IN, other=MODERATORS, owners=LOGGED_IN),
    "POST /api/v1/chat/:room/sanctions": rule(other=MODERATORS),
    "PATCH /api/v1/chat/:room": rule(other=MODERATORS),
    "POST /api/v1/me/newsfeed-seen": rule(other=LOGGED_IN),
    # Discussions: readers write and act on their own comments; moderators on everyone's.
    "POST /discussion/:id/write": rule(other=LOGGED_IN),
    "POST /api/v1/comments": rule(other=LOGGED_IN),
    "PATCH /api/v1/comments/:id": rule(own=LOGGED_IN, other=set(), owners=LOGGED_IN),
    "DELETE /api/v1/comments/:id": rule(own=LOGGED_IN, other=MODERATORS, owners=LOGGED_IN),
    "POST /api/v1/comments/:id/vote": rule(other=LOGGED_IN),
    "POST /api/v1/comments/:id/report": rule(other=LOGGED_IN),
    "POST /api/v1/moderation/comments/:id": rule(other=MODERATORS),
    "POST /api/v1/moderation/bans": rule(other=MODERATORS),
    "DELETE /api/v1/moderation/bans/:id": rule(other=MODERATORS),
    "PUT /api/v1/moderation/stories/:id": rule(other=MODERATORS),
    "PUT /api/v1/moderation/sections/:id": rule(other=MODERATORS),
    "POST /newsroom/moderation": rule(other=MODERATORS),
    "POST /api/v1/moderation/words": rule(other=MODERATORS),
    "POST /api/v1/moderation/notices/:id": rule(other=MODERATORS),
    # Notices of illegal content: anyone, logged in or not.
    "POST /discussion/notice/:id": rule(other=EVERYONE, logged_in_only=False),
    "POST /api/v1/notices": rule(other=EVERYONE, logged_in_only=False),
    # The live channel: anyone reads; writing needs an account.
    "WS subscribe": rule(other=EVERYONE, logged_in_only=False),
    "WS unsubscribe": rule(other=EVERYONE, logged_in_only=False),
    "WS ping": rule(other=EVERYONE, logged_in_only=False),
    "WS send": rule(other=LOGGED_IN),
}


def printed_routes(data):
    out = subprocess.run([BIN, "serve", "--data", data, "--listen", "127.0.0.1:0", "--print-routes", "on"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [l for l in out.stdout.splitlines() if l and not l.startswith(("GET ", "HEAD "))]


class EveryRoleAtEveryRoute(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--live-client-messages-per-10s", "100000", "--comment-burst", "100000",
                            "--comment-held-first", "0")
        cls.people = {r: person(cls.server, r) for r in ROLES if r != "anonymous"}
        cls.people["anonymous"] = Client(cls.server)
        cls.people["anonymous"].csrf_token = cls.people["anonymous"].csrf("/account/login")
        cls.people["anonymous"].user = None
        # "Someone else": another contributor's drafts and photos, another reader's lines.
        cls.other_writer = person(cls.server, "contributor", "Other Writer")
        cls.other_reader = person(cls.server, "reader", "Other Reader")
        cls.role_target = person(cls.server, "reader", "Role Target")
        cls.editor = cls.people["editor"]
        cls.admin = cls.people["admin"]

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, cls.server.output()[-3000:]

    # Objects ----------------------------------------------------------------------------
    def story(self, owner):
        status, s = api(owner, "POST", "/api/v1/newsroom/stories",
                        {"headline": f"Roles {time.monotonic_ns()}", "section_id": section_id(self.editor),
                         "body": [{"type": "paragraph", "text": "Text."}]})
        assert status == 201, s
        return s

    def revision_of(self, story):
        status, revs = api(self.editor, "GET", f"/api/v1/newsroom/stories/{story['id']}/revisions")
        assert status == 200, revs
        return revs["revisions"][-1]["id"]

    def photo(self, owner):
        status, m = upload(owner, png(16, 16))
        assert status == 201, m
        return m

    def chat_line(self, author):
        ws = WsClient(self.server, cookies=author.cookies)
        ws.recv()
        ws.send({"type": "send", "channel": "chat:en.world", "text": f"line {time.monotonic_ns()}", "nonce": "n"})
        m = ws.recv_until(lambda m: m.get("nonce") == "n")[0]
        ws.close()
        assert m["type"] == "ack", m
        return m["id"]

    def published_story_id(self):
        r = self.people["anonymous"].get("/api/v1/articles?edition=en&limit=1")
        return json.loads(r.body)["articles"][0]["id"]

    def comment(self, author, text="A comment"):
        status, c = api(author, "POST", "/api/v1/comments", {"story_id": self.published_story_id(), "text": text})
        assert status == 201 and not c["held"], (status, c)
        return c["comment"]["id"]

    def open_notice_id(self, comment_id):
        page = self.admin.get("/newsroom/moderation").text
        ids = re.findall(r'data-notice="(\d+)"', page)
        assert ids, "no open notice on the moderation page"
        return ids[-1]

    def discussion_attempt(self, route, who, own):
        m, pattern = route.split(" ", 1)
        sid = self.published_story_id()
        if route == "POST /discussion/:id/write":
            return self.form(who, f"/discussion/{sid}/write", {"text": "From the form"})
        if route == "POST /api/v1/comments":
            return self.call(who, "POST", "/api/v1/comments", {"story_id": sid, "text": "Mine"})
        if route == "POST /api/v1/moderation/words":
            return self.call(who, "POST", "/api/v1/moderation/words", {"word": f"w{time.monotonic_ns()}", "kind": "suspect"})
        if route == "POST /api/v1/moderation/notices/:id":
            cid = self.comment(person(self.server, "reader"))
            status, n = api(self.people["anonymous"], "POST", "/api/v1/notices",
                            {"comment_id": cid, "reason": "defamation", "explanation": "Untrue.", "email": f"n{time.monotonic_ns()}@example.org"})
            assert status == 201, n
            nid = self.open_notice_id(cid)
            return self.call(who, "POST", f"/api/v1/moderation/notices/{nid}", {"decision": "keep", "reply": "Lawful."})
        if route == "POST /discussion/notice/:id":
            cid = self.comment(person(self.server, "reader"))
            return self.form(who, f"/discussion/notice/{cid}",
                             {"reason": "hate", "explanation": "Hateful.", "email": f"x{time.monotonic_ns()}@example.org"})
        if route == "POST /api/v1/notices":
            cid = self.comment(person(self.server, "reader"))
            return self.call(who, "POST", "/api/v1/notices", {"comment_id": cid, "reason": "hate",
                                                            "explanation": "Hateful.", "email": f"y{time.monotonic_ns()}@example.org"})
        if route == "POST /newsroom/moderation":
            return self.form(who, "/newsroom/moderation", {"action": "approve", "id": self.comment(person(self.server, "reader"))})
        if route == "POST /api/v1/moderation/comments/:id":
            cid = self.comment(person(self.server, "reader"))
            return self.call(who, "POST", f"/api/v1/moderation/comments/{cid}", {"action": "pick"})
        if route == "POST /api/v1/moderation/bans":
            return self.call(who, "POST", "/api/v1/moderation/bans",
                             {"user_id": self.role_target.user["id"], "minutes": 1, "reason": "Test"})
        if route == "DELETE /api/v1/moderation/bans/:id":
            target = self.role_target.user["id"]
            status, b = api(self.admin, "POST", "/api/v1/moderation/bans", {"user_id": target, "minutes": 1, "reason": "Test"})
            assert status == 200, b
            return self.call(who, "DELETE", f"/api/v1/moderation/bans/{target}")
        if route == "PUT /api/v1/moderation/sections/:id":
            return self.call(who, "PUT", f"/api/v1/moderation/sections/{section_id(self.editor)}", {"mode": "open"})
        if route == "PUT /api/v1/moderation/stories/:id":
            return self.call(who, "PUT", f"/api/v1/moderation/stories/{sid}", {"mode": "section"})
        # (A fresh author each time: comments that moderators remove put their author under
        # pre-moderation.)
        cid = self.comment(who if own else person(self.server, "reader"))
        path = pattern.replace(":id", str(cid))
        body = {"PATCH": {"text": "Changed"}, "DELETE": {}}.get(m, {})
        if path.endswith("/vote"):
            body = {"value": 1}
        if path.endswith("/report"):
            body = {"reason": "Off topic"}
        return self.call(who, m, path, body)

    def fresh(self, role):
        """A new account of `role` for routes that change or end the account."""
        if role == "anonymous":
            c = Client(self.server)
            c.csrf_token = c.csrf("/account/login")
            return c
        return person(self.server, role)

    # Requests ---------------------------------------------------------------------------
    def form(self, who, path, data=None):
        data = dict(data or {})
        data.setdefault("csrf", who.csrf_token)
        return who.post(path, data).status

    def call(self, who, method, path, data=None):
        return api(who, method, path, data if data is not None else {})[0]

    def ws(self, who, message):
        ws = WsClient(self.server, cookies=getattr(who, "cookies", None) or None)
        assert ws.status == 101
        ws.recv()
        if message["type"] == "unsubscribe":
            ws.send({"type": "subscribe", "channel": message["channel"]})
            ws.recv_until(lambda m: m["type"] == "subscribed")
        ws.send(message)
        m = ws.recv_until(lambda m: m["type"] in ("subscribed", "unsubscribed", "pong", "ack", "error"))[0]
        ws.close()
        if m["type"] == "error":
            return {"login": 401, "forbidden": 403}.get(m["code"], 422)
        return 200

    def attempt(self, route, role, own):
        """Makes the request of `route` as `role` on its own or someone else's object."""
        who = self.people[role]
        m, pattern = route.split(" ", 1)
        owner = who if own else self.other_writer
        if route == "POST /account/login":
            return self.form(who, "/account/login", {"email": "nobody@example.org", "password": "wrong password 1"})
        if route == "POST /account/register":
            return self.form(who, "/account/register", {"email": f"r{time.monotonic_ns()}@example.org",
                                                         "name": "New", "password": "a long password 1"})
        if route == "POST /account/reset":
            return self.form(who, "/account/reset", {"email": "nobody@example.org"})
        if route == "POST /account/link/:purpose/:token":
            return self.form(who, "/account/link/login/not-a-real-token")
        if pattern.startswith("/account/"):
            who = self.fresh(role)
            if route == "POST /account/tokens/:id/revoke":
                owner_of = who if own else person(self.server, "editor")
                token_id = self.token_id(owner_of)
                return self.form(who, f"/account/tokens/{token_id}/revoke")
            data = {"/account/name": {"name": "Renamed"}, "/account/password": {"password": "brand new pass 1"},
                    "/account/email": {"email": f"e{time.monotonic_ns()}@example.org", "password": "x"},
                    "/account/delete": {"password": "x"}, "/account/tokens": {"name": "script"},
                    "/account/logout": {}}[pattern]
            return self.form(who, pattern, data)
        if route in ("POST /newsroom/stories", "POST /api/v1/newsroom/stories"):
            body = {"headline": "New one", "section_id": section_id(self.editor)}
            return self.form(who, pattern, body) if pattern.startswith("/newsroom") else self.call(who, "POST", pattern, body)
        if ":id" in pattern and "/stories/" in pattern:
            s = self.story(owner)
            sid = s["id"]
            if pattern.endswith("/:action"):
                path = pattern.replace(":id", str(sid)).replace(":action", "publish")
                return self.form(who, path) if path.startswith("/newsroom") else self.call(who, "POST", path)
            if "/revisions/" in pattern:
                path = pattern.replace(":id", str(sid)).replace(":rev", str(self.revision_of(s)))
                if path.startswith("/newsroom"):
                    return self.form(who, path, {"version": s["version"]})
                return self.call(who, "POST", path, {"version": s["version"]})
            if pattern.endswith("/chat"):
                return self.call(who, "POST", pattern.replace(":id", str(sid)), {"enabled": True})
            path = pattern.replace(":id", str(sid))
            if path.startswith("/newsroom"):
                return self.form(who, path, {"version": s["version"], "headline": "Changed"})
            return self.call(who, "PUT", path, {"version": s["version"], "headline": "Changed"})
        if route == "POST /newsroom/media":
            body, ctype = multipart({"csrf": who.csrf_token, "alt": "A square"}, "file", "x.png", png(12, 12))
            return who.request("POST", "/newsroom/media", headers={"Content-Type": ctype}, body=body).status
        if route == "POST /api/v1/newsroom/media":
            return upload(who, png(12, 12))[0]
        if "/media/:id" in pattern:
            mid = self.photo(owner)["id"]
            path = pattern.replace(":id", str(mid))
            texts = {"caption": "New caption", "credit": "Credit", "alt": "Alt"}
            return self.form(who, path, texts) if path.startswith("/newsroom") else self.call(who, "PATCH", path, texts)
        if "/admin/" in pattern or pattern.startswith("/api/v1/newsroom/sections") or \
                pattern.startswith("/api/v1/newsroom/editions") or pattern.startswith("/api/v1/newsroom/users"):
            cat = api(self.editor, "GET", "/api/v1/newsroom/catalog")[1]
            sec = cat["sections"][0]
            ed = cat["editions"][0]
            target = self.role_target.user["id"]  # a role change ends its sessions
            slug = f"s{time.monotonic_ns() % 10**9}"
            table = {
                "POST /newsroom/admin/sections": ("form", "/newsroom/admin/sections",
                                                  {"edition_id": ed["id"], "name": "New desk", "slug": slug}),
                "POST /newsroom/admin/sections/:id": ("form", f"/newsroom/admin/sections/{sec['id']}",
                                                      {"name": sec["name"], "slug": sec["slug"], "description": sec["description"],
                                                       "position": sec["position"]}),
                "POST /newsroom/admin/editions/:id": ("form", f"/newsroom/admin/editions/{ed['id']}",
                                                      {"site_name": ed["site_name"], "tagline": ed["tagline"],
                                                       "time_zone": ed["time_zone"], "date_format": ed["date_format"]}),
                "POST /newsroom/admin/users/:id": ("form", f"/newsroom/admin/users/{target}", {"role": "reader"}),
                "POST /api/v1/newsroom/sections": ("api", "/api/v1/newsroom/sections",
                                                   {"edition_id": ed["id"], "name": "New desk", "slug": slug}),
                "PATCH /api/v1/newsroom/sections/:id": ("api", f"/api/v1/newsroom/sections/{sec['id']}",
                                                        {"description": sec["description"]}),
                "PATCH /api/v1/newsroom/editions/:id": ("api", f"/api/v1/newsroom/editions/{ed['id']}",
                                                        {"tagline": ed["tagline"]}),
                "PATCH /api/v1/newsroom/users/:id": ("api", f"/api/v1/newsroom/users/{target}", {"role": "reader"}),
            }
            kind, path, data = table[route]
            return self.form(who, path, data) if kind == "form" else self.call(who, m, path, data)
        if route == "DELETE /api/v1/chat/messages/:id":
            line = self.chat_line(who if own else person(self.server, "reader"))  # flood limits are per person
            return self.call(who, "DELETE", f"/api/v1/chat/messages/{line}")
        if route == "POST /api/v1/chat/:room/sanctions":
            return self.call(who, "POST", "/api/v1/chat/en.science/sanctions",
                             {"user_id": self.other_reader.user["id"], "kind": "mute", "minutes": 1})
        if route == "PATCH /api/v1/chat/:room":
            return self.call(who, "PATCH", "/api/v1/chat/en.science", {"slow_mode_s": 0})
        if pattern.startswith(("/api/v1/comments", "/discussion/", "/api/v1/moderation/", "/newsroom/moderation",
                               "/api/v1/notices")):
            return self.discussion_attempt(route, who, own)
        if route == "POST /api/v1/me/newsfeed-seen":
            return self.call(who, "POST", "/api/v1/me/newsfeed-seen")
        if m == "WS":
            message = {"subscribe": {"type": "subscribe", "channel": "chat:en"},
                       "unsubscribe": {"type": "unsubscribe", "channel": "chat:en"},
                       "ping": {"type": "ping"},
                       "send": {"type": "send", "channel": "chat:en.politics", "text": "hello", "nonce": "n"}}[pattern]
            return self.ws(who, message)
        raise AssertionError(f"no request for {route}")

    def token_id(self, owner):
        self.assertEqual(owner.post("/account/tokens", {"csrf": owner.csrf_token, "name": "t"}).status, 200)
        ids = re.findall(r'/account/tokens/(\d+)/revoke', owner.get("/account/").text)
        self.assertTrue(ids)
        return ids[-1]

    # The test -----------------------------------------------------------------------------
    def test_every_mutating_route_has_a_row(self):
        routes = printed_routes(self.server.data)
        self.assertEqual(sorted(set(routes) - set(RULES)), [], "routes without a row in RULES")
        self.assertEqual(sorted(set(RULES) - set(routes)), [], "rows for routes that are gone")

    def test_every_role_at_every_route(self):
        wrong = []
        for route, r in RULES.items():
            api_like = route.split(" ", 1)[1].startswith("/api/") or route.startswith("WS ")
            for own in (True, False):
                allowed = r["own"] if own else r["other"]
                if allowed is None:
                    continue  # nothing of one's own here
                for role in ROLES:
                    if own and role not in r["owners"]:
                        continue  # nothing of their own of this kind
                    status = self.attempt(route, role, own)
                    if role in allowed:
                        ok = status < 500 and status not in (401, 403, 404)
                        if route == "POST /account/login":
                            ok = status == 401  # the answer to a wrong password, not a refusal
                        expected = "allowed"
                    elif role == "anonymous" and r["login"]:
                        expected = 401 if api_like else 303
                        ok = status == expected
                    elif not own and role in r["hidden"]:
                        expected = 404
                        ok = status == 404
                    else:
                        expected = 403
                        ok = status == 403
                    if not ok:
                        wrong.append(f"{route} as {role} on {'own' if own else 'other'}: {status}, expected {expected}")
        self.assertEqual(wrong, [], "\n" + "\n".join(wrong))


if __name__ == "__main__":
    unittest.main(verbosity=2)
