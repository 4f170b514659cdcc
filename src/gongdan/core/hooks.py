"""Extension points: how a lower layer starts work that an app above it does.

An app imports only from the layers below it (docs/architecture.md, "Layers"; checked by
``lint-imports``). When a lower layer must start work above it — the ticket services start SLA
clocks and smart assignment, the outbox asks the job engine for a dispatch — it declares a
:class:`Hooks` point here or in its own module, and the app above registers an implementation in
its ``AppConfig.ready()``. The call site stays explicit (one named point, typed), and the
dependency points the right way. See docs/decisions/0004-layers-and-hooks.md.
"""

from __future__ import annotations

from collections.abc import Iterator


class Hooks[T]:
    """The implementations registered for one extension point, in registration order.

    Registration happens at start-up (``AppConfig.ready()``, so in ``INSTALLED_APPS`` order) and
    is idempotent: registering the same object twice keeps one.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: list[T] = []

    def register(self, item: T) -> T:
        if item not in self._items:
            self._items.append(item)
        return item

    def __iter__(self) -> Iterator[T]:
        return iter(tuple(self._items))

    def __bool__(self) -> bool:
        return bool(self._items)

    def __repr__(self) -> str:
        return f"<Hooks {self.name}: {len(self._items)}>"
