"""Test-wide setup: an isolated data dir, then the fixtures from gongdan.testing."""

import os
import tempfile

os.environ.setdefault("GONGDAN_TESTING", "1")
os.environ.setdefault("GONGDAN_DATA_DIR", tempfile.mkdtemp(prefix="gongdan-test-"))

pytest_plugins = ["gongdan.testing"]
