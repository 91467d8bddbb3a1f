"""Helpers for newsroom tests: people of every role, JSON API calls, test images."""
import json
import os
import re
import struct
import time
import zlib

from harness import Client, herald, link_in


def person(server, role, name=None):
    """A logged-in Client for a new account with `role` (made with `herald user create`)."""
    email = f"{role}-{time.monotonic_ns()}@example.org"
    r = herald("user", "create", "--email", email, "--role", role, "--name", name or role.title(),
               "--data", server.data, "--base-url", server.base)
    assert r.returncode == 0, r.stderr
    c = Client(server)
    c.follow_link(link_in(r.stdout))
    c.email = email
    me = json.loads(c.get("/api/v1/me").body)
    c.user = me["user"]
    c.csrf_token = me.get("csrf", "")
    return c


def api(client, method, path, data=None, headers=None, raw=None):
    """Calls the JSON API as this person (session cookie + X-CSRF-Token). Returns (status, json)."""
    h = {"X-CSRF-Token": getattr(client, "csrf_token", "")}
    h.update(headers or {})
    body = raw
    if data is not None:
        body = json.dumps(data).encode()
        h["Content-Type"] = "application/json"
    r = client.request(method, path, headers=h, body=body)
    try:
        return r.status, json.loads(r.body) if r.body else None
    except ValueError:
        return r.status, r.text


def catalog(client):
    status, cat = api(client, "GET", "/api/v1/newsroom/catalog")
    assert status == 200, cat
    return cat


def section_id(client, edition="en", slug=None):
    cat = catalog(client)
    ed = next(e for e in cat["editions"] if e["code"] == edition)
    secs = [s for s in cat["sections"] if s["edition_id"] == ed["id"]]
    if slug:
        return next(s["id"] for s in secs if s["slug"] == slug)
    return secs[0]["id"]


def png(width, height, rgb=(200, 40, 40)):
    """A real PNG of one colour, made by hand (no imaging library needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg_claiming(fixture_media, width, height):
    """A small real JPEG whose header (SOF) is patched to claim width x height."""
    name = sorted(f for f in os.listdir(fixture_media) if f.endswith("-320.jpg"))[0]
    data = bytearray(open(os.path.join(fixture_media, name), "rb").read())
    i = 2
    while i < len(data):
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            struct.pack_into(">HH", data, i + 5, height, width)
            return bytes(data)
        i += 2 + length
    raise AssertionError("no SOF marker")


def multipart(fields, file_field=None, filename="photo.png", content=b"", ctype="image/png"):
    boundary = "----herald" + str(time.monotonic_ns())
    out = b""
    for k, v in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").encode()
    if file_field:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; "
                f"filename=\"{filename}\"\r\nContent-Type: {ctype}\r\n\r\n").encode() + content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def upload(client, content, filename="photo.png", alt="A red square", caption="Caption", credit="© Herald Photo / Test",
           path="/api/v1/newsroom/media"):
    body, ctype = multipart({"caption": caption, "credit": credit, "alt": alt}, "file", filename, content)
    return api(client, "POST", path, headers={"Content-Type": ctype}, raw=body)


def wait_until(fn, timeout=10, step=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(step)
    return fn()
