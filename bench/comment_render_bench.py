#!/usr/bin/env python
"""How long the ticket page spends turning 50 comment bodies into HTML (``tickets.rendering``):
staff Markdown (first view and again, from the per-process cache) and customers' plain text with
quoted mail history, folded.

    PYTHONPATH=src .venv/bin/python bench/comment_render_bench.py
"""

from __future__ import annotations

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdan.config.settings")
django.setup()

from gongdan.core.markdown import _cached  # noqa: E402
from gongdan.tickets.rendering import body_html  # noqa: E402

STAFF = "您好，请按以下步骤处理：\n\n1. **重启**打印服务\n2. 再试一次 `spooler`\n\n谢谢！第 {i} 次"
MAIL = (
    "好的，已经重启了 {i}\n\n"
    "在 2026年12月7日 10:02，王伟 <w@example.com> 写道：\n> 请重启。\n> 谢谢\n"
)
ROUNDS = 30


def run(texts: list[str], markdown: bool, *, cold: bool) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        if cold:
            _cached.cache_clear()
        start = time.perf_counter()
        for text in texts:
            body_html(text, markdown=markdown)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    staff = [STAFF.format(i=i) for i in range(50)]
    mail = [MAIL.format(i=i) for i in range(50)]
    for name, texts, markdown, cold in [
        ("50 staff Markdown comments, first view", staff, True, True),
        ("50 staff Markdown comments, cached", staff, True, False),
        ("50 customer mails with quoted history", mail, False, False),
    ]:
        times = sorted(run(texts, markdown, cold=cold))
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{name}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
