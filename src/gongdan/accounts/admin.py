"""Back-office configuration of people: users (saved by ``accounts.services.user_admin_save``),
teams (saved through ``audit.config``); skills, agent profiles and API tokens are read-only here
(the workspace and the API change them through their services; tokens are revoked by
``token_revoke``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.forms import AdminLoginForm
from gongdan.accounts.models import (
    AgentProfile,
    AgentSkill,
    ApiToken,
    Membership,
    Skill,
    Team,
    User,
)
from gongdan.accounts.services import token_revoke, user_admin_save
from gongdan.audit.admin import AuditedAdmin, AuditedInlines, ReadOnlyInline
from gongdan.core.admin import ReadOnlyAdmin
from gongdan.core.errors import DomainError

# Access follows the role (``User.role``); Django's groups are not used.
admin.site.unregister(Group)

# /admin/login/ counts failures and locks like every other sign-in form (accounts.lockout).
admin.site.login_form = AdminLoginForm


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name_plural = _("team memberships")


class UserMembershipInline(MembershipInline):
    autocomplete_fields = ["team"]


class AgentProfileInline(ReadOnlyInline, admin.StackedInline):
    model = AgentProfile
    can_delete = False
    extra = 0
    max_num = 1
    fields = ["capacity", "availability", "location_name", "latitude", "longitude"]
    show_change_link = True  # skills are edited on the profile's own page


class AgentSkillInline(admin.TabularInline):
    model = AgentSkill
    extra = 0
    autocomplete_fields = ["skill"]


class GongdanUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "role", "display_name", "email", "mobile")


class GongdanUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(AuditedInlines, DjangoUserAdmin):
    writes_through_services = True  # save_model below; memberships through audit.config
    form = GongdanUserChangeForm
    add_form = GongdanUserCreationForm
    list_display = ["username", "display_name", "role", "email", "mobile", "is_active"]
    list_filter = ["role", "is_active", "teams"]
    search_fields = ["username", "display_name", "email", "mobile"]
    ordering = ["username"]
    inlines = [UserMembershipInline, AgentProfileInline]
    # Admin rights follow the role (as in ``accounts.services.user_create``); no Django groups.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {"fields": ("display_name", "first_name", "last_name", "email", "mobile", "language")},
        ),
        (_("Access"), {"fields": ("role", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "role",
                    "display_name",
                    "email",
                    "mobile",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_inlines(self, request: HttpRequest, obj: User | None) -> Any:
        return [] if obj is None else super().get_inlines(request, obj)  # add is two steps

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        user_admin_save(actor=request.user, user=obj, created=not change)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a user is deactivated (``is_active``): their history keeps its name


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "lead", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["lead"]
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
    autocomplete_fields = ["user"]
    inlines = [AgentSkillInline]


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
