#!/usr/bin/env python
"""Inbound mail benchmark: parse and thread a 10,000-message mbox through the real intake.

    .venv/bin/python bench/mail_bench.py --messages 10000                       # SQLite
    .venv/bin/python bench/mail_bench.py --messages 10000 \\
        --database-url postgres://postgres@127.0.0.1:5432/gd_mail_bench --recreate-db

The mbox is generated first (written to the data dir, then read back with ``mailbox.mbox``):
about 55 % new requests from 500 senders in UTF-8, GBK and Big5 (some with a PDF or an image),
35 % replies that thread by In-Reply-To to an earlier message of the same sender, 10 %
automatic mail (auto-replies, bounces). Every message goes through ``intake.receive`` exactly as
the IMAP poller and the MTA endpoint call it: store once, parse, find the contact, make the
ticket or the comment with files, in one transaction each. The run checks its own result (every
new request a ticket, every reply a comment on the right ticket, no automatic mail turned into
anything) and prints messages per second per kind. A second pass over the same mbox must create
nothing (duplicates by Message-ID).
"""

from __future__ import annotations

import argparse
import mailbox
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def setup_env(args: argparse.Namespace) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongdan.config.settings"
    os.environ["GONGDAN_DATA_DIR"] = str(args.data_dir)
    os.environ["GONGDAN_LOG_LEVEL"] = "WARNING"
    for key in ("PYTEST_VERSION", "GONGDAN_TESTING", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST"):
        os.environ.pop(key, None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("SECRET_KEY", "mail-bench")
    os.environ["GONGDAN_TASKS_IMMEDIATE"] = "0"  # subscribers are not part of intake
    os.environ["GONGDAN_MAIL_SENDER_LIMIT_PER_HOUR"] = "1000000"


def recreate_db(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


SUBJECTS = [
    ("打印机无法打印", "三楼的打印机显示脱机，重启无效。"),
    ("VPN 连不上", "今天早上开始 VPN 提示错误 809。"),
    ("邮箱密码重置", "请帮我重置邮箱密码。"),
    ("ERP 报表超时", "月度报表打不开，提示超时。"),
    ("Laptop will not boot", "Black screen after the logo since this morning."),
    ("印表機卡紙", "二樓的印表機一直卡紙，請派人處理。"),
    ("空调漏水", "5 楼会议室空调漏水。"),
    ("SAP 登录 error 403", "登录 SAP 时报 error 403 Forbidden。"),
]


def generate(path: Path, count: int, seed: int = 7) -> Counter[str]:
    """Write ``count`` messages to an mbox at ``path``; returns how many of each kind."""
    sys.path.insert(0, str(REPO))
    from tests.channels_email.corpus import PDF, PNG, file_part, mail, multipart, text_part

    rng = random.Random(seed)
    box = mailbox.mbox(str(path), create=True)
    box.lock()
    kinds: Counter[str] = Counter()
    sent: dict[int, list[str]] = {}  # sender number -> Message-IDs of their new requests
    for n in range(1, count + 1):
        who = rng.randrange(500)
        name = f"客人{who}"  # written the same in GBK and Big5
        address = f"user{who}@customer{who % 40}.example.cn"
        sender = f"{name} <{address}>"
        roll = rng.random()
        message_id = f"<bench-{n}@mail.example.cn>"
        if roll < 0.10:
            kinds["automatic"] += 1
            raw = mail(
                sender=sender,
                subject="自动回复: 休假中" if n % 2 else "Out of Office",
                body="我正在休假。",
                headers="Auto-Submitted: auto-replied\n" if n % 3 else "",
                message_id=message_id,
                n=n,
            )
        elif roll < 0.45 and sent.get(who):
            kinds["reply"] += 1
            parent = rng.choice(sent[who])
            raw = mail(
                sender=sender,
                subject="Re: 工单进展",
                body=f"补充信息 {n}：问题依旧。\n\n在 2026年11月23日，support 写道：\n> 请重启",
                headers=f"In-Reply-To: {parent}\nReferences: {parent}\n",
                message_id=message_id,
                n=n,
            )
        else:
            kinds["new"] += 1
            subject, body = SUBJECTS[n % len(SUBJECTS)]
            charset = ("utf-8", "gbk", "big5")[n % 3] if subject != SUBJECTS[4][0] else "utf-8"
            if charset == "big5" and not subject.startswith("印表機"):
                charset = "utf-8"
            if n % 10 == 0:
                raw = multipart(
                    sender=sender,
                    subject=f"{subject} #{n}",
                    charset=charset,
                    message_id=message_id,
                    n=n,
                    parts=[
                        text_part(body, charset),
                        file_part("scan.pdf", PDF, "application/pdf")
                        if n % 20 == 0
                        else file_part("photo.png", PNG, "image/png"),
                    ],
                )
            else:
                raw = mail(
                    sender=sender,
                    subject=f"{subject} #{n}",
                    body=body,
                    charset=charset,
                    message_id=message_id,
                    n=n,
                )
            sent.setdefault(who, []).append(message_id)
        box.add(mailbox.mboxMessage(raw))
    box.flush()
    box.unlock()
    box.close()
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--recreate-db", action="store_true")
    args = parser.parse_args()
    args.data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="gd-mail-bench-"))
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if args.recreate_db and args.database_url:
        recreate_db(args.database_url)
    setup_env(args)
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gongdan.channels.email.intake import receive
    from gongdan.channels.email.models import InboundMessage, Mailbox
    from gongdan.testing import make_world
    from gongdan.tickets.models import Comment, Ticket

    call_command("migrate", verbosity=0)
    if InboundMessage.objects.exists():
        sys.exit("the database already holds mail: use a fresh data dir (or --recreate-db)")
    world = make_world()
    box = Mailbox.objects.create(
        name="bench", address="support@gongdan.test", team=world.it_team, ticket_type=world.incident
    )
    path = args.data_dir / "bench.mbox"
    path.unlink(missing_ok=True)
    started = time.monotonic()
    kinds = generate(path, args.messages)
    print(
        f"{connection.vendor}: generated {args.messages:,} messages in "
        f"{time.monotonic() - started:.1f} s: {dict(kinds)}"
    )

    raws = [bytes(m.as_bytes()) for m in mailbox.mbox(str(path))]
    seconds: Counter[str] = Counter()
    outcome: Counter[str] = Counter()
    started = time.monotonic()
    for raw in raws:
        t0 = time.perf_counter()
        message, _fresh = receive(raw, mailbox=box)
        seconds[message.status] += time.perf_counter() - t0
        outcome[message.status] += 1
    total = time.monotonic() - started
    print(f"  first pass: {len(raws):,} messages in {total:.1f} s = {len(raws) / total:,.0f} msg/s")
    for status, n in sorted(outcome.items()):
        print(f"    {status:8s} {n:6,d}  {n / seconds[status]:7,.0f} msg/s")
    tickets, comments = Ticket.objects.count(), Comment.objects.count()
    assert outcome["ticket"] == kinds["new"] == tickets, (outcome, kinds, tickets)
    assert outcome["reply"] == kinds["reply"] == comments, (outcome, kinds, comments)
    assert outcome["ignored"] == kinds["automatic"], (outcome, kinds)

    started = time.monotonic()
    again = Counter(receive(raw, mailbox=box)[1] for raw in raws)
    total = time.monotonic() - started
    assert again[True] == 0 and Ticket.objects.count() == tickets
    print(f"  second pass (all duplicates): {len(raws) / total:,.0f} msg/s, nothing created")


if __name__ == "__main__":
    main()
