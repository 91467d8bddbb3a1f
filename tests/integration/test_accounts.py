"""Account flows through the real server, with mails read from a real SMTP server."""
import json
import re
import time
import unittest

from harness import BIN, Client, MailSink, Server, admin_link, herald, link_in


def strip_tokens(html):
    return re.sub(r'name="csrf" value="[^"]+"', "", html)


class AccountFlows(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mail = MailSink()
        # Every test here comes from 127.0.0.1: the per-address limits are tested in Throttling.
        cls.server = Server(*cls.mail.args(), "--mails-per-ip-per-hour", "1000",
                            "--login-failures-per-ip", "1000")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.mail.stop()
        assert code == 0, cls.server.output()[-3000:]

    def register(self, email, name="Anna Veles", password="correct horse battery"):
        c = Client(self.server)
        before = len([m for m in self.mail.messages() if email in m["to"]])
        r = c.post("/account/register", {"email": email, "name": name, "password": password},
                   csrf_from="/account/register")
        self.assertEqual(r.status, 200, r.text[:400])
        mail = self.mail.wait_for(email, "Confirm your email", count=before + 1)[-1]
        r = c.follow_link(link_in(mail["text"]))
        self.assertEqual(r.status, 200, r.text[:400])
        return c

    def test_register_verify_login_logout(self):
        c = Client(self.server)
        page = c.get("/account/register")
        self.assertEqual(page.status, 200)
        self.assertEqual(page.header("cache-control"), "no-store")
        r = c.post("/account/register", {"email": "New.Reader@Example.org", "name": "New Reader",
                                         "password": "a long enough phrase"},
                   csrf_from="/account/register")
        self.assertEqual(r.status, 200)
        self.assertIn("Check your email", r.text)
        self.assertIsNone(c.me(), "registering alone does not log in")
        # Not verified yet: logging in sends a fresh link instead.
        r = c.login("new.reader@example.org", "a long enough phrase")
        self.assertIn("Confirm your email address first", r.text)
        mails = self.mail.wait_for("new.reader@example.org", "Confirm your email", count=2)
        link = link_in(mails[0]["text"])
        # Opening the link shows a button; only the POST uses it.
        path = link.split(self.server.base, 1)[1]
        self.assertEqual(c.get(path).status, 200)
        self.assertEqual(c.get(path).status, 200)
        r = c.follow_link(link)
        self.assertEqual(r.status, 200)
        me = c.me()
        self.assertEqual(me["name"], "New Reader")
        self.assertEqual(me["role"], "reader")
        session = next(s for s in r.set_cookies if s.startswith("herald_session="))
        self.assertIn("HttpOnly", session)
        self.assertIn("SameSite=Lax", session)
        self.assertNotIn("Secure", session)
        # A used link is spent.
        again = Client(self.server).follow_link(link)
        self.assertEqual(again.status, 410)
        # Log out: the session ends on the server, not only in this browser.
        old = dict(c.cookies)
        csrf = c.csrf("/account/")
        r = c.post("/account/logout", {"csrf": csrf})
        self.assertEqual(r.status, 303)
        self.assertIsNone(c.me())
        thief = Client(self.server)
        thief.cookies = old
        self.assertIsNone(thief.me(), "a logged-out session token must not work again")
        self.assertEqual(thief.get("/account/").status, 303)
        # Log in with the password.
        r = c.login("new.reader@example.org", "a long enough phrase")
        self.assertEqual(r.status, 303)
        self.assertEqual(c.me()["name"], "New Reader")

    def test_bad_registrations_say_what_to_fix(self):
        c = Client(self.server)
        cases = [({"email": "not-an-address", "name": "X", "password": "long enough pw"}, "valid email"),
                 ({"email": "a@b.org", "name": "", "password": "long enough pw"}, "your name"),
                 ({"email": "a@b.org", "name": "A", "password": "short"}, "at least 8"),
                 ({"email": "a@b.org", "name": "A", "password": "x" * 129}, "at most 128"),
                 ({"email": "same@b.org", "name": "A", "password": "same@b.org"}, "not be your email"),
                 ({"email": "a@b.org", "name": "Anna Veles", "password": "anna veles"}, "not be your name")]
        for form, message in cases:
            r = c.post("/account/register", form, csrf_from="/account/register")
            self.assertEqual(r.status, 422, form)
            self.assertIn(message, r.text, form)
        # 128 characters of Cyrillic (256 bytes) are fine: never truncated, counted in characters.
        r = c.post("/account/register", {"email": "long@b.org", "name": "L", "password": "я" * 128},
                   csrf_from="/account/register")
        self.assertEqual(r.status, 200)

    def test_no_account_enumeration(self):
        self.register("known@example.org")
        a, b = Client(self.server), Client(self.server)
        # Registration: the same page for a taken and a new address.
        ra = a.post("/account/register", {"email": "known@example.org", "name": "Z", "password": "some password 1"},
                    csrf_from="/account/register")
        rb = b.post("/account/register", {"email": "fresh-enum@example.org", "name": "Z", "password": "some password 1"},
                    csrf_from="/account/register")
        self.assertEqual((ra.status, strip_tokens(ra.text)), (rb.status, strip_tokens(rb.text)))
        # The owner of the taken address hears about it by mail.
        self.mail.wait_for("known@example.org", "Someone tried to register")
        # Reset: the same answer whether or not the address has an account.
        ra = a.post("/account/reset", {"email": "known@example.org"}, csrf_from="/account/reset")
        rb = b.post("/account/reset", {"email": "nobody-here@example.org"}, csrf_from="/account/reset")
        self.assertEqual((ra.status, strip_tokens(ra.text)), (rb.status, strip_tokens(rb.text)))
        self.mail.wait_for("known@example.org", "Choose a new password")
        # Login: the same answer, in about the same time.
        times = {"known": [], "unknown": []}
        for _ in range(7):
            for who, email in (("known", "known@example.org"), ("unknown", "nobody-here@example.org")):
                t0 = time.monotonic()
                r = Client(self.server).login(email, "wrong password 1")
                times[who].append(time.monotonic() - t0)
                self.assertEqual(r.status, 401)
                self.assertIn("email address or password is not right", r.text)
        # The fastest of seven: what each path costs at least (both hash once), whatever else
        # the machine is doing meanwhile.
        known, unknown = min(times["known"]), min(times["unknown"])
        self.assertGreater(unknown, known * 0.5, times)
        self.assertGreater(known, unknown * 0.5, times)
        self.assertEqual([m for m in self.mail.messages() if "nobody-here" in m["to"]], [])

    def test_password_reset_ends_sessions(self):
        old = self.register("reset-me@example.org", password="first password 1")
        self.assertIsNotNone(old.me())
        c = Client(self.server)
        c.post("/account/reset", {"email": "reset-me@example.org"}, csrf_from="/account/reset")
        link = link_in(self.mail.wait_for("reset-me@example.org", "Choose a new password")[-1]["text"])
        r = c.follow_link(link, {"password": "short"})
        self.assertEqual(r.status, 422)
        self.assertIn("at least 8", r.text)
        r = c.follow_link(link, {"password": "second password 2"})  # a refused try keeps the link
        self.assertEqual(r.status, 200)
        self.assertEqual(c.me()["name"], "Anna Veles")
        self.assertIsNone(old.me(), "a reset ends the account's other sessions")
        self.assertEqual(Client(self.server).follow_link(link, {"password": "third password 3"}).status, 410)
        self.assertEqual(Client(self.server).login("reset-me@example.org", "first password 1").status, 401)
        self.assertEqual(Client(self.server).login("reset-me@example.org", "second password 2").status, 303)

    def test_change_password_and_log_out_others(self):
        a = self.register("changer@example.org", password="first password 1")
        b = Client(self.server)
        self.assertEqual(b.login("changer@example.org", "first password 1").status, 303)
        csrf = a.csrf("/account/")
        r = a.post("/account/password", {"csrf": csrf, "current": "wrong one 123", "password": "second password 2", "others": "1"})
        self.assertEqual(r.status, 422)
        self.assertIn("current password is not right", r.text)
        r = a.post("/account/password", {"csrf": csrf, "current": "first password 1", "password": "second password 2", "others": "1"})
        self.assertEqual(r.status, 303)
        self.assertIn("other sessions are logged out", a.get(r.header("location")).text)
        self.assertIsNotNone(a.me())
        self.assertIsNone(b.me())
        self.assertEqual(Client(self.server).login("changer@example.org", "second password 2").status, 303)

    def test_change_email_is_confirmed_at_the_new_address(self):
        c = self.register("old-address@example.org", password="my password 12")
        csrf = c.csrf("/account/")
        r = c.post("/account/email", {"csrf": csrf, "email": "new-address@example.org", "password": "my password 12"})
        self.assertEqual(r.status, 303)
        self.assertEqual(Client(self.server).login("new-address@example.org", "my password 12").status, 401)
        link = link_in(self.mail.wait_for("new-address@example.org", "Confirm your new email")[-1]["text"])
        r = c.follow_link(link)
        self.assertEqual(r.status, 200)
        self.mail.wait_for("old-address@example.org", "has changed")
        self.assertEqual(Client(self.server).login("new-address@example.org", "my password 12").status, 303)
        self.assertEqual(Client(self.server).login("old-address@example.org", "my password 12").status, 401)

    def test_delete_account(self):
        c = self.register("leaving@example.org", password="my password 12")
        csrf = c.csrf("/account/")
        self.assertEqual(c.post("/account/delete", {"csrf": csrf, "password": "nope nope nope"}).status, 422)
        r = c.post("/account/delete", {"csrf": csrf, "password": "my password 12"})
        self.assertEqual(r.status, 200)
        self.assertIsNone(c.me())
        self.assertEqual(Client(self.server).login("leaving@example.org", "my password 12").status, 401)
        # The address is free again.
        self.register("leaving@example.org", password="another password")

    def test_csrf_is_required_for_every_state_change(self):
        c = self.register("csrf@example.org", password="my password 12")
        for path, form in (("/account/name", {"name": "Hacked"}), ("/account/logout", {}),
                           ("/account/login", {"email": "csrf@example.org", "password": "my password 12"})):
            r = c.post(path, form)
            self.assertEqual(r.status, 403, path)
            self.assertIn("form has expired", r.text)
            r = c.post(path, dict(form, csrf="forged-token-forged-token-forged-token"))
            self.assertEqual(r.status, 403, path)
        self.assertNotEqual(c.me()["name"], "Hacked")
        # The header works too (API clients in the browser).
        csrf = c.csrf("/account/")
        r = c.request("POST", "/account/name", body=b"name=Renamed",
                      headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf})
        self.assertEqual(r.status, 303)
        self.assertEqual(c.me()["name"], "Renamed")
        # GET never changes anything.
        self.assertEqual(c.get("/account/logout").status, 405)

    def test_session_fixation(self):
        attacker = self.register("attacker@example.org", password="attacker pass 1")
        planted = attacker.cookies["herald_session"]
        self.register("victim@example.org", password="victim pass 12")
        victim = Client(self.server)
        victim.cookies["herald_session"] = planted
        self.assertEqual(victim.me()["name"], "Anna Veles")  # the attacker's session
        r = victim.login("victim@example.org", "victim pass 12")
        self.assertEqual(r.status, 303)
        self.assertNotEqual(victim.cookies["herald_session"], planted)
        self.assertIsNone(attacker.me(), "the planted session is ended at login")
        victim.cookies["herald_session"] = "made-up-token"
        self.assertIsNone(victim.me())

    def test_return_to_the_page_after_login(self):
        self.register("returner@example.org", password="return pass 12")
        c = Client(self.server)
        page = c.get("/account/login", headers={"Referer": self.server.base + "/en/world/"})
        self.assertIn('name="next" value="/en/world/"', page.text)
        r = c.login("returner@example.org", "return pass 12", next_path="/en/world/")
        self.assertEqual(r.header("location"), "/en/world/")
        for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            c2 = Client(self.server)
            r = c2.login("returner@example.org", "return pass 12", next_path=evil)
            self.assertEqual(r.status, 303)
            self.assertEqual(r.header("location"), "/en/", evil)
        # A foreign Referer is not used.
        page = Client(self.server).get("/account/login", headers={"Referer": "https://evil.example/x"})
        self.assertIn('name="next" value="/en/"', page.text)


