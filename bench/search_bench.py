#!/usr/bin/env python
"""Search benchmark: build the index over N tickets, then time searches against a LIKE baseline.

    .venv/bin/python bench/search_bench.py --tickets 100000 --data-dir /tmp/gdsearch/s100k
    .venv/bin/python bench/search_bench.py --tickets 100000 --data-dir /tmp/gdsearch/p100k \\
        --database-url postgres://postgres@127.0.0.1:5432/gd_search_bench --recreate-db

1. Data: ``seed_bench --tickets N --comments`` (the demo's bilingual ticket templates, 2–4
   replies and notes per ticket; 100k–1M tickets). A data dir / database that already holds N
   tickets is reused.
2. Index build: ``search_rebuild`` from an empty index (documents per second), then a second
   run that finds nothing to write (the cost of a check-and-skip pass).
3. Searches: a fixed list of Chinese, English, mixed, phrase and as-you-type queries, run by an
   admin (sees everything), an agent (team visibility) and an organization admin (customer
   visibility), 20 results a page: p50 / p95 / max in milliseconds. The same queries run as the
   naive alternative — ``icontains`` on title and description for every word, through the same
   visibility (``ticket_list``), newest first, 20 rows — for comparison.
4. Suggestions: the knowledge base holds the demo's bilingual articles plus ``--articles``
   generated ones (published, public), indexed with everything else. Timed: the articles
   suggested to a customer typing a new ticket's title and description
   (``knowledge.selectors.article_suggest``, 5 results) and, on an agent's ticket page, the most
   similar resolved tickets (``similar_tickets``, 5 results).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

QUERIES = [
    "打印机",
    "打印机 卡纸",
    "无法打印",
    "VPN 断开",
    "错误 809",
    "vpn 691",
    "会议室 Wi-Fi",
    "网口",
    "Outlook 邮件",
    "emails bounce",
    "加密狗",
    "SAP 过账",
    "MIGO",
    "蓝屏",
    "windows update",
    "域账号 密码",
    "password reset",
    "共享盘 权限",
    "visio",
    "财务部 报销",
    '"打印机卡纸"',
    "printer offline",
    "prin",
    "笔记本",
    "复印机",
    "ups 电池",
    "空调",
    "发票",
    "不存在的词语",
    "zzzz",
]


def setup_env(args: argparse.Namespace) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongdan.config.settings"
    os.environ["GONGDAN_DATA_DIR"] = str(args.data_dir)
    os.environ["GONGDAN_LOG_LEVEL"] = "WARNING"
    for key in ("PYTEST_VERSION", "GONGDAN_TESTING", "DATABASE_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("SECRET_KEY", "search-bench")
    os.environ["GONGDAN_TASKS_IMMEDIATE"] = "0"  # the seed's events are not dispatched here


def recreate_db(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def seed(n: int) -> None:
    from django.core.management import call_command

    from gongdan.tickets.models import Ticket

    call_command("migrate", verbosity=0)
    have = Ticket.objects.count()
    if have >= n:
        print(f"  reusing {have} tickets")
        return
    started = time.monotonic()
    call_command("seed_bench", tickets=n - have, comments=True)
    print(f"  seeded in {time.monotonic() - started:.0f} s")


def build_index() -> dict[str, float]:
    from django.db import connection

    from gongdan.search.models import SearchDocument
    from gongdan.search.services import search_rebuild

    SearchDocument.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchdocument")
    started = time.monotonic()
    reports = search_rebuild()
    elapsed = time.monotonic() - started
    docs = sum(r.written for r in reports)
    started = time.monotonic()
    search_rebuild()
    again = time.monotonic() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
    else:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    return {"documents": docs, "seconds": elapsed, "rate": docs / elapsed, "again": again}


def like_baseline(user: Any, q: str) -> list[Any]:
    from django.db.models import Q

    from gongdan.tickets.selectors import TicketFilters, ticket_list

    qs = ticket_list(user=user, filters=TicketFilters(sort="-updated"))
    for word in q.replace('"', " ").split():
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return list(qs.values_list("pk", flat=True)[:20])


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"p50 {statistics.median(ms):7.1f}  p95 {p95:7.1f}  max {ms[-1]:7.1f} ms"


def seed_articles(n: int) -> None:
    """The demo articles and ``n`` more made from the demo's ticket texts (published, public)."""
    from gongdan.accounts.models import User
    from gongdan.demo import content
    from gongdan.demo.knowledge import seed_articles as demo_articles
    from gongdan.knowledge import services
    from gongdan.knowledge.choices import ArticleLanguage, ArticleStatus, Visibility
    from gongdan.knowledge.models import Article

    if Article.objects.filter(title__endswith="篇）").exists():
        print(f"  reusing {Article.objects.count()} articles")
        return
    admin = User.objects.filter(role="admin", is_active=True).order_by("id").first()
    assert admin is not None
    started = time.monotonic()
    if not Article.objects.exists():  # seed_demo (under seed_bench) already adds them
        demo_articles(actor=admin)
    for i in range(n):
        template = content.TEMPLATES[i % len(content.TEMPLATES)]
        fill = {"floor": i % 30, "model": f"M{i}", "room": f"R{i}", "city": "上海"}
        title = template.title.format_map(_Default(fill))
        body = template.description.format_map(_Default(fill))
        data = services.ArticleData(
            title=f"{title}（第 {i} 篇）",
            body=f"{body}\n\n处理办法：重启设备，检查网络与账号，然后再试。",
            visibility=Visibility.PUBLIC,
        )
        language = ArticleLanguage.EN if template.english else ArticleLanguage.ZH_HANS
        article = services.article_create(actor=admin, data=data, language=language)
        services.article_transition(actor=admin, article=article, to=ArticleStatus.PUBLISHED)
    print(f"  {Article.objects.count()} articles in {time.monotonic() - started:.0f} s")


