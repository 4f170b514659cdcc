"""Writes for users, teams and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.accounts.choices import Language, Role
from gongdan.accounts.models import AgentProfile, ApiToken, Membership, Team, User
from gongdan.accounts.policies import has_role
from gongdan.audit.services import audit_record
from gongdan.core.errors import Forbidden, ValidationFailed
from gongdan.core.events import emit

TOKEN_PREFIX = "gd"


def require_admin(actor: User | None) -> None:
    """403 unless ``actor`` is an administrator (None: the system itself, e.g. a command)."""
    if actor is not None and not has_role(actor, Role.ADMIN):
        raise Forbidden("permission.admin_only", _("Only administrators may do this."))


def _check_unique(email: str, mobile: str, username: str) -> None:
    errors: dict[str, str] = {}
    if username and User.objects.filter(username=username).exists():
        errors["username"] = _("This login name is taken.")
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("A user with this email address already exists.")
    if mobile and User.objects.filter(mobile=mobile).exists():
        errors["mobile"] = _("A user with this mobile number already exists.")
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(f"user.{first}_taken", errors[first], fields=errors)


def _clean_user(user: User) -> None:
    """The model's own checks (login name characters, email syntax) as a 422, before any write."""
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        fields = {k: " ".join(v) for k, v in exc.message_dict.items()}
        raise ValidationFailed("user.invalid", next(iter(fields.values())), fields=fields) from exc


def _clean_team(team: Team) -> None:
    """The model's own checks on a team as a 422 ``team.invalid``, before any write."""
    try:
        team.full_clean()
    except ValidationError as exc:
        fields = {k: " ".join(v) for k, v in exc.message_dict.items()}
        raise ValidationFailed(
            "team.invalid", _("Please correct the team's fields."), fields=fields
        ) from exc


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        message = " ".join(exc.messages)
        raise ValidationFailed("user.weak_password", message, fields={"password": message}) from exc


def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    mobile: str = "",
    display_name: str = "",
    language: str = "",
    teams: Sequence[Team] = (),
) -> User:
    """Create a user (``actor`` None means a trusted script). Staff get an agent profile.

    Only admins create users from the UI or API. Emits ``user.created``.
    """
    require_admin(actor)
    if role not in Role.values:
        raise ValidationFailed("user.invalid", _("Unknown role."), fields={"role": role})
    email, mobile, username = email.strip().lower(), mobile.strip(), username.strip()
    if not username:
        raise ValidationFailed(
            "user.invalid",
            _("Please enter a login name."),
            fields={"username": _("This field is required.")},
        )
    _check_unique(email, mobile, username)
    if password:
        _check_password(password)
    user = User(
        username=username,
        role=role,
        email=email,
        mobile=mobile,
        display_name=display_name,
        language=language,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    _clean_user(user)
    with transaction.atomic():
        user.save()
        if role != Role.CUSTOMER:
            AgentProfile.objects.create(user=user)
        for team in teams:
            Membership.objects.create(team=team, user=user)
        if actor is not None:
            audit_record(actor=actor, action="user.created", obj=user, data={"role": role})
        emit("user.created", user=user.pk)
    return user


def user_address_proven(*, user: User) -> None:
    """Record that ``user`` proved their email address (they followed a link mailed to it), so
    that the address and what arrives from it are theirs (``customers.ownership``)."""
    if user.address_proven:
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(address_proven=True)
        user.address_proven = True
        audit_record(actor=user, action="user.address_proven", obj=user)


def team_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str = "function",
    description: str = "",
    lead: User | None = None,
) -> Team:
    """Create a team / service desk (admins only)."""
    require_admin(actor)
    if Team.objects.filter(code=code).exists():
        raise ValidationFailed(
            "team.exists",
            _("A team with this code already exists."),
            fields={"code": _("A team with this code already exists.")},
        )
    team = Team(code=code, name=name, kind=kind, description=description, lead=lead)
    _clean_team(team)
    with transaction.atomic():
        team.save()
        if lead is not None:
            Membership.objects.get_or_create(team=team, user=lead)
        if actor is not None:
            audit_record(actor=actor, action="team.created", obj=team)
    return team


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user: User, name: str = "API") -> tuple[ApiToken, str]:
    """Make a personal API token; the returned plain text is shown once and never stored."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100] or "API", prefix=prefix, secret_hash=_hash(secret)
        )
        audit_record(actor=user, action="token.created", obj=token)
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def token_authenticate(raw: str) -> User | None:
    """The active user behind a bearer token, or None. Records the last-used time (≤1/min)."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    try:
        token = ApiToken.objects.select_related("user").get(
            prefix=parts[1], revoked_at__isnull=True
        )
    except ApiToken.DoesNotExist:
        return None
    if not secrets.compare_digest(token.secret_hash, _hash(parts[2])):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, actor: User | None, token: ApiToken) -> None:
    """Revoke a token: its owner, an admin, or a trusted script (``actor`` None, the CLI)."""
    if actor is not None and token.user_id != actor.pk and not has_role(actor, Role.ADMIN):
        raise Forbidden("permission.denied", _("You may not revoke this token."))
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit_record(actor=actor, action="token.revoked", obj=token)


def user_profile_update(
    *, user: User, display_name: str | None = None, language: str | None = None
) -> User:
    """A signed-in user changes their own display name and/or UI language (None: unchanged).

    Emits ``user.updated`` when the display name changed.
    """
    changed: list[str] = []
    if display_name is not None and display_name.strip() != user.display_name:
        user.display_name = display_name.strip()[:100]
        changed.append("display_name")
    if language is not None and language != user.language:
        if language and language not in Language.values:
            raise ValidationFailed(
                "user.invalid", _("Unknown language."), fields={"language": _("Unknown language.")}
            )
        user.language = language
        changed.append("language")
    if changed:
        with transaction.atomic():
            user.save(update_fields=changed)
            audit_record(
                actor=user, action="user.profile_updated", obj=user, data={"fields": changed}
            )
            if "display_name" in changed:
                emit("user.updated", user=user.pk)
    return user


def user_change_password(*, actor: User, user: User, current: str, new: str) -> User:
    """``actor`` changes their own password: the current one must match and the new one pass
    Django's validators (``AUTH_PASSWORD_VALIDATORS``); audited as ``user.password_changed``.

    Only one's own: another user's password is reset by an administrator, not changed here.
    """
    if actor.pk != user.pk:
        raise Forbidden("permission.own_password", _("You may change only your own password."))
    if not user.check_password(current):
        message = _("Your current password is not correct.")
        raise ValidationFailed("user.wrong_password", message, fields={"current_password": message})
    _check_password(new, user)
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        audit_record(actor=actor, action="user.password_changed", obj=user)
    return user
