#!/usr/bin/env python
"""What the workspace shell costs a page: template rendering of the shell alone.

    .venv/bin/python bench/shell_bench.py [--renders 2000]

Renders, in process and without a database (an unsaved agent, so the administrators' calendar
banner runs no query): ``layout.html`` (the bare base), ``accounts/base.html`` (the plain bar,
the staff pages' old top navigation minus its links) and ``tickets/base.html`` (the shell:
sidebar, top bar, shortcuts overlay), each with an empty content block, in English and zh-Hans.
Prints p50 / p95 in milliseconds. The shell adds no query (tests/core/test_shell.py checks it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdan.config.settings")
    import django

    django.setup()
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.template.loader import get_template
    from django.test import RequestFactory
    from django.utils import translation

    from gongdan.accounts.models import User

    user = User(username="bench", role="agent", display_name="王伟", is_active=True)
    for language in ("en", "zh-hans"):
        for name in ("layout.html", "accounts/base.html", "tickets/base.html"):
            template = get_template(name)
            times = []
            with translation.override(language):
                for _ in range(args.renders):
                    request = RequestFactory().get("/desk/tickets/")
                    request.user = user
                    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
                    start = time.perf_counter()
                    template.render({"user": user}, request)
                    times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95)]
            print(
                f"{language:8} {name:22} p50 {statistics.median(times):6.2f} ms  p95 {p95:6.2f} ms"
            )


if __name__ == "__main__":
    main()
