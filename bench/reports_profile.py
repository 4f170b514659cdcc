#!/usr/bin/env python
"""Where a report's time goes: every query of one call, its time, the rows it reads.

    PYTHONPATH=$PWD/src .venv/bin/python bench/reports_profile.py --data-dir /tmp/gdreports/sqlite
    PYTHONPATH=$PWD/src .venv/bin/python bench/reports_profile.py \\
        --database-url postgres://postgres@127.0.0.1:5432/gd_reports

Runs against a database seeded and rebuilt by ``bench/reports_bench.py`` (it seeds nothing).
For each report (as the administrator, the whole desk) and period (90 days, one year): the
call's wall time and this process's CPU time (each the best of ``--runs``; on SQLite the CPU
time includes the database's work and is far less sensitive to a shared machine's load), the
number of queries, the time of each query and the rows it reads — deterministic, unlike the
times: on SQLite the rows its WHERE clause matches (a ``COUNT(*)`` of the query without its
grouping; the plan, ``--plans``, tells whether the index seeks them or scans more), on
PostgreSQL the rows its scan nodes read, returned or filtered out (``EXPLAIN ANALYZE``).

Benchmarks never run as tests. Results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--data-dir", type=Path, required=True, help="GONGDAN_DATA_DIR")
    parser.add_argument("--runs", type=int, default=5, help="timed calls (the best is kept)")
    parser.add_argument("--report", action="append", help="only these (default: all four)")
    parser.add_argument("--plans", action="store_true", help="print the query plans")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args()


def _rows_sqlite(cursor: Any, sql: str, params: Any) -> int | None:
    from django.db import DatabaseError

    """Rows the WHERE clause matches: the query's FROM ... WHERE with COUNT(*)."""
    match = re.match(r"SELECT (.*?) FROM (.*?)(?: (?:GROUP BY|ORDER BY|LIMIT) .*)?$", sql, re.S)
    if not match or " FROM " in match.group(2):
        return None
    skip = match.group(1).count("%s")
    params = list(params or ())[skip : skip + match.group(2).count("%s")]
    try:
        cursor.execute(f"SELECT COUNT(*) FROM {match.group(2)}", params)
    except DatabaseError:
        return None
    return int(cursor.fetchone()[0])


def _rows_pg(plan: dict[str, Any]) -> int:
    """Rows read by the scan nodes of an EXPLAIN ANALYZE plan (returned or filtered out)."""
    total = 0
    if "Scan" in plan.get("Node Type", "") and "Bitmap Index" not in plan["Node Type"]:
        read = int(plan.get("Actual Rows", 0)) + int(plan.get("Rows Removed by Filter", 0))
        total += read * int(plan.get("Actual Loops", 1))
    for child in plan.get("Plans", []):
        total += _rows_pg(child)
    return total


def explain(vendor: str, sql: str, params: Any, plans: bool) -> tuple[int | None, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "; ".join(str(row[-1]) for row in cursor.fetchall())
            return _rows_sqlite(cursor, sql, params), plan if plans else ""
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        data = cursor.fetchone()[0]
        data = json.loads(data) if isinstance(data, str) else data
        root = data[0]["Plan"]
        return _rows_pg(root), json.dumps(root)[:2000] if plans else ""


def main() -> None:  # noqa: C901
    args = parse_args()
    os.environ["GONGDAN_DATA_DIR"] = str(args.data_dir)
    os.environ["GONGDAN_LOG_LEVEL"] = "WARNING"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("SECRET_KEY", "reports-bench-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongdan.config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gongdan.accounts.models import User
    from gongdan.reports import selectors
    from gongdan.reports.filters import ReportFilters
    from gongdan.reports.periods import Period
    from gongdan.tickets.models import Ticket

    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    names = args.report or [
        "report_overview",
        "report_timeseries",
        "report_agents",
        "report_stage_dwell",
    ]
    out: dict[str, Any] = {"tickets": Ticket.objects.count(), "load": os.getloadavg()}
    print(f"{connection.vendor}: {out['tickets']} tickets, load {out['load'][0]:.2f}")
    for label, days in (("90 days", 90), ("1 year", 365)):
        period = Period(start=today - timedelta(days=days - 1), end=today)
        for name in names:
            kwargs: dict[str, Any] = {"user": admin, "period": period, "filters": ReportFilters()}
            if name == "report_timeseries":
                kwargs.update(metric="created", interval="week", group_by="team")
            call = getattr(selectors, name)
            call(**kwargs)
            best = cpu = float("inf")
            for _ in range(args.runs):
                started, cpu_started = time.perf_counter(), time.process_time()
                call(**kwargs)
                best = min(best, (time.perf_counter() - started) * 1000)
                cpu = min(cpu, (time.process_time() - cpu_started) * 1000)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                call(**kwargs)
                traced = (time.perf_counter() - started) * 1000
            sql_ms = sum(float(q["time"]) * 1000 for q in captured.captured_queries)
            queries = []
            for q in captured.captured_queries:
                sql = q["sql"]
                table = (re.findall(r'FROM "(\w+)"', sql) or ["?"])[0]
                queries.append({"ms": round(float(q["time"]) * 1000, 1), "table": table})
            # The rows each query reads: its SQL and parameters, as executed, explained.
            rows_total = 0
            with connection.execute_wrapper(_collector := _Collector()):
                call(**kwargs)
            for index, (sql, params) in enumerate(_collector.calls):
                rows, plan = explain(connection.vendor, sql, params, args.plans)
                if index < len(queries):
                    queries[index]["rows"] = rows
                    if plan:
                        queries[index]["plan"] = plan
                rows_total += rows or 0
            key = f"{label} {name}"
            out[key] = {
                "best_ms": round(best, 1),
                "cpu_ms": round(cpu, 1),
                "traced_ms": round(traced, 1),
                "sql_ms": round(sql_ms, 1),
                "queries": len(queries),
                "rows_read": rows_total,
                "per_query": queries,
            }
            print(
                f"{label:8} {name:20} best {best:7.1f} ms  cpu {cpu:7.1f} ms  "
                f"sql {sql_ms:6.1f} ms  {len(queries):3} queries  {rows_total:9} rows read"
            )
            for q in queries:
                print(f"    {q['ms']:7.1f} ms  {q.get('rows')!s:>9} rows  {q['table']}")
                if q.get("plan"):
                    print(f"        {q['plan']}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


class _Collector:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.calls.append((sql, params))
        return execute(sql, params, many, context)


if __name__ == "__main__":
    sys.exit(main())
