"""HSTS behind TLS (issue 12, defect 8): settings read in a real process from its environment."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.config.conftest import child_env

_PROBE = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.test import Client
    client = Client()
    secure = client.get("/no-such-page/", secure=True)
    proxied = client.get("/no-such-page/", headers={"X-Forwarded-Proto": "https"})
    plain = client.get("/no-such-page/")
    hsts = [r.headers.get("Strict-Transport-Security") for r in (secure, proxied, plain)]
    print(json.dumps(hsts))
    """
)


def _hsts_headers(tmp_path: Path, **env: str) -> list[str | None]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=child_env(
            tmp_path,
            DJANGO_SETTINGS_MODULE="gongdan.config.settings",
            ALLOWED_HOSTS="testserver",
            **env,
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    headers: list[str | None] = json.loads(result.stdout.strip().splitlines()[-1])
    return headers


def test_secure_cookies_send_hsts_on_secure_requests_only(tmp_path: Path) -> None:
    headers = _hsts_headers(tmp_path, GONGDAN_SECURE_COOKIES="1")

    assert headers == ["max-age=31536000", None, None]


def test_behind_a_tls_proxy_the_forwarded_https_request_gets_hsts(tmp_path: Path) -> None:
    headers = _hsts_headers(tmp_path, GONGDAN_BEHIND_PROXY="1", GONGDAN_SECURE_COOKIES="1")

    assert headers == ["max-age=31536000", "max-age=31536000", None]


def test_subdomains_preload_and_max_age_are_settings(tmp_path: Path) -> None:
    headers = _hsts_headers(
        tmp_path,
        GONGDAN_SECURE_COOKIES="1",
        GONGDAN_HSTS_SECONDS="600",
        GONGDAN_HSTS_INCLUDE_SUBDOMAINS="1",
        GONGDAN_HSTS_PRELOAD="1",
    )

    assert headers[0] == "max-age=600; includeSubDomains; preload"


def test_plain_http_installs_send_no_hsts(tmp_path: Path) -> None:
    headers = _hsts_headers(tmp_path)

    assert headers == [None, None, None]
