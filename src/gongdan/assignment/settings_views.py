"""Assignment settings in the workspace (/desk/assignment/…): skills, agents (capacity,
availability, leave, locations, skill levels) and rules.

Skills and rules are the whole desk's: supervisors and admins (others get 403). An agent's page
is for whoever manages the agent: supervisors, admins, a lead of one of the agent's teams;
anyone else gets 404, as if the agent did not exist. Each view parses a form, calls one service
(the same the API calls, with the same validation) and renders; a failed form comes back with
the service's messages next to the fields and status 422.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongdan.accounts.models import Skill, User
from gongdan.assignment import policies, rules, selectors, services, skills
from gongdan.assignment.forms import AgentForm, AgentSkillForm, RuleForm, SkillForm, place_errors
from gongdan.core.errors import DomainError, Forbidden, NotFound
from gongdan.tickets.views._common import actor, is_htmx, staff_required


def _manager(request: HttpRequest) -> User:
    user = actor(request)
    if not policies.is_manager(user):
        raise PermissionDenied
    return user


def _status(*forms: Any) -> int:
    return 422 if any(f is not None and f.errors for f in forms) else 200


# --- skills ----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@staff_required
def skill_list_view(request: HttpRequest) -> HttpResponse:
    """Every skill with how many agents have it; the form below adds one."""
    user = _manager(request)
    form = SkillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            skill = skills.skill_create(actor=user, **form.cleaned_data)
        except DomainError as exc:
            place_errors(form, exc)
        else:
            messages.success(request, _("Added the skill %(name)s.") % {"name": skill.name})
            return redirect("assignment:skills")
    context = {"skills": list(skills.skill_list(user=user)), "form": form}
    return render(request, "assignment/skills.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@staff_required
def skill_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    try:
        skill = skills.skill_get(user=user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    initial = {"code": skill.code, "name": skill.name, "name_en": skill.name_en}
    form = SkillForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            skills.skill_update(actor=user, pk=pk, **form.cleaned_data)
        except DomainError as exc:
            place_errors(form, exc)
        else:
            messages.success(request, _("Saved the skill."))
            return redirect("assignment:skills")
    context = {"skill": skill, "form": form}
    return render(request, "assignment/skill_edit.html", context, status=_status(form))


@require_POST
@staff_required
def skill_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    try:
        skills.skill_delete(actor=user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Deleted the skill."))
    return redirect("assignment:skills")


# --- agents ----------------------------------------------------------------------------------
def _agent(request: HttpRequest, user_id: int) -> tuple[User, Any]:
    """The agent ``user_id`` with their load, if the signed-in user manages them (else 404)."""
    me = actor(request)
    profile = selectors.agent_get(user=me, user_id=user_id)
    if profile is None or not policies.may_manage_agent(me, profile.user):
        raise Http404
    return me, profile


def _skill_choices() -> list[tuple[str, str]]:
    return [(code, f"{name} ({code})") for code, name in Skill.objects.values_list("code", "name")]


def _agent_page(
    request: HttpRequest,
    profile: Any,
    *,
    form: AgentForm | None = None,
    skill_form: AgentSkillForm | None = None,
    fragment: bool = False,
) -> HttpResponse:
    if form is None:
        form = AgentForm(
            initial={
                **{f: getattr(profile, f) for f in AgentForm.PROFILE + AgentForm.CURRENT},
                "availability": profile.availability,
                "on_leave_until": profile.on_leave_until,
            }
        )
    context = {
        "p": profile,
        "percent": round(100 * profile.load / profile.capacity) if profile.capacity else 100,
        "form": form,
        "skill_form": skill_form or AgentSkillForm(skills=_skill_choices()),
        "levels": skills.agent_skills(profile.user),
    }
    template = "assignment/_agent_skills.html" if fragment else "assignment/agent_edit.html"
    return render(request, template, context, status=_status(form, skill_form))


@require_http_methods(["GET", "POST"])
@staff_required
def agent_edit_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """An agent's capacity, seniority, availability, leave, home and current location."""
    me, profile = _agent(request, user_id)
    if request.method == "GET":
        return _agent_page(request, profile)
    form = AgentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # all or nothing
                _save_agent(me, profile, data)
        except DomainError as exc:
            place_errors(form, exc)
        else:
            messages.success(request, _("Saved %(agent)s.") % {"agent": profile.user})
            return redirect("assignment:agent", user_id=user_id)
    return _agent_page(request, profile, form=form)


