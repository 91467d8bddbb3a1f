"""Starts the real herald binary on a loopback port with its own copy of the demo data."""
import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

BIN = os.environ.get("HERALD_BIN", os.path.join(os.path.dirname(__file__), "../../build/herald"))
FIXTURE = os.environ.get("HERALD_FIXTURE", "")
SOURCE = os.environ.get("HERALD_SOURCE", os.path.join(os.path.dirname(__file__), "../.."))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> value (last wins)
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8")

    def header(self, name):
        return self.headers.get(name.lower())


class Server:
    """One herald process. Use as a context manager or call stop()."""

    def __init__(self, *args, data=None, env=None, copy_fixture=True):
        self.tmp = tempfile.mkdtemp(prefix="herald-it-")
        self.data = data or os.path.join(self.tmp, "data")
        if copy_fixture and data is None and FIXTURE:
            shutil.copytree(FIXTURE, self.data)
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:0", "--data", self.data, *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=full_env)
        self.lines = []
        self.port = None
        ready = threading.Event()

        def pump():
            for line in self.proc.stdout:
                self.lines.append(line)
                m = re.search(r"listening on http://[^ ]+:(\d+)", line)
                if m and not ready.is_set():
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        self.reader = threading.Thread(target=pump, daemon=True)
        self.reader.start()
        if not ready.wait(120) or self.port is None:
            self.stop()
            raise RuntimeError("herald did not start:\n" + "".join(self.lines))
        self.base = f"http://127.0.0.1:{self.port}"

    def output(self):
        return "".join(self.lines)

    def request(self, method, path, headers=None, body=None, decode_gzip=False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            if decode_gzip and hdrs.get("content-encoding") == "gzip":
                data = gzip.decompress(data)
            return Response(r.status, hdrs, data)
        finally:
            conn.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers)

    def raw(self, data, read_timeout=15, shutdown=False):
        """Sends raw bytes on a fresh connection and returns everything read until close."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout)
        try:
            s.sendall(data)
            if shutdown:
                s.shutdown(socket.SHUT_WR)
            chunks = []
            while True:
                try:
                    c = s.recv(65536)
                except socket.timeout:
                    break
                if not c:
                    break
                chunks.append(c)
            return b"".join(chunks)
        finally:
            s.close()

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(5)
        shutil.rmtree(self.tmp, ignore_errors=True)
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def herald(*args, env=None, timeout=300):
    """Runs a herald CLI command; returns CompletedProcess."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=full_env, timeout=timeout)


def links(html, pattern):
    return re.findall(pattern, html)


class ServerTest(unittest.TestCase):
    """One server for the whole test class."""
    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(*cls.server_args)

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, f"herald exited with {code}:\n{cls.server.output()[-3000:]}"

    def get(self, path, **kw):
        return self.server.get(path, **kw)

    def first_article_path(self, edition="en", with_photo=False):
        html = self.get(f"/{edition}/newsfeed/").text
        paths = re.findall(rf'href="(/{edition}/[a-z0-9-]+/\d+-[a-z0-9-]+)"', html)
        self.assertTrue(paths, "no stories on the newsfeed")
        if not with_photo:
            return paths[0]
        for p in paths:
            if 'class="lead-photo"' in self.get(p).text:
                return p
        self.fail("no story with a lead photo")
