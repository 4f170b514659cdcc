"""Workspace pages for team group robots (administrators only): list, create, edit, delete,
send a test message. Each view parses input and calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongdan.accounts.models import User
from gongdan.channels import services
from gongdan.channels.access import admin_page
from gongdan.channels.forms import RobotForm
from gongdan.channels.http import ChannelError
from gongdan.channels.models import masked
from gongdan.channels.robots import robot_test
from gongdan.core.errors import DomainError
from gongdan.tickets.forms import add_domain_error


@require_http_methods(["GET"])
@admin_page
def robot_list(request: HttpRequest, user: User) -> HttpResponse:
    rows = list(services.robot_list(user=user))
    return render(request, "channels/robot_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@admin_page
def robot_edit(request: HttpRequest, user: User, robot_id: int | None = None) -> HttpResponse:
    robot = services.robot_for(actor=user, robot_id=robot_id) if robot_id is not None else None
    initial = {"is_active": True}
    if robot is not None:
        initial = {f: getattr(robot, f) for f in ("team", "vendor", "name", "events", "is_active")}
    form = RobotForm(request.POST or None, initial=initial, editing=robot is not None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.robot_save(actor=user, robot_id=robot_id, fields=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Group robot saved."))
            return redirect("channels:robot_edit", saved.pk)
    secret = masked(robot.secret) if robot is not None else ""
    context = {"form": form, "robot": robot, "secret": secret}
    return render(request, "channels/robot_form.html", context)


@require_POST
@admin_page
def robot_delete(request: HttpRequest, user: User, robot_id: int) -> HttpResponse:
    services.robot_delete(actor=user, robot_id=robot_id)
    messages.success(request, _("Group robot deleted."))
    return redirect("channels:robot_list")


@require_POST
@admin_page
def robot_test_view(request: HttpRequest, user: User, robot_id: int) -> HttpResponse:
    robot = services.robot_for(actor=user, robot_id=robot_id)
    try:
        robot_test(robot)
    except ChannelError as exc:
        messages.error(request, _("The robot refused the message: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("Test message sent."))
    return redirect("channels:robot_edit", robot.pk)
