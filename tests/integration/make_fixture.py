"""Creates the demo data folder that integration and browser tests copy (once per ctest run)."""
import os
import shutil
import subprocess
import sys

fixture = os.environ["HERALD_FIXTURE"]
env = dict(os.environ)
if os.environ.get("HERALD_TEST_BACKEND") == "postgres":
    # The template database every PostgreSQL test server copies, and its photos.
    admin = os.environ.get("HERALD_TEST_POSTGRES", "")
    if not admin:
        print("skipped: HERALD_TEST_POSTGRES names no PostgreSQL server")
        sys.exit(77)
    fixture += "-postgres"
    for sql in ("DROP DATABASE IF EXISTS herald_fixture WITH (FORCE)", "CREATE DATABASE herald_fixture"):
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", admin, "-c", sql], check=True)
    env["HERALD_DATABASE"] = admin.rsplit("/", 1)[0] + "/herald_fixture"
shutil.rmtree(fixture, ignore_errors=True)
# Few photographs keep this quick (under sanitizers too); the stories are the usual demo set.
r = subprocess.run([os.environ["HERALD_BIN"], "demo", "--data", fixture, "--images", "4"],
                   capture_output=True, text=True, timeout=900, env=env)
sys.stderr.write(r.stderr[-2000:])
if r.returncode != 0:
    sys.exit(f"herald demo failed with exit code {r.returncode}")
print("1 passed, 0 failed")
