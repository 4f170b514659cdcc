"""Back-office configuration of people: users (role, teams, agent profile), teams and skills."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.choices import Role
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
from gongdan.audit.services import audit_record
from gongdan.core.events import emit

# /admin/login/ counts failures and locks like every other sign-in form (accounts.lockout).
admin.site.login_form = AdminLoginForm


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name_plural = _("team memberships")


class UserMembershipInline(MembershipInline):
    autocomplete_fields = ["team"]


class AgentProfileInline(admin.StackedInline):
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
class UserAdmin(DjangoUserAdmin):
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
        obj.is_staff = obj.is_superuser = obj.role == Role.ADMIN
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="user.changed" if change else "user.created",
            obj=obj,
            data={"role": obj.role, "via": "admin"},
        )
        emit("user.updated" if change else "user.created", user=obj.pk)  # search index

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if form.instance.role != Role.CUSTOMER:  # staff always have a profile (as user_create)
            AgentProfile.objects.get_or_create(user=form.instance)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "lead", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["lead"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).select_related("lead")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
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
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners; the admin may only look and revoke (by date)."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
