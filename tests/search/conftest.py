"""Search tests: the index is kept by outbox subscribers, so commits run their hooks here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from gongdan.search import tokenizer


@pytest.fixture(autouse=True)
def _fresh_dictionary() -> Iterator[None]:
    tokenizer.invalidate()
    yield
    tokenizer.invalidate()


@pytest.fixture
def live(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """Run commit hooks as a real request would: emitted events reach the index at commit."""

    def capture() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return capture