def _save_agent(me: User, profile: Any, data: dict[str, Any]) -> None:
    """The two services the API's ``assignment_agents_update`` calls, in one transaction."""
    services.availability_set(
        actor=me,
        user=profile.user,
        availability=data["availability"],
        on_leave_until=data["on_leave_until"],
    )
    changes = {f: data[f] for f in AgentForm.PROFILE + AgentForm.CURRENT}
    changes = {k: v for k, v in changes.items() if v != getattr(profile, k)}
    changes["location_name"] = data["location_name"]
    services.agent_update(actor=me, user=profile.user, **changes)


@require_POST
@staff_required
def agent_skill_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """Give the agent a skill at a level, or change the level (htmx: the skills fragment)."""
    me, profile = _agent(request, user_id)
    form = AgentSkillForm(request.POST, skills=_skill_choices())
    if form.is_valid():
        try:
            skills.agent_skill_set(actor=me, user=profile.user, **form.cleaned_data)
        except DomainError as exc:
            place_errors(form, exc)
        else:
            if not is_htmx(request):
                messages.success(request, _("Saved the skill level."))
                return redirect("assignment:agent", user_id=user_id)
            form = AgentSkillForm(skills=_skill_choices())
            return _agent_page(request, profile, skill_form=form, fragment=True)
    return _agent_page(request, profile, skill_form=form, fragment=is_htmx(request))


@require_POST
@staff_required
def agent_skill_remove_view(request: HttpRequest, user_id: int, code: str) -> HttpResponse:
    me, profile = _agent(request, user_id)
    try:
        skills.agent_skill_remove(actor=me, user=profile.user, skill=code)
    except (NotFound, Forbidden) as exc:
        raise Http404 from exc
    if is_htmx(request):
        form = AgentSkillForm(skills=_skill_choices())
        return _agent_page(request, profile, skill_form=form, fragment=True)
    messages.success(request, _("Removed the skill."))
    return redirect("assignment:agent", user_id=user_id)


# --- rules -----------------------------------------------------------------------------------
@require_GET
@staff_required
def rule_list_view(request: HttpRequest) -> HttpResponse:
    """The rules in the order they are tried."""
    user = _manager(request)
    return render(request, "assignment/rules.html", {"rules": list(rules.rule_list(user=user))})


@require_http_methods(["GET", "POST"])
@staff_required
def rule_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new rule (``pk`` None) or an existing one: scope, weights, skills, service area."""
    user = _manager(request)
    rule = None
    if pk is not None:
        rule = rules.rule_list(user=user).filter(pk=pk).first()
        if rule is None:
            raise Http404
    initial = RuleForm.initial_for(rule) if rule else {}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, required = form.rule_fields()
        try:
            if rule is None:
                saved = rules.rule_create(actor=user, skills=required, **fields)
            else:
                saved = rules.rule_update(actor=user, pk=rule.pk, skills=required, **fields)
        except DomainError as exc:
            place_errors(form, exc)
        else:
            messages.success(request, _("Saved the rule %(name)s.") % {"name": saved.name})
            return redirect("assignment:rules")
    context = {"rule": rule, "form": form}
    return render(request, "assignment/rule_edit.html", context, status=_status(form))


@require_POST
@staff_required
def rule_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    try:
        rules.rule_delete(actor=user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Deleted the rule."))
    return redirect("assignment:rules")
