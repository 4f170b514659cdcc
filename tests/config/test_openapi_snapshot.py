"""The published API contract: the live OpenAPI schema equals the committed snapshot.

After an intended change run ``UPDATE_SNAPSHOT=1 pytest tests/config/test_openapi_snapshot.py`` and
review the diff of ``tests/config/openapi.snapshot.json`` like code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.test import Client
from django.utils import translation

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")


def test_openapi_schema_matches_the_snapshot(db: None) -> None:
    with translation.override("en"):
        live = Client(headers={"Accept-Language": "en"}).get("/api/v1/openapi.json").json()

    if os.environ.get("UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(
            json.dumps(live, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
    assert live == json.loads(SNAPSHOT.read_text(encoding="utf-8"))
