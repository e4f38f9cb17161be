"""The write door is the only writer of history-tracked records, read from the source (ast).

Outside ``ledger/writes.py`` no app module may save, delete or update a history-tracked model:
no ``<Model>.objects….update/delete/create/bulk_*`` on one, no ``<record>.save()``/``.delete()`` on a
variable named for one (``milestone.save()``), no ``save_with_history``/``save_many_with_history``,
and no import of the door's internals (``attribute``, ``locked_versions``, ``full_clean_fast``).
``KNOWN`` lists the writes that still bypass the door on purpose, each with its reason; a new one
fails here until it goes through the door (or is listed with a reason).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

from ledger.history import has_history

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "ambassadors", "chains", "desk", "figures", "jobs", "ledger", "portal", "projects",
        "savedfilters", "qingshan")
DOOR = Path("ledger/writes.py")
INTERNALS = {"attribute", "locked_versions", "full_clean_fast"}
QUERYSET_WRITES = {"update", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
HISTORY_WRITERS = {"save_with_history", "save_many_with_history"}

# (module, what) -> why it may bypass the door.
KNOWN: dict[tuple[str, str], str] = {
    ("ledger/history.py", "save_with_history"): "the history writer itself, called by the door",
    ("ledger/history.py", "save_many_with_history"): "the history writer itself, called by the door",
}
# Whole modules that write around the door on purpose: the demo loaders COPY synthetic rows and
# clear them again, marking the public data as changed themselves (docs/workflow.md).
KNOWN_MODULES: dict[str, str] = {
    "ambassadors/demo.py": "demo loader",
    "projects/management/commands/generate_demo.py": "demo loader",
}


def _tracked() -> tuple[set[str], set[str]]:
    """Class names of the history-tracked models, and the variable names that stand for their records."""
    models = [m for m in apps.get_models() if has_history(m) and not m.__name__.startswith("Historical")]
    classes = {m.__name__ for m in models}
    names = set()
    for model in models:
        words = re.findall(r"[A-Z][a-z0-9]*", model.__name__)
        names |= {model.__name__.lower(), words[-1].lower(), "_".join(w.lower() for w in words)}
    return classes, names


def _modules() -> list[Path]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative == DOOR or str(relative) in KNOWN_MODULES:
                continue
            found.append(relative)
    return found


def _chain_root(node: ast.AST) -> ast.AST:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _uses_objects(node: ast.AST) -> bool:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager"):
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def door_bypasses(source: str, module: str) -> list[str]:
    """What ``source`` writes around the door, as ``(line) what``."""
    classes, names = _tracked()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in ("ledger.writes", "writes", None) or (
            isinstance(node, ast.ImportFrom) and (node.module or "").endswith("writes")
        ):
            for alias in node.names:
                if alias.name in INTERNALS:
                    found.append((node.lineno, f"imports {alias.name}"))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in HISTORY_WRITERS:
            found.append((node.lineno, func.id))
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr in HISTORY_WRITERS:
            found.append((node.lineno, func.attr))
        root = _chain_root(func.value)
        if func.attr in QUERYSET_WRITES and _uses_objects(func.value) and isinstance(root, ast.Name) and (
            root.id in classes
        ):
            found.append((node.lineno, f"{root.id}.objects….{func.attr}()"))
        if func.attr in ("save", "delete") and isinstance(func.value, ast.Name) and func.value.id in names:
            found.append((node.lineno, f"{func.value.id}.{func.attr}()"))
    return [f"{module}:{line} {what}" for line, what in sorted(found)
            if (module, what) not in KNOWN and (module, what.split("(")[0]) not in KNOWN]


def test_no_module_outside_the_door_writes_a_history_tracked_record():
    bypasses = []
    for module in _modules():
        bypasses += door_bypasses((ROOT / module).read_text(encoding="utf-8"), str(module))
    assert not bypasses, "\n".join(bypasses)


def test_the_guard_sees_a_queryset_update_and_a_record_save():
    planted = (
        "from projects.models import Project\n"
        "def f(milestone):\n"
        "    Project.objects.filter(pk=1).update(name='x')\n"
        "    milestone.save()\n"
    )
    assert door_bypasses(planted, "planted.py") == [
        "planted.py:3 Project.objects….update()", "planted.py:4 milestone.save()"]
