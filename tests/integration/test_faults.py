"""Faults through the real binary: the database locked for 10 s by another process, the
database full, and kill -9 in the middle of a burst of writes (nothing acknowledged is lost,
queued mail included)."""
import json
import os
import shutil
import signal
import sqlite3
import threading
import time
import unittest

from harness import (BACKEND, Client, MailSink, Server, WsClient, free_port, hold_write_lock,
                     stored_ids, subscribe)
from newsroom_util import api, person, section_id


def new_story(editor, headline, body_text="Text.", paragraphs=1):
    return api(editor, "POST", "/api/v1/newsroom/stories",
               {"headline": headline, "section_id": section_id(editor),
                "body": [{"type": "paragraph", "text": body_text}] * paragraphs})




class LockedDatabase(unittest.TestCase):
    def test_ten_seconds_locked_gives_clear_errors_and_loses_nothing(self):
        with Server() as s:
            editor, reader = person(s, "editor"), person(s, "reader")
            status, kept = new_story(editor, "Stored before the lock")
            self.assertEqual(status, 201)
            status, kept = api(editor, "POST", f"/api/v1/newsroom/stories/{kept['id']}/publish")
            self.assertEqual(status, 200, kept)
            status, draft = new_story(editor, "To publish while locked")
            ws = WsClient(s, cookies=reader.cookies)
            ws.recv()
            subscribe(ws, "chat:en.world")
            lock = hold_write_lock(s).__enter__()
            locked_at = time.time()
            answers = {}

            def publish():
                answers["publish"] = api(editor, "POST", f"/api/v1/newsroom/stories/{draft['id']}/publish")

            def page_form():
                answers["form"] = editor.post(f"/newsroom/stories/{draft['id']}/submit",
                                              {"csrf": editor.csrf_token})

            threads = [threading.Thread(target=publish), threading.Thread(target=page_form)]
            try:
                for t in threads:
                    t.start()
                ws.send({"type": "send", "channel": "chat:en.world", "text": "during the lock", "nonce": "x"})
                # Readers are served the whole time.
                self.assertEqual(s.get("/en/").status, 200)
                self.assertEqual(s.get(kept["url"]).status, 200)
                err = ws.recv_until(lambda m: m.get("nonce") == "x", timeout=30)[0]
                self.assertEqual((err["type"], err["code"]), ("error", "unavailable"))
                for t in threads:
                    t.join(60)
                # Hold the lock for the full ten seconds.
                while time.time() - locked_at < 10:
                    self.assertEqual(s.get("/healthz").status, 200)
                    time.sleep(0.2)
            finally:
                lock.__exit__(None, None, None)
            status, body = answers["publish"]
            self.assertEqual(status, 503, body)
            self.assertEqual(body["error"]["code"], "busy")
            self.assertIn("try again", body["error"]["message"])
            self.assertEqual(answers["form"].status, 503)
            self.assertIn("try again", answers["form"].text)
            # Afterwards everything works, and nothing stored before is gone.
            status, pub = api(editor, "POST", f"/api/v1/newsroom/stories/{draft['id']}/publish")
            self.assertEqual(status, 200, pub)
            self.assertEqual(s.get(kept["url"]).status, 200)
            ws.send({"type": "send", "channel": "chat:en.world", "text": "after", "nonce": "y"})
            self.assertEqual(ws.recv_until(lambda m: m.get("nonce") == "y")[0]["type"], "ack")
            ws.close()
            self.assertEqual(s.get("/healthz").status, 200)


class FullDatabase(unittest.TestCase):
    @unittest.skipIf(BACKEND == "postgres", "PostgreSQL has no per-database size limit "
                     "(database-max-mb is SQLite's); a full server disk answers 53100 -> 503")
    def test_a_full_database_refuses_writes_and_keeps_serving_reads(self):
        with Server() as probe:
            size = os.path.getsize(os.path.join(probe.data, "herald.db"))
        limit_mb = size // (1 << 20) + 2
        with Server("--database-max-mb", str(limit_mb)) as s:
            editor = person(s, "editor")
            status, first = new_story(editor, "Before the disk filled")
            self.assertEqual(status, 201, first)
            big = "Filler text for a long story. " * 500  # 15 KB a paragraph, 6 a story
            refused = None
            for i in range(200):
                status, body = new_story(editor, f"Long story {i}", big, paragraphs=6)
                if status != 201:
                    refused = (status, body)
                    break
            self.assertIsNotNone(refused, "the database never filled")
            self.assertEqual(refused[0], 503, refused)
            self.assertEqual(refused[1]["error"]["code"], "storage_full")
            self.assertIn("disk is full", refused[1]["error"]["message"])
            # Reading goes on, and what was stored is intact.
            self.assertEqual(s.get("/en/").status, 200)
            self.assertEqual(api(editor, "GET", f"/api/v1/newsroom/stories/{first['id']}")[0], 200)
            db = sqlite3.connect(os.path.join(s.data, "herald.db"))
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            db.close()


class KillDuringWrites(unittest.TestCase):
    def test_kill_9_loses_no_acknowledged_write_nor_queued_mail(self):
        dead_smtp = free_port()  # nothing listens: mail stays queued, retrying
        s = Server("--smtp-host", "127.0.0.1", "--smtp-port", str(dead_smtp), "--smtp-starttls", "off")
        data = s.data
        try:
            editor = person(s, "editor")
            reader = person(s, "reader")
            acked, lock = [], threading.Lock()
            stop = threading.Event()

            def writer(n):
                i = 0
                while not stop.is_set() and i < 200:
                    try:
                        status, story = new_story(editor, f"Burst {n}-{i}")
                    except OSError:
                        return  # the server is gone
                    if status == 201:
                        with lock:
                            acked.append(story["id"])
                    i += 1

            threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
            for t in threads:
                t.start()
            # A mail the site has promised: the reset request is answered once it is queued.
            c = Client(s)
            r = c.post("/account/reset", {"email": reader.email}, csrf_from="/account/reset")
            self.assertIn(r.status, (200, 303), s.output()[-3000:])
            deadline = time.time() + 60
            while len(acked) < 30 and time.time() < deadline:
                time.sleep(0.05)
            os.kill(s.proc.pid, signal.SIGKILL)
            s.proc.wait(10)
            stop.set()
            for t in threads:
                t.join(60)
            self.assertGreaterEqual(len(acked), 30)
        finally:
            if s.proc.poll() is None:
                s.proc.kill()
        stored = stored_ids(data, "articles")
        self.assertEqual([i for i in acked if i not in stored], [])
        # Restarted with a working mail server, the queued mail goes out.
        mail = MailSink()
        try:
            with Server(*mail.args(), data=data) as again:
                mail.wait_for(reader.email, timeout=30)
                editor.server = again
                self.assertEqual(api(editor, "GET", f"/api/v1/newsroom/stories/{acked[-1]}")[0], 200)
        finally:
            mail.stop()
            shutil.rmtree(s.tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
