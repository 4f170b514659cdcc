#!/usr/bin/env python
"""API benchmark: seed N tickets, start ``gongdan web``, measure create / list / detail.

    .venv/bin/python bench/api_bench.py --tickets 100000                      # SQLite
    .venv/bin/python bench/api_bench.py --tickets 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/gd_bench --recreate-db  # PostgreSQL

Only the standard library on the client side (http.client with keep-alive, one connection per
client thread), so the numbers do not depend on an HTTP client package. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
GONGDAN = [sys.executable, "-m", "gongdan.cli"]


# --- environment and processes ------------------------------------------------------------------


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "GONGDAN_TESTING", "DATABASE_URL", "REDIS_URL"}
    }
    env["GONGDAN_DATA_DIR"] = str(args.data_dir)
    env["GONGDAN_LOG_LEVEL"] = "WARNING"
    env["GONGDAN_API_RATE"] = args.api_rate
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def gongdan(env: dict[str, str], *argv: str) -> str:
    result = subprocess.run(
        [*GONGDAN, *argv], env=env, capture_output=True, text=True, check=False, cwd=REPO
    )
    if result.returncode != 0:
        sys.exit(f"gongdan {' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def recreate_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    base = [
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
    ]
    for tool in ("dropdb", "createdb"):
        if not shutil.which(tool):
            sys.exit(f"--recreate-db needs the {tool} program (Debian: postgresql-client)")
    subprocess.run(["dropdb", *base, "--if-exists", name], check=True)
    subprocess.run(["createdb", *base, name], check=True)


def seed(env: dict[str, str], args: argparse.Namespace) -> float:
    gongdan(env, "manage", "migrate", "-v", "0")
    gongdan(env, "manage", "createcachetable")
    count = int(
        gongdan(
            env,
            "manage",
            "shell",
            "-c",
            "from gongdan.tickets.models import Ticket; print(Ticket.objects.count())",
        ).split()[-1]
    )
    if count >= args.tickets:
        print(f"database already has {count} tickets; not seeding")
        return 0.0
    started = time.monotonic()
    extra = ["--comments"] if args.comments else []
    print(
        gongdan(env, "manage", "seed_bench", "--tickets", str(args.tickets - count), *extra), end=""
    )
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass
class Client:
    port: int
    token: str
    conn: HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, float, bytes]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):  # one retry on a connection the server closed while idle
            if self.conn is None:
                self.conn = HTTPConnection("127.0.0.1", self.port, timeout=60)
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
            except (ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            return response.status, (time.perf_counter() - started) * 1000, payload
        raise AssertionError("unreachable")

    def json(self, path: str) -> Any:
        status, _ms, payload = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} -> {status}: {payload[:300]!r}")
        return json.loads(payload)


def wait_until_up(client: Client, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gongdan web exited with {proc.returncode}")
        try:
            status, _ms, _body = client.request("GET", "/api/v1/tickets?size=1")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("gongdan web did not answer GET /api/v1/tickets in time")


# --- measurement --------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def row(self) -> dict[str, Any]:
        lat = sorted(self.latencies)

        def pct(p: float) -> float:
            return lat[min(len(lat) - 1, round(p / 100 * (len(lat) - 1)))] if lat else 0.0

        return {
            "scenario": self.name,
            "requests": len(lat),
            "errors": self.errors,
            "p50_ms": round(pct(50), 1),
            "p95_ms": round(pct(95), 1),
            "p99_ms": round(pct(99), 1),
            "mean_ms": round(statistics.fmean(lat), 1) if lat else 0.0,
            "per_s": round(len(lat) / self.seconds, 1) if self.seconds else None,
        }


def progress(result: Result) -> Result:
    row = result.row()
    print(
        f"  {row['scenario']}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, "
        f"{row['errors']} errors" + (f", {row['per_s']}/s" if row["per_s"] else ""),
        flush=True,
    )
    return result


def sequential(name: str, client: Client, paths: list[str]) -> Result:
    """One client, one request at a time: latency without queueing."""
    result = Result(name)
    started = time.perf_counter()
    for path in paths:
        status, ms, _body = client.request("GET", path)
        result.latencies.append(ms)
        result.errors += status != 200
    result.seconds = time.perf_counter() - started
    return result


def concurrent(
    name: str,
    clients: list[Client],
    count: int,
    make: Callable[[int], tuple[str, str, dict[str, Any] | None]],
    ok: int = 200,
) -> Result:
    """``count`` requests shared by the client threads, as fast as the server answers."""
    result = Result(name)
    lock = threading.Lock()
    counter = iter(range(count))

    def run(client: Client) -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            method, path, body = make(index)
            status, ms, _payload = client.request(method, path, body)
            with lock:
                result.latencies.append(ms)
                result.errors += status != ok

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def ref_id(value: Any) -> int | None:
    return value.get("id") if isinstance(value, dict) else value


def sample(client: Client, pages: int) -> tuple[list[str], dict[str, Any]]:
    """Ticket numbers from several pages (deep ones too) and ids for the filtered views."""
    numbers: list[str] = []
    ids: dict[str, Any] = {}
    path = "/api/v1/tickets?size=100"
    for _ in range(pages):
        page = client.json(path)
        for item in page["items"]:
            numbers.append(item["number"])
            for key in ("team", "assignee", "organization", "requester", "ticket_type"):
                if ref_id(item.get(key)) is not None:
                    ids.setdefault(key, ref_id(item[key]))
        if not page.get("next_cursor"):
            break
        path = f"/api/v1/tickets?size=100&cursor={urllib.parse.quote(page['next_cursor'])}"
    old = client.json("/api/v1/tickets?size=100&sort=created")["items"]
    numbers += [item["number"] for item in old]
    for item in old:  # recent pages may hold only new, unassigned tickets (earlier runs)
        for key in ("team", "assignee", "organization", "requester", "ticket_type"):
            if ref_id(item.get(key)) is not None:
                ids.setdefault(key, ref_id(item[key]))
    return numbers, ids


def list_views(ids: dict[str, Any], cursor: str) -> dict[str, str]:
    return {
        "list: first page (default sort)": "/api/v1/tickets",
        "list: second page (keyset cursor)": f"/api/v1/tickets?cursor={urllib.parse.quote(cursor)}",
        "list: status=in_progress": "/api/v1/tickets?status=in_progress",
        "list: view=open, sort=-priority": "/api/v1/tickets?view=open&sort=-priority",
        "list: team + status=new": f"/api/v1/tickets?team={ids['team']}&status=new",
        "list: assignee + open": f"/api/v1/tickets?assignee={ids['assignee']}&view=open",
        "list: organization": f"/api/v1/tickets?organization={ids['organization']}",
        "list: priority=urgent, created last 30 days": (
            "/api/v1/tickets?priority=urgent&created_from="
            + time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * 86400))
        ),
    }


def run_benchmark(args: argparse.Namespace, port: int, token: str) -> dict[str, Any]:
    rng = random.Random(1)
    one = Client(port, token)
    numbers, ids = sample(one, pages=1 if args.creates_only else 20)
    print(f"  sampled {len(numbers)} ticket numbers", flush=True)
    results: list[Result] = []
    clients = [Client(port, token) for _ in range(args.clients)]
    if not args.creates_only:
        first = one.json("/api/v1/tickets")
        views = list_views(ids, first["next_cursor"] or "")
        for name, path in views.items():
            sequential(name, one, [path] * 10)  # warm caches and connections
            results.append(progress(sequential(name, one, [path] * args.reads)))
        detail_paths = [f"/api/v1/tickets/{rng.choice(numbers)}" for _ in range(args.reads * 2)]
        results.append(progress(sequential("detail: GET /tickets/{number}", one, detail_paths)))
        mixed = [*views.values(), *detail_paths[:50]]
        results.append(
            concurrent(
                f"mixed reads, {args.clients} clients",
                clients,
                args.reads * 4,
                lambda i: ("GET", mixed[i % len(mixed)], None),
            )
        )

    requester, ticket_type = ids["requester"], ids.get("ticket_type")
    titles = [
        "打印机卡纸，无法打印",
        "VPN 连接频繁断开",
        "Laptop won't boot after update",
        "SAP 过账失败",
        "复印机显示错误代码 C-2557",
    ]

    def create(index: int) -> tuple[str, str, dict[str, Any]]:
        body: dict[str, Any] = {
            "title": f"{titles[index % len(titles)]} #{index}",
            "description": "基准测试 benchmark",
            "priority": "normal",
            "requester": requester,
        }
        if ticket_type:
            body["ticket_type"] = ticket_type
        return "POST", "/api/v1/tickets", body

    concurrent("warm-up creates", clients, args.clients * 2, create, ok=201)
    results.append(
        progress(
            concurrent(
                f"create: POST /tickets, {args.clients} clients",
                clients,
                args.creates,
                create,
                ok=201,
            )
        )
    )
    return {"results": [r.row() for r in results]}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem} GB RAM, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )


def print_table(report: dict[str, Any]) -> None:
    print(
        f"\n{report['shape']} — {report['tickets_in_db']} tickets, "
        f"{report['workers']} web worker(s)\n"
    )
    print("| scenario | requests | errors | p50 ms | p95 ms | p99 ms | req/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in report["results"]:
        per_s = "" if r["per_s"] is None else r["per_s"]
        print(
            f"| {r['scenario']} | {r['requests']} | {r['errors']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {per_s} |"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--comments", action="store_true", help="seed 2-4 comments per ticket")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument(
        "--recreate-db",
        action="store_true",
        help="drop and create the --database-url database first",
    )
    parser.add_argument("--redis-url", default="", help="REDIS_URL for cache and throttling")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="GONGDAN_DATA_DIR (default: a new temporary directory)",
    )
    parser.add_argument("--workers", type=int, default=2, help="web processes (granian)")
    parser.add_argument("--threads", type=int, default=1, help="Python threads per web process")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--creates", type=int, default=3000, help="POSTs to time")
    parser.add_argument(
        "--creates-only",
        action="store_true",
        help="skip the read scenarios (back-to-back create runs on seeded data)",
    )
    parser.add_argument("--reads", type=int, default=200, help="GETs per read scenario")
    parser.add_argument(
        "--api-rate",
        default="10000000/min",
        help="GONGDAN_API_RATE for the run (the default rate would throttle)",
    )
    parser.add_argument("--json", type=Path, help="also write the report here")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.data_dir is None:
        args.data_dir = Path(tempfile.mkdtemp(prefix="gongdan-bench-"))
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if args.database_url and args.recreate_db:
        recreate_database(args.database_url)
    env = bench_env(args)
    seed_seconds = seed(env, args)
    token = gongdan(env, "token", "create", "--user", "admin", "--name", "bench").strip()
    port = free_port()
    web = subprocess.Popen(
        [
            *GONGDAN,
            "web",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--no-access-log",
        ],
        env=env,
        cwd=REPO,
    )
    try:
        wait_until_up(Client(port, token), web)
        report = run_benchmark(args, port, token)
    finally:
        web.terminate()
        web.wait(timeout=30)
    tickets = gongdan(
        env,
        "manage",
        "shell",
        "-c",
        "from gongdan.tickets.models import Ticket; print(Ticket.objects.count())",
    )
    report.update(
        shape="PostgreSQL" if args.database_url else "SQLite (embedded)",
        cache="Redis" if args.redis_url else "database cache",
        tickets_in_db=int(tickets.split()[-1]),
        seeded=args.tickets,
        seed_seconds=round(seed_seconds, 1),
        workers=args.workers,
        clients=args.clients,
        machine=machine(),
        command=" ".join(sys.argv),
    )
    print_table(report)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
