"""``reports_check`` finds drift (exit 1, the cells printed); ``reports_rebuild`` repairs it."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from gongdan.reports.models import DailyRollup, TeamRollup, TicketFact
from gongdan.testing import World
from tests.reports.clock import mover
from tests.reports.story import build_story


def test_check_reports_drift_and_rebuild_repairs_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = build_story(world, mover(monkeypatch))
    out = io.StringIO()
    call_command("reports_check", stdout=out)
    assert out.getvalue().splitlines() == [
        "4 tickets, 0 missing facts, 0 stale facts, 0 orphaned facts, 0 rollup cells off",
        "report rollups consistent",
    ]

    TeamRollup.objects.filter(created=1).update(created=F("created") + 1)
    TicketFact.objects.filter(ticket_id=story.t4.pk).delete()
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("reports_check", stdout=out)

    assert caught.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("4 tickets, 1 missing facts, 0 stale facts, 0 orphaned facts")
    assert f"  missing facts: {story.t4.pk}" in lines

    call_command("reports_rebuild", batch=3, stdout=io.StringIO())
    out = io.StringIO()
    call_command("reports_check", stdout=out)
    assert out.getvalue().splitlines()[-1] == "report rollups consistent"
    assert TicketFact.objects.count() == 4
    assert sum(DailyRollup.objects.values_list("created", flat=True)) == 4
