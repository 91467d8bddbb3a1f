"""herald migrate --from sqlite:PATH --to postgresql://...: a demo site moved into PostgreSQL is
served byte for byte as it was (run by the PostgreSQL variant of the suites)."""
import os
import re
import shutil
import tempfile
import unittest

from harness import BACKEND, Server, herald, new_database

SQLITE_FIXTURE = os.environ.get("HERALD_FIXTURE", "")
BASE = "http://news.example.test"


@unittest.skipUnless(BACKEND == "postgres" and SQLITE_FIXTURE, "needs PostgreSQL (scripts/services.sh)")
class MigrateToPostgres(unittest.TestCase):
    def test_a_migrated_site_serves_the_same_pages_and_a_second_run_is_safe(self):
        tmp = tempfile.mkdtemp(prefix="herald-migrate-")
        try:
            data = os.path.join(tmp, "site")
            shutil.copytree(SQLITE_FIXTURE, data)
            url = new_database()
            args = ["migrate", "--from", "sqlite:" + os.path.join(data, "herald.db"), "--to", url]
            first = herald(*args, env={"HERALD_DATABASE": ""})
            self.assertEqual(first.returncode, 0, first.stderr + first.stdout)
            self.assertIn("Every table arrived whole", first.stdout)
            self.assertIn("articles", first.stdout)
            self.assertIn("100%", first.stderr)  # the progress bar
            again = herald(*args, env={"HERALD_DATABASE": ""})
            self.assertEqual(again.returncode, 0, again.stderr + again.stdout)
            self.assertNotIn("DIFFERENT", again.stdout)
            old = Server("--base-url", BASE, data=data, copy_fixture=False, database="")
            new = Server("--base-url", BASE, "--media-dir", os.path.join(data, "media"),
                         copy_fixture=False, database=url)
            try:
                home = old.get("/en/").text
                paths = ["/en/", "/ru/", "/en/rss.xml", "/ru/atom.xml", "/sitemap.xml",
                         "/api/v1/articles?edition=en", "/en/newsfeed/"]
                paths += sorted(set(re.findall(r'href="(/en/[a-z-]+/)"', home)))[:3]
                paths += sorted(set(re.findall(r'href="(/en/[a-z-]+/\d+-[^"]+)"', home)))[:5]
                self.assertGreater(len(paths), 10)
                for p in paths:
                    a, b = old.get(p), new.get(p)
                    self.assertEqual((a.status, b.status), (200, 200), p)
                    self.assertEqual(a.body, b.body, f"{p} differs after the move")
                # The new site goes on: ids continue after the copied ones.
                r = herald("user", "create", "--data", new.data, "--email", "after@example.org",
                           "--role", "editor", env={"HERALD_DATABASE": url})
                self.assertEqual(r.returncode, 0, r.stderr)
            finally:
                new.stop()
                old.stop()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
