from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from gongdan.accounts.models import Team, User
from gongdan.customers.models import Contact, Organization
from gongdan.tickets.choices import Status, TimelineKind
from gongdan.tickets.models import Comment, Ticket, TicketType, TimelineEntry


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "teams": Team.objects.count(),
        "orgs": Organization.objects.count(),
        "contacts": Contact.objects.count(),
        "types": TicketType.objects.count(),
        "tickets": Ticket.objects.count(),
        "comments": Comment.objects.count(),
        "timeline": TimelineEntry.objects.count(),
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # the demo and bench seed an empty installation
def test_seed_demo_builds_a_bilingual_dataset_in_every_status_and_is_idempotent() -> None:
    out = io.StringIO()
    call_command("seed_demo", tickets=150, stdout=out)
    first = counts()

    call_command("seed_demo", tickets=150, stdout=io.StringIO())

    assert counts() == first
    assert first["tickets"] == 150
    assert first["teams"] == 7
    assert first["orgs"] == 6
    assert set(TicketType.objects.values_list("code", flat=True)) == {
        "incident",
        "request",
        "complaint",
        "repair",
    }
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    assert Comment.objects.filter(is_internal=False).exists()
    assert Comment.objects.filter(is_internal=True).exists()
    assert TimelineEntry.objects.filter(kind=TimelineKind.CREATED).count() == 150
    assert Contact.objects.filter(is_org_admin=True, user__isnull=False).count() == 6
    assert Ticket.objects.filter(title__regex=r"[\u4e00-\u9fff]").exists()
    assert Ticket.objects.filter(title__regex=r"^[A-Za-z]").exists()
    assert "gongdan-demo" in out.getvalue()
    # A small bilingual knowledge base, published in three categories.
    from gongdan.knowledge.models import Article, Category

    assert Category.objects.count() == 3
    assert set(Article.objects.values_list("status", flat=True)) == {"published"}
    assert Article.objects.filter(language="zh-hans").count() == 8
    assert Article.objects.filter(language="en").count() == 8
    assert "admin" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_db")  # the demo and bench seed an empty installation
def test_seed_demo_if_empty_leaves_an_existing_installation_alone() -> None:
    User.objects.create_user(username="someone", password="x-very-long-pass")
    out = io.StringIO()

    call_command("seed_demo", if_empty=True, stdout=out)

    assert Ticket.objects.count() == 0
    assert User.objects.count() == 1
    assert "demo data not loaded" in out.getvalue()
