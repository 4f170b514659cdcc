"""/api/v1/sla: the SLA preview (what a promise means on a calendar)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from gongdan.accounts.api_auth import api_user
from gongdan.core.api_support import ERRORS, pick
from gongdan.sla.models import SlaPolicy
from gongdan.sla.preview import require_staff
from gongdan.sla.preview import sla_preview as preview_service
from gongdan.sla.schemas import PreviewIn, PreviewOut

router = Router(tags=["sla"])


@router.post("/sla/preview", response={200: PreviewOut, **ERRORS}, operation_id="sla_preview")
def sla_preview(request: HttpRequest, payload: PreviewIn) -> dict[str, Any]:
    """Due time of each target for a ticket opened at ``start`` (staff only).

    Give a ``policy`` id, or explicit ``targets`` in minutes with ``mode`` (business time on
    ``calendar``, or calendar time around the clock).
    """
    actor = api_user(request)
    require_staff(actor)  # before the policy id is looked up
    policy = pick(SlaPolicy.objects.select_related("calendar"), payload.policy, field="policy")
    targets = payload.targets.model_dump() if payload.targets else None
    result = preview_service(
        actor=actor,
        start=payload.start,
        policy=policy,
        targets=targets,
        business_time=payload.mode == "business",
        calendar_code=payload.calendar,
    )
    return {
        "calendar": result.calendar.code if result.calendar else None,
        "mode": "business" if result.business_time else "calendar",
        "start": result.start,
        "dues": [
            {"target": d.target, "minutes": d.minutes, "due_at": d.due_at} for d in result.dues
        ],
    }
