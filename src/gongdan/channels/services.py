"""Team robot configuration (administrators only): create, change, delete, send a test.

URLs and secrets are write-only: an empty field on an edit keeps the stored value, and the audit
log records which robot changed, never its URL key or secret.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongdan.accounts.models import Team, User
from gongdan.audit.services import audit_record
from gongdan.channels.choices import RobotEvent, Vendor
from gongdan.channels.http import refused_url_message
from gongdan.channels.models import TeamRobot
from gongdan.channels.policies import require_channel_manager
from gongdan.core.errors import NotFound, ValidationFailed


def robot_list(*, user: User) -> QuerySet[TeamRobot]:
    require_channel_manager(user)
    return TeamRobot.objects.select_related("team").order_by("team__name", "name", "id")


def robot_for(*, actor: User, robot_id: int) -> TeamRobot:
    """The robot, for an admin; 403 for anyone else, 404 when there is none."""
    require_channel_manager(actor)
    robot = TeamRobot.objects.select_related("team").filter(pk=robot_id).first()
    if robot is None:
        raise NotFound("robot.not_found", _("No such group robot."))
    return robot


def _clean(fields: dict[str, Any], current: TeamRobot | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    url = str(fields.get("webhook_url") or "").strip() or (current.webhook_url if current else "")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["webhook_url"] = _("Enter the robot's http:// or https:// webhook URL.")
    if fields.get("vendor") not in Vendor.values:
        errors["vendor"] = _("Choose WeCom, DingTalk or Feishu.")
    if not isinstance(fields.get("team"), Team):
        errors["team"] = _("Choose a team.")
    events = list(dict.fromkeys(fields.get("events") or []))
    if any(e not in RobotEvent.values for e in events):
        errors["events"] = _("Unknown event.")
    name = str(fields.get("name") or "").strip()
    if not name or len(name) > 100:
        errors["name"] = _("Enter a name of at most 100 characters.")
    if errors:
        raise ValidationFailed(
            "robot.invalid", _("Please correct the marked fields."), fields=errors
        )
    refused = refused_url_message(url)
    if refused is not None:  # checked again at every send: DNS can change
        raise ValidationFailed("robot.private_address", refused, fields={"webhook_url": refused})
    return {
        "team": fields["team"],
        "vendor": fields["vendor"],
        "name": name,
        "webhook_url": url,
        "secret": str(fields.get("secret") or "").strip() or (current.secret if current else ""),
        "events": events,
        "is_active": bool(fields.get("is_active")),
    }


def robot_save(*, actor: User, robot_id: int | None, fields: dict[str, Any]) -> TeamRobot:
    """Create (``robot_id`` None) or change a team robot; an empty URL or secret keeps the old."""
    require_channel_manager(actor)
    robot = robot_for(actor=actor, robot_id=robot_id) if robot_id is not None else None
    clean = _clean(fields, robot)
    with transaction.atomic():
        if robot is None:
            robot = TeamRobot.objects.create(**clean)
        else:
            for name, value in clean.items():
                setattr(robot, name, value)
            robot.save()
        data = {"team": robot.team_id, "vendor": robot.vendor, "name": robot.name}
        data.update(events=robot.events, active=robot.is_active)
        action = "robot.created" if robot_id is None else "robot.updated"
        audit_record(actor=actor, action=action, obj=robot, data=data)
    return robot


def robot_delete(*, actor: User, robot_id: int) -> None:
    robot = robot_for(actor=actor, robot_id=robot_id)
    with transaction.atomic():
        audit_record(actor=actor, action="robot.deleted", obj=robot, data={"name": robot.name})
        robot.delete()