class Throttling(unittest.TestCase):
    def setUp(self):
        self.mail = MailSink()
        self.server = Server(*self.mail.args())  # the default limits, a fresh server each

    def tearDown(self):
        self.server.stop()
        self.mail.stop()

    def test_failed_logins_are_limited_without_locking_the_owner_out(self):
        owner = Client(self.server)
        owner.post("/account/register", {"email": "owner@example.org", "name": "Owner", "password": "owner password"},
                   csrf_from="/account/register")
        owner.follow_link(link_in(self.mail.wait_for("owner@example.org", "Confirm")[-1]["text"]))
        self.assertIsNotNone(owner.me())  # this browser now has a known-device cookie
        self.assertIn("herald_device", owner.cookies)
        attacker = Client(self.server)
        for i in range(10):
            self.assertEqual(attacker.login("owner@example.org", f"guess {i} xxxx").status, 401)
        r = attacker.login("owner@example.org", "guess 11 xxxx")
        self.assertEqual(r.status, 429)
        self.assertGreater(int(r.header("retry-after")), 0)
        self.assertIn("Too many attempts", r.text)
        # Even the right password is held back in a browser the account has not used...
        self.assertEqual(Client(self.server).login("owner@example.org", "owner password").status, 429)
        # ...but the owner's own browser still gets in.
        owner.post("/account/logout", {"csrf": owner.csrf("/account/")})
        self.assertEqual(owner.login("owner@example.org", "owner password").status, 303)
        # One address guessing many accounts is stopped too.
        for i in range(30):
            r = attacker.login(f"someone{i}@example.org", "guess xxxxxxx")
            if r.status == 429:
                break
        self.assertEqual(r.status, 429)

    def test_reset_mails_are_limited(self):
        c = Client(self.server)
        statuses = [c.post("/account/reset", {"email": f"r{i}@example.org"}, csrf_from="/account/reset").status
                    for i in range(7)]
        self.assertEqual(statuses[:5], [200] * 5)
        self.assertEqual(statuses[5:], [429, 429])


class StaffAndCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()  # no SMTP: mails go to the outbox

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def cli(self, *args):
        r = herald(*args, "--data", self.server.data, "--base-url", self.server.base)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def as_role(self, role):
        email = f"{role}-{time.monotonic_ns()}@example.org"
        link = self.cli("user", "create", "--email", email, "--role", role, "--name", role.title())
        c = Client(self.server)
        self.assertEqual(c.follow_link(link_in(link)).status, 200)
        self.assertEqual(c.me()["role"], role)
        return c, email

    def test_first_start_prints_an_admin_link(self):
        c = Client(self.server)
        r = c.follow_link(admin_link(self.server))
        self.assertEqual(r.status, 200)
        self.assertEqual(c.me()["role"], "admin")
        session = next(s for s in r.set_cookies if s.startswith("herald_session="))
        self.assertIn("SameSite=Strict", session, "staff sessions are Strict")
        # The admin sets a password (no current one yet), then can log in with it.
        csrf = c.csrf("/account/")
        self.assertEqual(c.post("/account/password", {"csrf": csrf, "password": "admin password 1"}).status, 303)
        self.assertEqual(Client(self.server).login("admin@example.org", "admin password 1").status, 303)

    def test_roles_at_the_newsroom_door(self):
        self.assertEqual(Client(self.server).get("/newsroom/").status, 303)
        r = Client(self.server).get("/newsroom/")
        self.assertEqual(r.header("location"), "/account/login?next=/newsroom/")
        reader, _ = self.as_role("reader")
        r = reader.get("/newsroom/")
        self.assertEqual(r.status, 403)
        self.assertIn("Not for this account", r.text)
        for role in ("contributor", "author", "editor", "moderator", "admin"):
            c, _ = self.as_role(role)
            self.assertEqual(c.get("/newsroom/").status, 200, role)
            self.assertEqual(c.get("/newsroom/outbox").status, 200 if role == "admin" else 403, role)

    def test_outbox_lists_mails_when_no_smtp_is_configured(self):
        c = Client(self.server)
        c.post("/account/reset", {"email": "admin@example.org"}, csrf_from="/account/reset")
        admin, _ = self.as_role("admin")
        deadline = time.time() + 10
        while time.time() < deadline:
            page = admin.get("/newsroom/outbox").text
            if "Choose a new password" in page:
                break
            time.sleep(0.2)
        self.assertIn("admin@example.org", page)
        self.assertIn("/account/link/reset/", page)

    def test_role_change_and_disabling_end_sessions(self):
        c, email = self.as_role("author")
        self.cli("user", "role", "--email", email, "--role", "editor")
        self.assertIsNone(c.me(), "a role change ends the sessions")
        c2 = Client(self.server)
        c2.follow_link(link_in(self.cli("user", "link", "--email", email)))
        self.assertEqual(c2.me()["role"], "editor")
        self.cli("user", "disable", "--email", email)
        self.assertIsNone(c2.me())
        r = herald("user", "create", "--email", email, "--role", "editor", "--data", self.server.data)
        self.assertEqual(r.returncode, 1)
        self.assertIn("already uses this email", r.stderr)
        r = herald("user", "create", "--email", "x@example.org", "--role", "chief", "--data", self.server.data)
        self.assertEqual(r.returncode, 2)

    def test_api_tokens(self):
        editor, email = self.as_role("editor")
        token = self.cli("token", "create", "--email", email, "--name", "wire").strip()
        self.assertTrue(token.startswith("hrld_"))
        r = self.server.get("/api/v1/me", headers={"Authorization": "Bearer " + token})
        me = json.loads(r.body)["user"]
        self.assertEqual(me["role"], "editor")
        r = self.server.get("/api/v1/me", headers={"Authorization": "Bearer hrld_nope"})
        self.assertEqual(r.status, 401)
        self.assertEqual(json.loads(r.body)["error"]["code"], "unauthorized")
        # Created and revoked on the account page too; the token is shown once.
        page = editor.post("/account/tokens", {"name": "laptop"}, csrf_from="/account/")
        self.assertEqual(page.status, 200)
        shown = re.search(r'<code class="token">(hrld_[^<]+)</code>', page.text).group(1)
        self.assertEqual(json.loads(self.server.get("/api/v1/me", headers={"Authorization": "Bearer " + shown}).body)["user"]["role"], "editor")
        ids = re.findall(r'/account/tokens/(\d+)/revoke', page.text)
        for i in ids:
            editor.post(f"/account/tokens/{i}/revoke", csrf_from="/account/")
        for revoked in (shown, token):
            self.assertEqual(self.server.get("/api/v1/me", headers={"Authorization": "Bearer " + revoked}).status, 401)


class SecureCookies(unittest.TestCase):
    def test_tls_sites_use_host_prefixed_secure_cookies(self):
        with Server("--base-url", "https://news.example.org") as s:
            c = Client(s)
            r = c.follow_link(admin_link(s).replace("https://news.example.org", s.base))
            session = next(x for x in r.set_cookies if "herald_session=" in x)
            self.assertTrue(session.startswith("__Host-herald_session="), session)
            self.assertIn("Secure", session)
            self.assertIn("Path=/", session)


if __name__ == "__main__":
    unittest.main()
