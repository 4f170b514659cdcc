"""People in the Django admin, read-only: users, teams, skills, agent profiles and API tokens
are managed in the workspace (Settings → Users / Teams, ``/desk/settings/``) and the API through
``accounts.people`` and ``accounts.services`` (validated, audited, announced). The admin may
only look, and revoke API tokens (through ``token_revoke``, audited)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import AdminLoginForm
from gongdan.accounts.models import (
    AgentProfile,
    AgentSkill,
    ApiToken,
    DeskSettings,
    Membership,
    Skill,
    Team,
    User,
)
from gongdan.accounts.services import token_revoke
from gongdan.audit.admin import ReadOnlyInline
from gongdan.core.admin import ReadOnlyAdmin
from gongdan.core.errors import DomainError

# Access follows the role (``User.role``); Django's groups are not used.
admin.site.unregister(Group)

# /admin/login/ counts failures and locks like every other sign-in form (accounts.lockout).
admin.site.login_form = AdminLoginForm


class MembershipInline(ReadOnlyInline, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "joined_at"]
    readonly_fields = ["joined_at"]
    verbose_name_plural = _("team memberships")


class UserMembershipInline(MembershipInline):
    fields = ["team", "joined_at"]
    readonly_fields = ["joined_at"]


class AgentSkillInline(ReadOnlyInline, admin.TabularInline):
    model = AgentSkill
    extra = 0


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = [
        "username",
        "display_name",
        "role",
        "email",
        "mobile",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "is_active", "teams"]
    search_fields = ["username", "display_name", "email", "mobile"]
    ordering = ["username"]
    inlines = [UserMembershipInline]
    fields = [
        "username",
        "display_name",
        "first_name",
        "last_name",
        "email",
        "mobile",
        "language",
        "role",
        "is_active",
        "address_proven",
        "last_login",
        "date_joined",
    ]


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "group", "lead", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "group"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).select_related("lead")


@admin.register(Skill)
class SkillAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


@admin.register(AgentProfile)
class AgentProfileAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "availability",
        "capacity",
        "on_leave_until",
        "seniority",
        "location_name",
    ]
    list_filter = ["availability"]
    search_fields = ["user__username", "user__display_name"]
    inlines = [AgentSkillInline]


@admin.register(DeskSettings)
class DeskSettingsAdmin(ReadOnlyAdmin):
    list_display = ["name", "logo_type", "welcome_done", "updated_at"]
    exclude = ["logo"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are made by their owners; the admin may only look and revoke them (audited)."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, f"{token}: {exc.message}", messages.ERROR)
