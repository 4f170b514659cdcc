"""The shared kit that replaced the per-app copies: per-process caches, role checks, form errors,
htmx responses (docs/architecture.md, "Layers")."""

from __future__ import annotations

import time

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from gongdan.accounts import policies
from gongdan.core import cache, htmx
from gongdan.core.errors import ValidationFailed
from gongdan.core.forms import add_domain_error
from gongdan.testing import World
from gongdan.tickets import refdata
from gongdan.tickets.models import TicketType


def test_a_process_cache_keeps_its_value_for_the_ttl_then_reloads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a cache over a counting loader
    loads: list[int] = []
    kept = cache.ProcessCache(lambda: loads.append(1) or len(loads), ttl=5)
    # When it is read twice within the TTL / Then it loads once
    assert (kept.get(), kept.get()) == (1, 1)
    # When the TTL has passed / Then it loads again
    later = time.monotonic() + 6
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert kept.get() == 2
    # When it is invalidated / Then the next read loads; the old value stays there for the loader
    kept.invalidate()
    assert kept.previous() == 2
    assert kept.get() == 3 and kept.previous() == 3


def test_a_save_in_this_process_drops_the_cache_at_once(world: World) -> None:
    # Given the ticket types cached
    assert refdata.ticket_type_get(world.incident.pk).name != "改"  # type: ignore[union-attr]
    # When a type is saved through the ORM in this process
    world.incident.name = "改"
    world.incident.save()
    # Then the next read sees it (core.cache.invalidate_on connected the signal)
    assert refdata.ticket_type_get(world.incident.pk).name == "改"  # type: ignore[union-attr]


def test_clear_all_forgets_every_cache(world: World) -> None:
    # Given the ticket types cached, then changed behind the cache (no signal)
    refdata.ticket_type_get(world.incident.pk)
    TicketType.objects.filter(pk=world.incident.pk).update(name="背后改")
    # When every cache is cleared
    cache.clear_all()
    # Then the change shows
    assert refdata.ticket_type_get(world.incident.pk).name == "背后改"  # type: ignore[union-attr]


def test_an_lru_cache_keeps_the_last_few_keys() -> None:
    # Given a cache of two entries
    lru: cache.LruCache[str, int] = cache.LruCache(2)
    builds: list[str] = []

    def build(key: str) -> int:
        builds.append(key)
        return len(builds)

    # When a, b, a, c, b are read
    for key in "abacb":
        lru.get(key, lambda key=key: build(key))
    # Then a was kept by its second read, b fell out when c came and was built again
    assert builds == ["a", "b", "c", "b"]


def test_role_checks(world: World) -> None:
    # Given each persona / Then the checks answer as the roles say
    assert [policies.is_staff_user(u) for u in (world.admin, world.agent, world.customer)] == [
        True,
        True,
        False,
    ]
    assert [policies.is_manager(u) for u in (world.admin, world.supervisor, world.agent)] == [
        True,
        True,
        False,
    ]
    assert [policies.is_admin(u) for u in (world.admin, world.supervisor)] == [True, False]
    # and nobody signed out or deactivated passes
    assert not policies.is_staff_user(AnonymousUser())
    world.admin.is_active = False
    assert not policies.is_admin(world.admin)
    assert policies.has_role(world.admin, "admin")  # the role alone


class _Form(forms.Form):
    contact = forms.CharField(required=False)
    skills = forms.CharField(required=False)


@pytest.mark.parametrize(
    ("fields", "placed"),
    [
        ({"requester": "不对"}, {"contact": ["不对"]}),  # an alias
        ({"skills.2.skill": "等级缺失"}, {"skills": ["等级缺失"]}),  # a nested name
        ({"nowhere": "x"}, {"__all__": ["总的错误"]}),  # no such field: above the form
    ],
)
def test_a_domain_error_lands_next_to_its_field(
    fields: dict[str, str], placed: dict[str, list[str]]
) -> None:
    # Given a bound form and a service's error naming fields
    form = _Form(data={})
    assert form.is_valid()
    exc = ValidationFailed("x.invalid", "总的错误", fields=fields)
    # When it is added
    add_domain_error(form, exc, {"requester": "contact"})
    # Then it sits where the form shows it
    assert form.errors == placed


def test_htmx_conventions() -> None:
    factory = RequestFactory()
    plain = factory.get("/")
    swap = factory.get("/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="rows")
    boosted = factory.get("/", HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    for request in (plain, swap, boosted):
        htmx_middleware(request)
    # An htmx swap gets the fragment; a boosted link and a plain request the page
    assert [htmx.wants_fragment(r) for r in (plain, swap, boosted)] == [False, True, False]
    assert (htmx.htmx_target(swap), htmx.htmx_target(plain)) == ("rows", None)
    # After a change htmx follows HX-Redirect, a plain post a 302
    assert htmx.go(swap, "/next/")["HX-Redirect"] == "/next/"
    assert htmx.go(plain, "/next/").status_code == 302
    assert "HX-Request" in htmx.vary_on_htmx(htmx.go(plain, "/next/"))["Vary"]


def htmx_middleware(request: object) -> None:
    request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
