"""The command line: help, configuration sources and their errors, demo, restart."""
import json
import os
import tempfile
import time
import unittest

from harness import Server, herald


class CliTest(unittest.TestCase):
    def test_help_documents_commands_and_options(self):
        r = herald("--help")
        self.assertEqual(r.returncode, 0)
        for cmd in ("serve", "demo", "migrate", "publish"):
            self.assertIn(cmd, r.stdout)
        r = herald("serve", "--help")
        self.assertEqual(r.returncode, 0)
        for opt in ("--listen HOST:PORT", "--data DIR", "HERALD_LISTEN", "body_limit_kb", "Precedence"):
            self.assertIn(opt, r.stdout)

    def test_bad_values_stop_startup_naming_the_option(self):
        cases = [
            (["--listen", "nonsense"], {}, "listen"),
            (["--listen", "127.0.0.1:99999"], {}, "port"),
            (["--threads", "0"], {}, "threads"),
            (["--body-limit-kb", "lots"], {}, "body-limit-kb"),
            (["--no-such-option", "1"], {}, "unknown option --no-such-option"),
            ([], {"HERALD_THREADS": "many"}, "HERALD_THREADS"),
            (["--base-url", "ftp://x"], {}, "base-url"),
            (["--smtp-port", "0"], {}, "smtp-port"),
            (["--smtp-starttls", "maybe"], {}, "smtp-starttls"),
            (["--mail-from", "nobody"], {}, "mail-from"),
            (["--secure-cookies", "sometimes"], {}, "secure-cookies"),
            (["--login-failures-per-ip", "0"], {}, "login-failures-per-ip"),
            ([], {"HERALD_MAILS_PER_IP_PER_HOUR": "lots"}, "HERALD_MAILS_PER_IP_PER_HOUR"),
            (["--live-origins", "news.example.org"], {}, "live-origins"),
            (["--live-queue-kb", "1"], {}, "live-queue-kb"),
            (["--live-batch-ms", "-5"], {}, "live-batch-ms"),
            (["--connections-per-ip", "many"], {}, "connections-per-ip"),
            (["--trusted-proxies", "10.0.0.0/33"], {}, "trusted-proxies"),
            ([], {"HERALD_TRUSTED_PROXIES": "proxy.example"}, "HERALD_TRUSTED_PROXIES"),
            (["--database-max-mb", "-1"], {}, "database-max-mb"),
            (["--print-routes", "maybe"], {}, "print-routes"),
            (["--database", "mysql://x"], {}, "database"),
            ([], {"HERALD_DATABASE": "postgres"}, "HERALD_DATABASE"),
            (["--bus", "redis://127.0.0.1:6379"], {}, "bus"),
            (["--bus", "nats://127.0.0.1"], {}, "bus"),
            # Well-formed but unreachable: start-up stops, naming the option and what failed.
            (["--database", "postgresql://herald@127.0.0.1:1/none"], {}, "check --database"),
            (["--bus", "nats://127.0.0.1:1"], {}, "check --bus"),
        ]
        with tempfile.TemporaryDirectory() as d:
            for args, env, needle in cases:
                r = herald("serve", "--data", d, *args, env=env, timeout=30)
                self.assertEqual(r.returncode, 2, (args, r.stderr))
                self.assertIn(needle, r.stderr, args)

    def test_migrate_refuses_what_it_cannot_copy(self):
        with tempfile.TemporaryDirectory() as d:
            for args, needle in (
                (["--from", "sqlite:" + os.path.join(d, "herald.db")], "go together"),
                (["--from", "postgresql://x@127.0.0.1:1/a", "--to", "sqlite:" + d + "/b.db"],
                 "copies an SQLite site"),
                (["--from", "sqlite:" + os.path.join(d, "missing.db"), "--to", "postgresql://x@127.0.0.1:1/a"],
                 "no SQLite database at"),
                (["--from", "mysql://x", "--to", "postgresql://x@127.0.0.1:1/a"], "--from"),
            ):
                r = herald("migrate", *args, timeout=30)
                self.assertNotEqual(r.returncode, 0, args)
                self.assertIn(needle, r.stderr, args)
                self.assertFalse(os.path.exists(os.path.join(d, "missing.db")), "nothing is created")

    def test_readyz_says_the_database_and_the_bus_answer(self):
        with Server() as s:
            r = s.get("/readyz")
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(json.loads(r.text), {"status": "ready", "database": "ok", "bus": "ok"})
            self.assertEqual(r.header("cache-control"), "no-store")
            self.assertEqual(s.get("/healthz").status, 200)

    def test_config_file_env_and_flags_in_order_of_precedence(self):
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, "herald.toml")
            with open(cfg, "w") as f:
                f.write('base_url = "https://from-file.example"\nthreads = 1\naccess_log = false\n')
            with Server("--config", cfg) as s:
                self.assertIn("https://from-file.example/en/", s.get("/en/").text)
            with Server("--config", cfg, env={"HERALD_BASE_URL": "https://from-env.example"}) as s:
                self.assertIn("https://from-env.example/en/", s.get("/en/").text)
            with Server("--config", cfg, "--base-url", "https://from-flag.example",
                        env={"HERALD_BASE_URL": "https://from-env.example"}) as s:
                self.assertIn("https://from-flag.example/en/", s.get("/en/").text)
            with open(cfg, "w") as f:
                f.write("threads = \n")
            r = herald("serve", "--config", cfg, "--data", d, timeout=30)
            self.assertEqual(r.returncode, 2)
            self.assertIn(cfg, r.stderr)
            with open(cfg, "w") as f:
                f.write("colour = 'red'\n")
            r = herald("serve", "--config", cfg, "--data", d, timeout=30)
            self.assertEqual(r.returncode, 2)
            self.assertIn("unknown option 'colour'", r.stderr)

    def test_demo_refuses_a_non_empty_database_and_restart_keeps_content(self):
        with Server() as s:
            data = s.data
            before = s.get("/api/v1/articles?edition=en&limit=5").text
            r = herald("demo", "--data", data)
            self.assertEqual(r.returncode, 1)
            self.assertIn("already holds editions", r.stderr)
            s.proc.terminate()
            s.proc.wait(15)
            start = time.monotonic()
            with Server(data=data) as again:
                self.assertEqual(again.get("/api/v1/articles?edition=en&limit=5").text.replace(str(again.port), "P"),
                                 before.replace(str(s.port), "P"))
            self.assertLess(time.monotonic() - start, 30)

    def test_unwritable_data_folder_is_a_clear_error(self):
        r = herald("serve", "--data", "/proc/herald-cannot-write-here", timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("data folder", r.stderr)


if __name__ == "__main__":
    unittest.main()
