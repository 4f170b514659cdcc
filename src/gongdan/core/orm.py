"""Small ORM helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model


def prime_prefetch(instance: Model, relation: str, objects: Iterable[Model]) -> None:
    """Fill ``instance.<relation>.all()`` with rows we already hold, as ``prefetch_related`` does.

    For a row just written by a service (e.g. a new ticket and the tags it was given), so that
    rendering it does not read back what we know. Any later write through the relation's manager
    clears this cache, as it clears a real prefetch.
    """
    manager = getattr(instance, relation)
    queryset = manager.get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[manager.prefetch_cache_name] = queryset
