"""Every change to what a search document shows reindexes it: ``search_check`` finds nothing stale.

Each case makes one kind of change the way the product does (the service, or the Django admin
where that is the only way to edit the object), with the outbox delivered at commit as in a
request, then checks the whole index.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F, Model
from django.forms import BooleanField, Form
from django.test import Client
from django.utils import timezone

from gongdan.accounts.services import user_profile_update
from gongdan.customers.models import Contact
from gongdan.knowledge import services as kb_services
from gongdan.knowledge.models import Category as KbCategory
from gongdan.search.services import KindReport, search_check, search_rebuild
from gongdan.sla.models import EscalationLevel, SlaPolicy
from gongdan.sla.sweep import sweep
from gongdan.testing import World, upload
from gongdan.tickets import services
from gongdan.tickets.choices import LinkKind
from gongdan.tickets.models import Ticket
from gongdan.tickets.services.types import category_update


@dataclass
class Scene:
    world: World
    parent: Ticket
    child: Ticket
    other: Ticket
    kb_category: KbCategory


def _stale(reports: list[KindReport]) -> dict[str, list[int]]:
    """Missing, stale or orphaned documents by kind (empty when the index is in step)."""
    return {r.kind: sorted({*r.missing, *r.stale, *r.orphans}) for r in reports if not r.consistent}


def _value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        return [v.pk if isinstance(v, Model) else v for v in items]
    return value


def _form_data(form: Form) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, BooleanField):
            if value:
                data[form.add_prefix(name)] = "on"
            continue
        data[form.add_prefix(name)] = _value(value)
    return data


def workspace_save(client: Client, url: str, **changes: Any) -> None:
    """Submit a workspace settings form as a person would: every field as shown, some changed."""
    page = client.get(url)
    assert page.status_code == 200
    data = _form_data(page.context["form"])
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors


def _rename_ticket_category(s: Scene) -> None:
    category_update(
        actor=s.world.admin, category=s.world.printer, name="打印设备", name_en="Printing"
    )


def _rename_kb_category(s: Scene) -> None:
    kb_services.category_save(
        actor=s.world.supervisor, category=s.kb_category, name="打印与扫描", name_en="Print & scan"
    )


def _create_child(s: Scene) -> None:
    services.ticket_create_child(actor=s.world.agent, parent=s.parent, title="更换硒鼓 Toner")


def _rename_organization(s: Scene) -> None:
    workspace_save(
        s.world.client_for(s.world.admin),
        f"/desk/customers/organizations/{s.world.acme.pk}/",
        name="艾克米集团 Acme Group",
    )


def _rename_team(s: Scene) -> None:
    workspace_save(
        s.world.client_for(s.world.admin),
        f"/desk/settings/teams/{s.world.it_team.pk}/",
        name="信息技术 IT",
    )


def _change_contact(s: Scene) -> None:
    contact = Contact.objects.get(user=s.world.customer)
    workspace_save(
        s.world.client_for(s.world.admin),
        f"/desk/customers/contacts/{contact.pk}/",
        name="张小姐 Ms Zhang",
        mobile="13800138000",
    )


def _rename_user(s: Scene) -> None:
    user_profile_update(user=s.world.agent, display_name="王工 Engineer Wang")


def _merge(s: Scene) -> None:
    services.ticket_merge(actor=s.world.agent, source=s.parent, target=s.other)


def _link(s: Scene) -> None:
    services.ticket_link(actor=s.world.agent, ticket=s.other, target=s.child, kind=LinkKind.RELATED)


def _watch_and_unwatch(s: Scene) -> None:
    watcher = services.watcher_add(actor=s.world.agent, ticket=s.other, user=s.world.supervisor)
    assert watcher is not None
    services.watcher_remove(actor=s.world.agent, ticket=s.other, watcher_id=watcher.pk)
    services.watcher_add(actor=s.world.agent, ticket=s.parent, user=s.world.supervisor)


def _attach(s: Scene) -> None:
    services.attachment_add(actor=s.world.customer, ticket=s.other, upload=upload("日志.txt", b"x"))


def _escalate(s: Scene) -> None:
    sweep(now=timezone.now() + timedelta(hours=2))  # raises the priority of every open ticket


def _reply(s: Scene) -> None:
    services.comment_create(actor=s.world.agent, ticket=s.child, body="已派人上门")


CHANGES: dict[str, Callable[[Scene], None]] = {
    "rename ticket category": _rename_ticket_category,
    "rename knowledge category": _rename_kb_category,
    "create child ticket": _create_child,
    "rename organization": _rename_organization,
    "rename team": _rename_team,
    "change contact": _change_contact,
    "rename user": _rename_user,
    "merge": _merge,
    "link": _link,
    "watch and unwatch": _watch_and_unwatch,
    "attach a file": _attach,
    "SLA escalation": _escalate,
    "reply": _reply,
}


@pytest.fixture
def scene(world: World, live: Callable[[], Any]) -> Scene:
    policy = SlaPolicy.objects.create(name="急 Rush", business_time=False, resolution_minutes=30)
    EscalationLevel.objects.create(policy=policy, after_minutes=0, raise_priority=True)
    with live():
        parent = world.ticket(title="打印机卡纸 Paper jam", category=world.printer)
        child = services.ticket_create_child(actor=world.agent, parent=parent, title="送修 Repair")
        other = world.ticket(title="打印机还是卡纸 Paper jam again")
        kb_category = kb_services.category_save(
            actor=world.supervisor, name="打印机", name_en="Printers"
        )
        kb_services.article_create(
            actor=world.supervisor,
            data=kb_services.ArticleData(
                title="卡纸怎么办 Clearing a paper jam",
                body="打开后盖，取出纸张。",
                category=kb_category,
                tags=["驱动"],
            ),
        )
    # An hour ago, so that any touch moves a document's time stamp (kept to the second).
    Ticket.objects.update(updated_at=F("updated_at") - timedelta(hours=1))
    search_rebuild()  # whatever setup left behind: each case starts from a consistent index
    assert _stale(search_check()) == {}
    return Scene(world, parent, child, other, kb_category)


@pytest.mark.parametrize("change", list(CHANGES))
def test_no_document_is_stale_after_the_change(
    scene: Scene, live: Callable[[], Any], change: str
) -> None:
    # Given a consistent index; when the change is made (its events delivered at commit)
    with live():
        CHANGES[change](scene)

    # Then no document is missing, stale or orphaned
    assert _stale(search_check()) == {}


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # the demo seeds an empty installation
def test_search_check_finds_nothing_stale_after_seed_demo(live: Callable[[], Any]) -> None:
    with live():
        call_command("seed_demo", tickets=20, stdout=io.StringIO())

    assert _stale(search_check()) == {}
