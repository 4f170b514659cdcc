"""The layers of docs/architecture.md that import-linter cannot see, and the hooks that carry work
up the layers (decision 0004).

import-linter (``lint-imports`` in scripts/test) proves the layer order and that no modules form
a cycle; it counts imports inside functions like any other. What it cannot tell is *why* an import
sits inside a function: these tests keep cross-app imports at module level, where readers and
tools see them, so a new dependency can no longer hide from the layer check's reviewers.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

import gongdan
from gongdan.core import events, sweeps
from gongdan.core.hooks import Hooks
from gongdan.reports import hooks as report_hooks
from gongdan.search import selectors as search_selectors
from gongdan.search import services as search_services
from gongdan.search.choices import DocKind
from gongdan.tickets import hooks as ticket_hooks
from gongdan.tickets.choices import TimelineKind

SRC = Path(gongdan.__file__).parent

# Modules that may import other apps inside functions, and why.
ALLOWED = {
    # The command line is the process's entry point: Django's models can only be imported after
    # its own django.setup().
    "gongdan.cli",
}


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _hidden_imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) of every ``gongdan`` import inside a function of ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and not inner.level:
                names = [inner.module or ""]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            else:
                continue
            found += [(inner.lineno, n) for n in names if n.startswith("gongdan.")]
    return found


def test_no_module_imports_another_app_inside_a_function() -> None:
    # Given every module of the project (migrations are history, not layers)
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        module = _module(path)
        if "migrations" in path.parts or module in ALLOWED:
            continue
        # When its imports inside functions are listed
        for line, imported in _hidden_imports(path):
            # Then none reaches another app (AppConfig.ready() imports its own app's modules)
            if _app(imported) != _app(module):
                offenders.append(f"{module}:{line} imports {imported}")
    assert offenders == []


def test_every_app_has_a_layer() -> None:
    # Given the layers contract in pyproject.toml
    pyproject = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = pyproject["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    named = {m.split(".", 1)[1] for layer in layers for m in re.findall(r"gongdan\.\w+", layer)}
    # When the project's packages and top modules are listed
    apps = {p.parent.name for p in SRC.glob("*/__init__.py")} | {
        p.stem for p in SRC.glob("*.py") if p.stem != "__init__"
    }
    # Then each is placed in a layer (a new app is not free of the layers by omission)
    assert apps - named == set()


def test_a_hidden_import_is_found(tmp_path: Path) -> None:
    # Given a function that imports another app (the check above must not be vacuous)
    path = tmp_path / "probe.py"
    path.write_text("def f():\n    if True:\n        from gongdan.sla import engine\n")
    # When the module's hidden imports are listed
    found = _hidden_imports(path)
    # Then the import is among them, even nested in a block
    assert found == [(3, "gongdan.sla")]


def test_the_apps_above_register_their_hooks_at_start_up() -> None:
    # Given the project started (pytest-django ran every AppConfig.ready())
    lifecycle = {type(p).__name__ for p in ticket_hooks.lifecycle}
    # Then the ticket services reach SLA and assignment only through tickets.hooks
    assert lifecycle == {"SlaLifecycle", "AssignmentLifecycle"}
    assert TimelineKind.AUTO_ASSIGNED in ticket_hooks.timeline_sentences
    assert len(list(ticket_hooks.detail_context)) == 1
    # and the floor's own points are served by the apps above it
    assert [f.__name__ for f in events.on_outbox_commit] == ["kick_outbox"]
    assert [f.__name__ for f in sweeps.note_writers] == ["notify_many"]
    assert DocKind.ARTICLE in search_services.KINDS
    assert DocKind.ARTICLE in search_selectors.readers
    assert [type(p).__name__ for p in report_hooks.robot_posters] == ["ReportRobots"]


@pytest.mark.parametrize("times", [1, 3])
def test_registering_twice_keeps_one(times: int) -> None:
    # Given a hook point and one implementation
    point: Hooks[object] = Hooks("test.point")
    item = object()
    # When it is registered again (ready() may run twice in a process's life)
    for _ in range(times):
        point.register(item)
    # Then it is called once
    assert list(point) == [item]
