"""Showing report figures: units, changes, scoped drill-down links, chart specs."""

from __future__ import annotations

from datetime import date

import pytest

from gongdan.reports.present import (
    change_text,
    drill_query,
    drill_url,
    series_chart,
    table_chart,
    value_text,
)
from gongdan.reports.results import Column, Line, Series, Table
from gongdan.reports.scope import Scope


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (None, "seconds", "—"),
        (45, "seconds", "45 s"),
        (600, "seconds", "10 min"),
        (5400, "seconds", "1 h 30 min"),
        (93600, "seconds", "1 d 2 h"),
        (0.875, "ratio", "87.5%"),
        (1234.5, "money", "¥1,234.50"),
        (12000, "count", "12,000"),
        (0, "count", "0"),
        (90, "minutes", "1 h 30 min"),
        ("Acme", "text", "Acme"),
    ],
)
def test_values_in_their_units(value: object, unit: str, text: str) -> None:
    assert value_text(value, unit) == text


def test_changes_against_the_previous_period() -> None:
    assert change_text(0.2) == {"arrow": "▲", "percent": "20.0%", "direction": "up"}
    assert change_text(-0.5) == {"arrow": "▼", "percent": "50.0%", "direction": "down"}
    assert change_text(None) is None


def test_a_drill_down_stays_in_the_readers_scope() -> None:
    drill = {"created_from": "2026-11-01", "bogus": "x"}

    assert drill_query(drill) == {"created_from": "2026-11-01", "view": "all"}
    assert drill_query(drill, Scope(agent=7))["assignee"] == "7"
    assert drill_query(drill, Scope(teams=frozenset({3})))["team"] == "3"
    assert "team" not in drill_query(drill, Scope(teams=frozenset({3, 4})))
    assert drill_query({"team": "4"}, Scope(teams=frozenset({3})))["team"] == "4"
    assert drill_url({}) == ""
    assert drill_url({"sla": "breached"}) == "/desk/tickets/?sla=breached&view=all"


def test_a_table_becomes_a_chart_of_one_unit() -> None:
    table = Table(
        key="by_team",
        title="By team",
        columns=[
            Column("name", "Team", "text"),
            Column("created", "Created"),
            Column("frt", "FRT", "seconds"),
        ],
        rows=[{"name": "IT", "created": 3, "frt": 3600}, {"name": "Field", "created": 1}],
        drills=[{"team": "1"}, {}],
    )

    spec = table_chart(table)

    assert spec == {
        "type": "bar",
        "title": "By team",
        "unit": "",
        "categories": ["IT", "Field"],
        "series": [{"name": "Created", "data": [3.0, 1.0]}],
        "links": ["/desk/tickets/?team=1&view=all", ""],
    }
    assert table_chart(Table("t", "T", table.columns, rows=[], chart="bar")) is None


def test_a_trend_point_drills_to_its_bucket_and_line() -> None:
    series = Series(
        metric="resolved",
        label="Resolved",
        unit="count",
        interval="week",
        group_by="team",
        buckets=[date(2026, 11, 23), date(2026, 11, 30)],
        lines=[Line("1", "IT", [2, 0])],
    )

    spec = series_chart(series, {"end": "2026-11-30"})
    rate = series_chart(
        Series(
            "reopen_rate", "R", "ratio", "week", "", series.buckets, [Line("", "All", [0.5, None])]
        ),
        {},
    )

    assert spec["links"] == [
        [
            "/desk/tickets/?resolved_from=2026-11-23&resolved_to=2026-11-29&team=1&view=all",
            "/desk/tickets/?resolved_from=2026-11-30&resolved_to=2026-11-30&team=1&view=all",
        ]
    ]
    assert rate["series"] == [{"name": "All", "data": [50.0, None]}]
    assert rate["links"] == [["", ""]]
