"""Test-wide setup: an isolated data dir (one per xdist worker), then the fixtures from
gongdan.testing."""

import os
import tempfile

os.environ.setdefault("GONGDAN_TESTING", "1")
os.environ.setdefault("GONGDAN_DATA_DIR", tempfile.mkdtemp(prefix="gongdan-test-"))
if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel workers share nothing on disk (uploads, generated files).
    os.environ["GONGDAN_DATA_DIR"] = os.path.join(os.environ["GONGDAN_DATA_DIR"], worker)
    os.makedirs(os.environ["GONGDAN_DATA_DIR"], exist_ok=True)

pytest_plugins = ["gongdan.testing"]
