"""Administration of people: inviting, editing, deactivating users; editing and deactivating
teams. The workspace's Settings pages and the API call these (admins only).

Decisions (docs/architecture.md, "Administration in the workspace"):

* A deactivated user cannot sign in (the sign-in backends refuse inactive users), their open
  sessions stop at the next request (Django's session check reads ``is_active``) and their API
  tokens stop working (``token_authenticate``). Their tickets **stay assigned** to them, so
  nothing moves silently; the Users page shows how many open tickets they still hold, with a
  link to the list, and the ``user.deactivated`` outbox event lets other apps react.
* An administrator cannot deactivate or demote themselves, nor the last active administrator.
* Mails (the invitation, a password reset) use the existing set-password link
  (``channels.email.password``), sent by the implementation registered in
  :data:`password_mailers` (channels sits above accounts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Role
from gongdan.accounts.models import AgentProfile, Membership, Team, User
from gongdan.accounts.services import (
    _clean_team,
    _clean_user,
    require_admin,
    team_create,
    user_create,
)
from gongdan.audit.changes import Change, ChangeKind, record
from gongdan.core.errors import Conflict, ValidationFailed
from gongdan.core.hooks import Hooks

# Who mails a set-password link to a user (by id; the mailer sends after the caller's commit):
# channels.email registers one.
password_mailers: Hooks[Callable[[int], None]] = Hooks("password_mailers")

USER_INVITED = ChangeKind("user.invited", event="user.created")
USER_CHANGED = ChangeKind("user.changed", event="user.updated")
USER_DEACTIVATED = ChangeKind("user.deactivated")
USER_REACTIVATED = ChangeKind("user.reactivated")
USER_PASSWORD_LINK = ChangeKind("user.password_link_sent", outbox=False)
TEAM_CHANGED = ChangeKind("team.changed", event="team.updated")


def _mail_password_link(user: User) -> bool:
    """Ask the registered mailer for a set-password link; False when none can be sent."""
    if not user.email or not password_mailers:
        return False
    for mailer in password_mailers:
        mailer(user.pk)
    return True


def _email_taken(email: str, *, exclude: int = 0) -> None:
    if email and User.objects.filter(email__iexact=email).exclude(pk=exclude).exists():
        message = _("A user with this email address already exists.")
        raise ValidationFailed("user.email_taken", message, fields={"email": message})


def _mobile_taken(mobile: str, *, exclude: int = 0) -> None:
    if mobile and User.objects.filter(mobile=mobile).exclude(pk=exclude).exists():
        message = _("A user with this mobile number already exists.")
        raise ValidationFailed("user.mobile_taken", message, fields={"mobile": message})


def _teams_checked(teams: Sequence[Team]) -> list[Team]:
    inactive = [t for t in teams if not t.is_active]
    if inactive:
        message = _("The team %(team)s is deactivated.") % {"team": inactive[0].name}
        raise ValidationFailed("user.invalid", message, fields={"teams": message})
    return list(teams)


def user_invite(
    *,
    actor: User,
    email: str,
    role: str,
    display_name: str = "",
    teams: Sequence[Team] = (),
    language: str = "",
) -> User:
    """Create a user without a password and mail them a set-password link (admins only).

    The login name is the email address. Duplicate addresses are refused (``user.email_taken``)
    before anything is written. Audited ``user.invited``; emits ``user.created``.
    """
    require_admin(actor)
    email = email.strip().lower()
    if "@" not in email:
        message = _("Enter a valid email address.")
        raise ValidationFailed("user.invalid", message, fields={"email": message})
    _email_taken(email)
    if User.objects.filter(username=email).exists():
        message = _("This login name is taken.")
        raise ValidationFailed("user.username_taken", message, fields={"email": message})
    with transaction.atomic():
        user = user_create(
            actor=None,
            username=email,
            role=role,
            email=email,
            display_name=display_name.strip(),
            language=language,
            teams=_teams_checked(teams),
        )
        record(
            Change(USER_INVITED, user, actor, payload={"user": user.pk}, audit_data={"role": role})
        )
        _mail_password_link(user)
    return user


def _active_admins(*, exclude: User) -> int:
    return User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=exclude.pk).count()


def _check_user_change(actor: User, user: User, values: dict[str, Any], changed: list[str]) -> None:
    """Refuse a demotion of oneself or of the last admin, and addresses other users have."""
    if "role" in changed and user.role == Role.ADMIN:
        if user.pk == actor.pk:
            message = _("You cannot take the administrator role from yourself.")
            raise ValidationFailed("user.self_demote", message, fields={"role": message})
        if not _active_admins(exclude=user):
            message = _("The desk needs at least one active administrator.")
            raise ValidationFailed("user.last_admin", message, fields={"role": message})
    if "email" in changed:
        _email_taken(values["email"], exclude=user.pk)
    if "mobile" in changed:
        _mobile_taken(values["mobile"], exclude=user.pk)


def user_update(
    *,
    actor: User,
    user: User,
    role: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    mobile: str | None = None,
    language: str | None = None,
    teams: Sequence[Team] | None = None,
) -> User:
    """Change a user's role, name, addresses, language and teams (None: unchanged; admins only).

    Admin rights follow the role. An admin cannot take the admin role from themselves or from
    the last active admin. Audited ``user.changed`` (the fields); emits ``user.updated``.
    """
    require_admin(actor)
    if role is not None and role not in Role.values:
        raise ValidationFailed(
            "user.invalid", _("Unknown role."), fields={"role": _("Unknown role.")}
        )
    values: dict[str, Any] = {
        "display_name": None if display_name is None else display_name.strip(),
        "email": None if email is None else email.strip().lower(),
        "mobile": None if mobile is None else mobile.strip(),
        "language": language,
        "role": role,
    }
    changed = [k for k, v in values.items() if v is not None and getattr(user, k) != v]
    _check_user_change(actor, user, values, changed)
    new_teams = None if teams is None else _teams_checked(teams)
    for key in changed:
        setattr(user, key, values[key])
    if changed:
        try:
            _clean_user(user)
        except ValidationFailed:
            user.refresh_from_db()
            raise
    old_team_ids = set(Membership.objects.filter(user=user).values_list("team_id", flat=True))
    team_ids = old_team_ids if new_teams is None else {t.pk for t in new_teams}
    if team_ids != old_team_ids:
        changed.append("teams")
    if not changed:
        return user
    with transaction.atomic():
        user.is_staff = user.is_superuser = user.role == Role.ADMIN
        user.save()
        if user.role != Role.CUSTOMER:
            AgentProfile.objects.get_or_create(user=user)
        if "teams" in changed:
            Membership.objects.filter(user=user).exclude(team_id__in=team_ids).delete()
            for team_id in sorted(team_ids - old_team_ids):
                Membership.objects.create(user=user, team_id=team_id)
        data = {"fields": sorted(changed), "role": user.role}
        record(Change(USER_CHANGED, user, actor, payload={"user": user.pk}, audit_data=data))
    return user


def user_deactivate(*, actor: User, user: User) -> User:
    """Stop ``user`` from signing in and from using their API tokens (admins only).

    Their assigned tickets stay theirs (see the module's notes). Not oneself, not the last
    active admin. Audited; emits ``user.deactivated``.
    """
    require_admin(actor)
    if user.pk == actor.pk:
        raise Conflict("user.self_deactivate", _("You cannot deactivate yourself."))
    if user.role == Role.ADMIN and not _active_admins(exclude=user):
        raise Conflict("user.last_admin", _("The desk needs at least one active administrator."))
    if not user.is_active:
        return user
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        record(Change(USER_DEACTIVATED, user, actor, payload={"user": user.pk}, audit_data={}))
    return user


def user_reactivate(*, actor: User, user: User) -> User:
    """Let a deactivated user sign in again (admins only). Audited; emits ``user.reactivated``."""
    require_admin(actor)
    if user.is_active:
        return user
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        record(Change(USER_REACTIVATED, user, actor, payload={"user": user.pk}, audit_data={}))
    return user


def user_password_link_send(*, actor: User, user: User) -> None:
    """Mail ``user`` a link to set a new password (admins only; the user needs an address)."""
    require_admin(actor)
    if not user.email:
        message = _("This user has no email address to send the link to.")
        raise ValidationFailed("user.no_email", message, fields={"email": message})
    if not user.is_active:
        raise Conflict("user.inactive", _("Reactivate the user before sending a password link."))
    if not settings.GONGDAN_EMAIL_ENABLED:
        raise Conflict("mail.disabled", _("Outgoing mail is switched off: no link can be sent."))
    with transaction.atomic():
        record(Change(USER_PASSWORD_LINK, user, actor, audit_data={}))
        _mail_password_link(user)


# --- Teams ---------------------------------------------------------------------------------------
def _team_code_taken(code: str, *, exclude: int = 0) -> None:
    if Team.objects.filter(code__iexact=code).exclude(pk=exclude).exists():
        message = _("A team with this code already exists.")
        raise ValidationFailed("team.code_taken", message, fields={"code": message})


def _team_name_taken(name: str, *, exclude: int = 0) -> None:
    if Team.objects.filter(name__iexact=name.strip()).exclude(pk=exclude).exists():
        message = _("A team with this name already exists.")
        raise ValidationFailed("team.name_taken", message, fields={"name": message})


def _lead_change(team: Team, lead: User | None, clear_lead: bool, changed: list[str]) -> int | None:
    """The team's lead id after the change (noted in ``changed``); the lead must be staff."""
    if clear_lead:
        if team.lead_id is not None:
            changed.append("lead")
        return None
    if lead is None or lead.pk == team.lead_id:
        return team.lead_id
    if not lead.is_staff_member or not lead.is_active:
        message = _("The lead must be an active member of staff.")
        raise ValidationFailed("team.invalid", message, fields={"lead": message})
    changed.append("lead")
    return lead.pk


def _members_wanted(members: Sequence[User] | None, lead_id: int | None) -> set[int] | None:
    """The member ids asked for (with the lead), None when unchanged; staff only."""
    if members is None:
        return None
    if any(not u.is_staff_member for u in members):
        message = _("Only staff can be members of a team.")
        raise ValidationFailed("team.invalid", message, fields={"members": message})
    wanted = {u.pk for u in members}
    if lead_id is not None:
        wanted.add(lead_id)
    return wanted


def team_update(
    *,
    actor: User,
    team: Team,
    name: str | None = None,
    kind: str | None = None,
    group: str | None = None,
    description: str | None = None,
    lead: User | None = None,
    clear_lead: bool = False,
    members: Sequence[User] | None = None,
    is_active: bool | None = None,
) -> Team:
    """Change a team's name, grouping, description, lead, members or active flag (admins only).

    The lead is always a member. Duplicate names are refused (``team.name_taken``). Audited
    ``team.changed``; emits ``team.updated``.
    """
    require_admin(actor)
    values: dict[str, Any] = {
        "name": None if name is None else name.strip(),
        "kind": kind,
        "group": None if group is None else group.strip(),
        "description": description,
        "is_active": is_active,
    }
    changed = [k for k, v in values.items() if v is not None and getattr(team, k) != v]
    if "name" in changed:
        _team_name_taken(values["name"], exclude=team.pk)
    new_lead_id = _lead_change(team, lead, clear_lead, changed)
    wanted = _members_wanted(members, new_lead_id)
    old_ids = set(Membership.objects.filter(team=team).values_list("user_id", flat=True))
    if wanted is None:
        wanted = set(old_ids)
        if new_lead_id is not None:
            wanted.add(new_lead_id)
    if wanted != old_ids:
        changed.append("members")
    if not changed:
        return team
    for key in ("name", "kind", "group", "description", "is_active"):
        if key in changed:
            setattr(team, key, values[key])
    team.lead_id = new_lead_id
    try:
        _clean_team(team)
    except ValidationFailed:
        team.refresh_from_db()  # the caller's object keeps the stored values
        raise
    with transaction.atomic():
        team.save()
        Membership.objects.filter(team=team).exclude(user_id__in=wanted).delete()
        for user_id in sorted(wanted - old_ids):
            Membership.objects.create(team=team, user_id=user_id)
        record(
            Change(
                TEAM_CHANGED, team, actor, payload={"team": team.pk}, audit_data={"fields": changed}
            )
        )
    return team


def team_create_checked(
    *,
    actor: User,
    code: str,
    name: str,
    kind: str = "function",
    group: str = "",
    description: str = "",
    lead: User | None = None,
    members: Sequence[User] = (),
) -> Team:
    """Create a team from the Settings page or the API: duplicate codes and names are 422s
    (``team.code_taken`` / ``team.name_taken``), then ``services.team_create``."""
    require_admin(actor)
    _team_code_taken(code.strip())
    _team_name_taken(name)
    with transaction.atomic():
        team = team_create(
            actor=actor,
            code=code.strip(),
            name=name.strip(),
            kind=kind,
            description=description,
            lead=lead,
        )
        if group.strip():
            Team.objects.filter(pk=team.pk).update(group=group.strip())
            team.group = group.strip()
        for member in members:
            if not member.is_staff_member:
                message = _("Only staff can be members of a team.")
                raise ValidationFailed("team.invalid", message, fields={"members": message})
            Membership.objects.get_or_create(team=team, user=member)
    return team
