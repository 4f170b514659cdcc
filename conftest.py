"""Test-wide setup: an isolated data dir, then the fixtures from gongdan.core.testing."""

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("GONGDAN_TESTING", "1")
os.environ.setdefault("GONGDAN_DATA_DIR", tempfile.mkdtemp(prefix="gongdan-test-"))

pytest_plugins = ["gongdan.core.testing"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Start every test from an empty reference set, as the personas expect.

    Migrating the test database installs a fresh install's default ticket types and categories
    (``tickets`` migration ``default_ticket_types``); the personas bring their own types with the
    same codes, so the defaults are removed once here. tests/ops/test_first_install.py checks a
    real fresh install, defaults included.
    """
    from gongdan.tickets.models import Category, TicketType

    with django_db_blocker.unblock():
        Category.objects.all().delete()
        TicketType.objects.all().delete()
    yield
