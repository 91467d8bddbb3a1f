"""Creates the demo data folder that integration and browser tests copy (once per ctest run)."""
import os
import shutil
import subprocess
import sys

fixture = os.environ["HERALD_FIXTURE"]
shutil.rmtree(fixture, ignore_errors=True)
# Few photographs keep this quick (under sanitizers too); the stories are the usual demo set.
r = subprocess.run([os.environ["HERALD_BIN"], "demo", "--data", fixture, "--images", "4"],
                   capture_output=True, text=True, timeout=900)
sys.stderr.write(r.stderr[-2000:])
if r.returncode != 0:
    sys.exit(f"herald demo failed with exit code {r.returncode}")
print("1 passed, 0 failed")