class _Default(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


TYPED = [
    "打印机",
    "打印机卡纸 无法打印",
    "VPN 连不上",
    "vpn 断开 错误 809",
    "密码忘了",
    "域账号 密码 过期",
    "网络",
    "会议室 Wi-Fi 连不上",
    "Outlook 收不到邮件",
    "outlook",
    "emails bounce back",
    "蓝屏",
    "电脑蓝屏 重启",
    "共享盘 权限",
    "SAP 过账 报错",
    "printer offline",
    "password reset",
    "笔记本 无法开机",
    "邮箱 满了",
    "财务部 报销 系统 打不开",
]


def run_suggestions(repeat: int) -> None:
    from gongdan.accounts.models import User
    from gongdan.customers.models import Contact
    from gongdan.knowledge.selectors import article_suggest, similar_tickets
    from gongdan.tickets.models import Ticket

    contact = Contact.objects.filter(user__isnull=False).order_by("id").first()
    agent = User.objects.filter(role="agent", is_active=True, teams__isnull=False).first()
    if contact is not None and contact.user is not None:
        customer = contact.user
        found = 0
        ms: list[float] = []
        for text in TYPED:
            ms += timed(lambda t=text: article_suggest(user=customer, text=t), repeat)
            found += len(article_suggest(user=customer, text=text))
        print(f"  article suggestions (customer): {summary(ms)}   ({found} over {len(TYPED)})")
    if agent is not None:
        tickets = list(
            Ticket.objects.filter(team__in=agent.teams.all()).order_by("-id")[: len(TYPED)]
        )
        ms = []
        for ticket in tickets:
            ms += timed(lambda t=ticket: similar_tickets(user=agent, ticket=t), repeat)
        print(f"  similar resolved tickets (agent): {summary(ms)}   ({len(tickets)} tickets)")


def run_queries(repeat: int, *, like_baseline_too: bool = True) -> None:
    from gongdan.accounts.models import User
    from gongdan.customers.models import Contact
    from gongdan.search.selectors import search

    admin = User.objects.filter(role="admin", is_active=True).order_by("id").first()
    agent = User.objects.filter(role="agent", is_active=True, teams__isnull=False).first()
    org_admin_contact = (
        Contact.objects.filter(is_org_admin=True, user__isnull=False)
        .exclude(organization=None)
        .order_by("id")
        .first()
    )
    people = [("admin", admin), ("agent", agent)]
    if org_admin_contact is not None:
        people.append(("org admin", org_admin_contact.user))
    for label, user in people:
        if user is None:
            continue
        fts: list[float] = []
        like: list[float] = []
        hits = 0
        for q in QUERIES:
            fts += timed(lambda q=q, user=user: search(user=user, q=q, limit=20), repeat)
            if like_baseline_too:
                like += timed(lambda q=q, user=user: like_baseline(user, q), max(1, repeat // 2))
            hits += len(search(user=user, q=q, limit=20).hits)
        print(f"  {label:9} full-text: {summary(fts)}   ({hits} hits over {len(QUERIES)} queries)")
        if like:
            print(f"  {label:9} LIKE     : {summary(like)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--recreate-db", action="store_true")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query and user")
    parser.add_argument("--skip-build", action="store_true", help="search the existing index")
    parser.add_argument("--articles", type=int, default=500, help="generated knowledge articles")
    parser.add_argument("--skip-like", action="store_true", help="no LIKE baseline this time")
    args = parser.parse_args()
    args.data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="gd-search-bench-"))
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if args.database_url and args.recreate_db:
        recreate_db(args.database_url)
    setup_env(args)

    import django

    django.setup()
    from django.db import connection

    from gongdan.search.models import SearchDocument

    print(f"database: {connection.vendor}, data dir {args.data_dir}")
    seed(args.tickets)
    seed_articles(args.articles)
    if not args.skip_build or not SearchDocument.objects.exists():
        built = build_index()
        print(
            f"index build: {built['documents']:.0f} documents in {built['seconds']:.1f} s "
            f"({built['rate']:.0f} documents/s); a second pass with nothing to write "
            f"{built['again']:.1f} s"
        )
    print(f"searches ({len(QUERIES)} queries × {args.repeat} runs, 20 results):")
    run_queries(args.repeat, like_baseline_too=not args.skip_like)
    print(f"suggestions ({len(TYPED)} texts × {args.repeat} runs, 5 results):")
    run_suggestions(args.repeat)


if __name__ == "__main__":
    main()
