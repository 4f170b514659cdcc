#!/usr/bin/env python
"""Live-update fan-out: N open event streams against a real ``gongdan web``; how long a hint
takes from ``publish`` to every stream, and what the open streams cost normal requests.

    .venv/bin/python bench/sse_bench.py --streams 200                        # SQLite (polling)
    .venv/bin/python bench/sse_bench.py --streams 200 --redis-url redis://127.0.0.1:6379/4
    .venv/bin/python bench/sse_bench.py --streams 200 \\
        --database-url postgres://postgres@127.0.0.1:5432/gd_live --recreate-db  # LISTEN/NOTIFY

The streams are raw asyncio sockets (HTTP/1.1, chunked), all signed in as one staff user (one
stream per browser tab). Hints are published from this process through ``gongdan.core.live``
into the server's database (and Redis / NOTIFY), as a service in another process would. The
latency of one delivery is the time from just before ``publish`` to the moment a stream has
read the event. Normal requests: ``--clients`` threads GET the ticket list page with keep-alive
for ``--seconds``, before the streams open and while they are open.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
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
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
GONGDAN = [sys.executable, "-m", "gongdan.cli"]
PASSWORD = "Bench-sse-2026-pw"


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "GONGDAN_TESTING", "DATABASE_URL", "REDIS_URL"}
    }
    env["GONGDAN_DATA_DIR"] = str(args.data_dir)
    env["GONGDAN_LOG_LEVEL"] = "WARNING"
    env["GONGDAN_ADMIN_PASSWORD"] = PASSWORD
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    env["GONGDAN_WEB_INTERFACE"] = args.interface
    return env


def run(env: dict[str, str], *argv: str) -> None:
    subprocess.run([*GONGDAN, *argv], env=env, check=True, capture_output=True)


def recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- a signed-in session ------------------------------------------------------------------------


def sign_in(port: int) -> str:
    """The session cookie header of the bench admin (form login, with CSRF)."""
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    body = response.read().decode()
    cookies = {
        c.split("=", 1)[0]: c.split("=", 1)[1].split(";")[0]
        for c in response.headers.get_all("Set-Cookie") or []
    }
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token is not None
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": "bench", "password": PASSWORD}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    for cookie in response.headers.get_all("Set-Cookie") or []:
        name, value = cookie.split(";")[0].split("=", 1)
        cookies[name] = value
    assert "sessionid" in cookies, "sign-in failed"
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"


def wait_until_up(port: int, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gongdan web exited with {proc.returncode}")
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gongdan web did not come up")


# --- normal requests ----------------------------------------------------------------------------


def throughput(
    port: int, cookie: str, *, clients: int, seconds: float, path: str
) -> dict[str, float]:
    """Keep-alive GETs of ``path`` from ``clients`` threads for ``seconds``: requests/s, p95."""
    if clients <= 0:
        time.sleep(seconds)
        return {"requests": 0, "rps": 0.0, "p50_ms": 0.0, "p95_ms": 0.0, "errors": 0}
    times: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def work() -> None:
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                errors[0] += 1
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    times.sort()
    return {
        "requests": len(times),
        "rps": round(len(times) / elapsed, 1),
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
        "errors": errors[0],
    }


# --- streams ------------------------------------------------------------------------------------


class Stream:
    def __init__(self) -> None:
        self.received: dict[int, float] = {}
        self.connected = asyncio.Event()
        self.failed = ""

    async def run(self, port: int, cookie: str, stop: asyncio.Event) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError as exc:
            self.failed = repr(exc)
            self.connected.set()
            return
        writer.write(
            (
                "GET /desk/live/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            self.failed = status.decode().strip()
            self.connected.set()
            return
        while (await reader.readline()) not in (b"\r\n", b""):
            pass  # headers
        buffer = b""
        reading = asyncio.ensure_future(self._read(reader, buffer))
        await stop.wait()
        reading.cancel()
        writer.close()

    async def _read(self, reader: asyncio.StreamReader, buffer: bytes) -> None:
        while True:
            size_line = await reader.readline()
            if not size_line:
                return
            size = int(size_line.strip() or b"0", 16)
            chunk = await reader.readexactly(size + 2)
            now = time.monotonic()
            self.connected.set()
            buffer += chunk[:-2]
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                for line in block.split(b"\n"):
                    if line.startswith(b"data: "):
                        data = json.loads(line[6:])
                        if data.get("t") == "BENCH":
                            self.received[int(data["v"])] = now


async def fan_out(args: argparse.Namespace, port: int, cookie: str) -> dict[str, Any]:
    import django

    django.setup()
    from gongdan.core import live

    stop = asyncio.Event()
    streams = [Stream() for _ in range(args.streams)]
    tasks = [asyncio.ensure_future(s.run(port, cookie, stop)) for s in streams]
    began = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(s.connected.wait() for s in streams)), 120)
    connect_seconds = time.monotonic() - began
    failed = [s.failed for s in streams if s.failed]
    await asyncio.sleep(1.0)  # let every stream reach its hub
    loop = asyncio.get_running_loop()
    sent: dict[int, float] = {}
    # The normal-request load runs while the streams are open (in its own threads).
    load = loop.run_in_executor(
        None,
        lambda: throughput(
            port, cookie, clients=args.clients, seconds=args.seconds, path=args.path
        ),
    )
    published: dict[int, float] = {}
    for seq in range(1, args.events + 1):
        sent[seq] = time.monotonic()
        await loop.run_in_executor(
            None,
            lambda seq=seq: live.publish(
                "ticket", {"t": "BENCH", "v": seq, "team": None, "kind": "bench"}
            ),
        )
        published[seq] = time.monotonic()
        await asyncio.sleep(args.interval)
    await asyncio.sleep(2.0)
    under_load = await load
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = sorted(
        stream.received[seq] - sent[seq]
        for stream in streams
        for seq in sent
        if seq in stream.received
    )
    after_publish = sorted(
        stream.received[seq] - published[seq]
        for stream in streams
        for seq in sent
        if seq in stream.received
    )
    publish_times = sorted(published[seq] - sent[seq] for seq in sent)
    expected = len(sent) * (len(streams) - len(failed))
    pct = lambda p: round(latencies[max(0, int(len(latencies) * p) - 1)] * 1000, 1)  # noqa: E731
    return {
        "streams": len(streams),
        "streams_failed": len(failed),
        "failures": sorted(set(failed))[:3],
        "connect_all_s": round(connect_seconds, 2),
        "events": len(sent),
        "deliveries": len(latencies),
        "missing": expected - len(latencies),
        "p50_ms": pct(0.50) if latencies else None,
        "p95_ms": pct(0.95) if latencies else None,
        "p99_ms": pct(0.99) if latencies else None,
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "publish_p50_ms": round(statistics.median(publish_times) * 1000, 1),
        "publish_max_ms": round(publish_times[-1] * 1000, 1),
        "after_publish_p95_ms": round(
            after_publish[max(0, int(len(after_publish) * 0.95) - 1)] * 1000, 1
        )
        if after_publish
        else None,
        "requests_while_streaming": under_load,
    }


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between events")
    parser.add_argument("--workers", type=int, default=2, help="web processes")
    parser.add_argument("--threads", type=int, default=1, help="request threads per process")
    parser.add_argument("--clients", type=int, default=4, help="normal-request client threads")
    parser.add_argument("--seconds", type=float, default=10.0, help="normal-request run length")
    parser.add_argument("--path", default="/desk/tickets/", help="the normal request")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--recreate-db", action="store_true")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument(
        "--interface",
        choices=["asgi", "wsgi"],
        default="asgi",
        help="wsgi: the baseline for normal requests (no streams: pages would poll)",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    temp = None
    if args.data_dir is None:
        temp = Path(tempfile.mkdtemp(prefix="gd-sse-bench-"))
        args.data_dir = temp
    env = bench_env(args)
    if args.database_url and args.recreate_db:
        recreate_database(args.database_url)
    if args.redis_url:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    run(env, "manage", "migrate", "--verbosity", "0")
    run(env, "manage", "createcachetable")
    with contextlib.suppress(subprocess.CalledProcessError):  # exists (a kept database)
        run(env, "admin", "create", "--username", "bench", "--email", "b@example.com", "--no-input")
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdan.config.settings")
    sys.path.insert(0, str(REPO / "src"))
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
    )
    try:
        wait_until_up(port, web)
        cookie = sign_in(port)
        before = throughput(
            port, cookie, clients=args.clients, seconds=args.seconds, path=args.path
        )
        report = {
            "backend": "redis"
            if args.redis_url
            else ("postgres" if args.database_url else "sqlite"),
            "machine": machine(),
            "workers": args.workers,
            "threads": args.threads,
            "interface": args.interface,
            "requests_without_streams": before,
        }
        if args.interface == "asgi" and args.streams:
            report.update(asyncio.run(fan_out(args, port, cookie)))
    finally:
        web.send_signal(2)
        try:
            web.wait(20)
        except subprocess.TimeoutExpired:
            web.kill()
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
