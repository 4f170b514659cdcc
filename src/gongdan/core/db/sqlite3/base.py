"""SQLite with a write gate: writers queue on a lock instead of polling SQLite's busy handler.

SQLite lets one writer in at a time. When a second connection asks for the write lock (our
transactions start with ``BEGIN IMMEDIATE``), SQLite's busy handler makes it sleep 1, 2, 5, 10,
… ms between tries, so under concurrent writes most of the time goes to sleeping and the tail
latency grows to seconds. This backend makes every write transaction first take a gate:

* a ``threading.Lock`` shared by the connections of this process (the web server's threads), and
* an exclusive ``flock`` on ``<database>.lock`` shared with other processes on the same database
  file (more web workers, the task consumer, management commands).

A waiter blocks in the kernel and wakes as soon as the holder commits or rolls back: no sleeping,
no "database is locked". Where ``fcntl`` does not exist (Windows), only the in-process lock is
used and SQLite's busy timeout covers the rest. In-memory databases (the test suite) use the
in-process lock only.

Only transactions opened by ``transaction.atomic`` take the gate; a single statement in
autocommit mode still relies on the busy timeout (they are short and rare).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# How long a writer waits for the other threads of its process before giving up. The busy timeout
# (OPTIONS["timeout"]) still bounds waits that the gate does not cover.
GATE_TIMEOUT = 60.0

_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


class _WriteGate:
    """One per database file and process; the file lock is taken per holder, not per thread."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        with _process_locks_guard:
            self.lock = _process_locks.setdefault(path or ":memory:", threading.Lock())
        self.fd: int | None = None

    def acquire(self, timeout: float) -> None:
        if not self.lock.acquire(timeout=timeout):
            raise OperationalError("database is locked (write gate timeout)")
        if self.path is None or fcntl is None:
            return
        try:
            if self.fd is None:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            self.lock.release()
            raise

    def release(self) -> None:
        try:
            if self.fd is not None and fcntl is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.lock.release()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._gate: _WriteGate | None = None
        self._gate_held = False

    def _write_gate(self) -> _WriteGate:
        if self._gate is None:
            path = None if self.is_in_memory_db() else f"{self.settings_dict['NAME']}.lock"
            self._gate = _WriteGate(path)
        return self._gate

    def _start_transaction_under_autocommit(self) -> None:
        gate = self._write_gate()
        gate.acquire(timeout=GATE_TIMEOUT)
        self._gate_held = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_gate()
            raise

    def _release_gate(self) -> None:
        if self._gate_held and self._gate is not None:
            self._gate_held = False
            self._gate.release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._release_gate()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release_gate()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._release_gate()
            if self._gate is not None:
                self._gate.close()
