"""Shared by the Python benchmark drivers: running the herald CLI against a benchmark data
folder, and waiting for a server to answer."""
import http.client
import subprocess
import sys
import time


def cli(binary, data, base, *args):
    """Runs `herald ARGS --data DATA --base-url BASE`; exits with its error when it fails."""
    r = subprocess.run([binary, *args, "--data", data, "--base-url", base], capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"herald {' '.join(args)}: {r.stderr}")
    return r.stdout


def wait_for_server(port, seconds=30):
    """Waits until /healthz answers on 127.0.0.1:port."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/healthz")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"bench: the server on port {port} did not answer within {seconds} s")
