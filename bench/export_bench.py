#!/usr/bin/env python
"""Export benchmark: a ticket list of N rows (default 100,000) written to .xlsx (and CSV) by the
export job, timed, with the peak memory of the process that runs the job.

    .venv/bin/python bench/export_bench.py --tickets 100000 --data-dir /tmp/gdexport/s100k
    .venv/bin/python bench/export_bench.py --tickets 100000 --data-dir /tmp/gdexport/p100k \\
        --database-url postgres://postgres@127.0.0.1:5432/gd_export_bench --recreate-db

1. Data: ``seed_bench --tickets N`` (the demo's bilingual tickets over two years). A data dir /
   database that already holds N tickets is reused.
2. Each export runs in a fresh process, as a worker would run the job: Django set up, the export
   created by the service as an administrator (``view=all``: every ticket, the list's 13 columns),
   then the job's body (``reports.export_jobs.export_run``) called in that process. Reported: the
   job's wall time, rows per second, the process's resident memory before the job (Django and the
   apps loaded) and its peak over the whole run (``VmHWM`` from /proc/self/status), and the size
   of the file. Targets (issue 13): 100,000 rows to .xlsx in < 30 s with the worker's RSS
   < 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def setup_env(args: argparse.Namespace) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongdan.config.settings"
    os.environ["GONGDAN_DATA_DIR"] = str(args.data_dir)
    os.environ["GONGDAN_LOG_LEVEL"] = "WARNING"
    for key in ("PYTEST_VERSION", "GONGDAN_TESTING", "DATABASE_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("SECRET_KEY", "export-bench")
    os.environ["GONGDAN_TASKS_IMMEDIATE"] = "0"  # the job is run by hand, in its own process


def recreate_db(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def seed(n: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from gongdan.tickets.models import Ticket

    call_command("migrate", verbosity=0)
    have = Ticket.objects.count()
    if have >= n:
        print(f"  reusing {have} tickets")
        return have
    started = time.monotonic()
    call_command("seed_bench", tickets=n - have)
    print(f"  seeded in {time.monotonic() - started:.0f} s")
    return Ticket.objects.count()


def memory_kb(field: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def run_job(fmt: str, filters: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: one export as an administrator, run here; figures as JSON."""
    import django

    django.setup()
    from gongdan.accounts.models import User
    from gongdan.reports.export_jobs import export_run
    from gongdan.reports.services import export_create

    admin = User.objects.filter(role="admin", is_active=True).order_by("id").first()
    assert admin is not None
    export = export_create(actor=admin, format=fmt, filters=filters)
    before = {k: memory_kb(k) for k in ("VmRSS", "RssAnon", "RssFile")}
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    done = export_run(export.pk)
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu_seconds = (cpu_after.ru_utime - cpu.ru_utime) + (cpu_after.ru_stime - cpu.ru_stime)
    assert done is not None and done.status == "done", done and done.error
    result = {
        "format": fmt,
        "rows": done.rows_done,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "rows_per_second": round(done.rows_done / seconds),
        "rss_before_mb": round(before["VmRSS"] / 1024, 1),
        "rss_anon_before_mb": round(before["RssAnon"] / 1024, 1),
        "rss_file_before_mb": round(before["RssFile"] / 1024, 1),
        "rss_peak_mb": round(memory_kb("VmHWM") / 1024, 1),
        # after the job: anonymous memory (Python objects, SQLite's page cache) and file pages
        # mapped in (SQLite's mmap of the database file, shared libraries)
        "rss_anon_after_mb": round(memory_kb("RssAnon") / 1024, 1),
        "rss_file_after_mb": round(memory_kb("RssFile") / 1024, 1),
        "file_mb": round(done.size / 1024 / 1024, 1),
    }
    done.file.delete(save=False)
    done.delete()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/gdexport/s100k"))
    parser.add_argument("--database-url", default="")
    parser.add_argument("--recreate-db", action="store_true")
    parser.add_argument("--formats", default="xlsx,csv", help="comma-separated: xlsx,csv")
    parser.add_argument("--repeat", type=int, default=1, help="runs per format")
    parser.add_argument(
        "--filters", default='{"view": "all"}', help="tickets_list filters (JSON) of the export"
    )
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--job", help=argparse.SUPPRESS)  # internal: run one job (a format)
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    setup_env(args)
    if args.job:
        print(json.dumps(run_job(args.job, json.loads(args.filters))))
        return
    if args.recreate_db and args.database_url:
        recreate_db(args.database_url)
    print(f"== data: {args.tickets} tickets ({'PostgreSQL' if args.database_url else 'SQLite'})")
    total = seed(args.tickets)
    results = []
    for fmt in args.formats.split(","):
        for _ in range(args.repeat):
            cmd = [sys.executable, __file__, "--job", fmt, "--data-dir", str(args.data_dir)]
            cmd += ["--filters", args.filters]
            if args.database_url:
                cmd += ["--database-url", args.database_url]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            results.append(result)
            print(
                f"  {fmt:4}  {result['rows']} rows in {result['seconds']:6.1f} s "
                f"(CPU {result['cpu_seconds']} s, {result['rows_per_second']} rows/s)  "
                f"RSS before {result['rss_before_mb']} MB (anon {result['rss_anon_before_mb']}), "
                f"peak {result['rss_peak_mb']} MB (after: anon {result['rss_anon_after_mb']}, "
                f"file {result['rss_file_after_mb']})  file {result['file_mb']} MB"
            )
    if args.json:
        args.json.write_text(json.dumps({"tickets": total, "results": results}, indent=2))


if __name__ == "__main__":
    main()
