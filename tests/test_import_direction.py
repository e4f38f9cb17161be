"""The import direction, read from the source (ast), not from what happens to be loaded.

The rooms, lowest first; each may import only the rooms listed for it (``MAY_IMPORT``):

    ledger        core: record base models, the write door, workflow, caches, generic admin/view helpers
    accounts      the office's people: roles, two-factor sign-in, user and group admin  -> ledger
    jobs          long work on django-tasks (domain apps register their kinds)          -> ledger
    savedfilters  each person's named changelist filters                                -> ledger
    projects      the project domain (projects, enterprises, events, zones, institutes,
                  sectors, the stage table, what counts, progress, interest records)    -> ledger, accounts,
                                                                                           jobs, savedfilters
    ambassadors   cohorts, ambassadors, leads                                           -> projects and below
    chains        产业链图谱: chains, their links, what fills them, missing links        -> projects, ledger
    figures       office figures: yardsticks, dashboard, public summary, weekly alerts  -> the domain and below
    desk          the officer's 工作台 (督办, visits, tasks, evidence, notifications)     -> figures, the domain
                                                                                           and below
    portal        the public site: pages, feeds, sitemaps, map, interest form           -> figures, chains, the
                                                                                           domain, ledger (and the
                                                                                           client address of
                                                                                           qingshan)
    qingshan      configuration: imports no app module at module level

- nothing imports ``portal`` or ``desk`` (only qingshan's settings and URLconfs name them, by dotted path);
- only ``portal`` and ``desk`` import ``figures``; only ``portal`` imports ``chains``; ``projects``
  imports no ``ambassadors``;
- ``qingshan`` imports no app module at module level (its URLconfs name the apps' URLconfs
  with ``include("...")`` and compose API routers and sitemaps from dotted paths in settings);
- the module-level import graph of first-party modules has no cycle;
- no function-local import of a first-party module except in ``AppConfig.ready()``, and no
  function-local import at all outside the few listed below, each with its reason.

Migrations are left out: Django writes them and they import only django, their own app and rooms
below it (the data migrations of the roles import ``accounts.roles``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ledger", "accounts", "jobs", "savedfilters", "projects", "ambassadors", "chains", "figures", "desk",
            "portal", "qingshan")
DOMAIN_APPS = ("projects", "ambassadors")
APPS = ("accounts", "jobs", "savedfilters", *DOMAIN_APPS, "chains", "figures", "desk", "portal")

_BELOW_DOMAIN = {"ledger", "accounts", "jobs", "savedfilters"}
# room -> the other rooms it may import (module level or in ready()).
MAY_IMPORT: dict[str, set[str]] = {
    "ledger": set(),
    "accounts": {"ledger"},
    "jobs": {"ledger"},
    "savedfilters": {"ledger"},
    "projects": _BELOW_DOMAIN,
    "ambassadors": {*_BELOW_DOMAIN, "projects"},
    "chains": {"ledger", "projects"},
    "figures": {*_BELOW_DOMAIN, *DOMAIN_APPS},
    "desk": {*_BELOW_DOMAIN, *DOMAIN_APPS, "figures"},
    "portal": {*_BELOW_DOMAIN, *DOMAIN_APPS, "chains", "figures", "qingshan"},
    "qingshan": set(),  # at module level; see test_configuration_imports_no_app_at_module_level
}
# What an app may use of qingshan (configuration): helpers that import no app.
QINGSHAN_FOR_APPS = ("qingshan.client_address",)

# Function-local imports of stdlib or third-party modules that stay, with the reason.
# (module, imported name) -> reason. Nothing first-party may appear here.
ALLOWED_LOCAL_IMPORTS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted and absolute
    line: int
    local: bool  # inside a function body
    function: str  # the enclosing function's qualified name ('' at module level)
    in_ready: bool  # inside an AppConfig.ready()

    def __str__(self) -> str:
        where = f" in {self.function}()" if self.function else ""
        return f"{self.module}:{self.line}{where} imports {self.target}"


def first_party_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            files.append(path)
    return files


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    if node.module:
        base += node.module.split(".")
    return ".".join(base)


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, known: set[str]) -> None:
        self.module = module
        self.is_package = is_package
        self.known = known
        self.scope: list[tuple[str, str]] = []  # (kind, name)
        self.imports: list[Import] = []

    def _function(self) -> str:
        return ".".join(name for _, name in self.scope if _ != "module")

    def _in_function(self) -> bool:
        return any(kind == "def" for kind, _ in self.scope)

    def _in_ready(self) -> bool:
        # ready() defined directly in a class (an AppConfig subclass)
        for i, (kind, name) in enumerate(self.scope):
            if kind == "def" and name == "ready" and i > 0 and self.scope[i - 1][0] == "class":
                return True
        return False

    def _add(self, target: str, line: int) -> None:
        self.imports.append(
            Import(
                module=self.module,
                target=target,
                line=line,
                local=self._in_function(),
                function=self._function() if self._in_function() else "",
                in_ready=self._in_ready(),
            )
        )

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(("class", node.name))
        self.generic_visit(node)
        self.scope.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(("def", node.name))
        self.generic_visit(node)
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = _resolve(self.module, self.is_package, node)
        for alias in node.names:
            # `from package import submodule` imports the submodule
            candidate = f"{base}.{alias.name}" if base else alias.name
            self._add(candidate if candidate in self.known else base, node.lineno)


def collect() -> list[Import]:
    files = first_party_files()
    known = {module_name(path) for path in files}
    imports = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        collector = _Collector(module_name(path), path.name == "__init__.py", known)
        collector.visit(tree)
        imports.extend(collector.imports)
    return list(dict.fromkeys(imports))  # `from x import a, b` is one import of x


IMPORTS = collect()
KNOWN = {module_name(path) for path in first_party_files()}


def top(name: str) -> str:
    return name.split(".")[0]


def is_first_party(name: str) -> bool:
    return top(name) in PACKAGES


def _report(title: str, offending: list[Import]) -> str:
    return title + ":\n" + "\n".join(f"  {item}" for item in offending)


def test_the_reader_sees_the_code():
    # Guard against the reader silently finding nothing (wrong root, wrong package names).
    assert len(KNOWN) > 50
    assert any(i.module == "projects.admin" and i.target == "ledger.admin" for i in IMPORTS)
    assert any(i.module == "ambassadors.models" and top(i.target) == "projects" for i in IMPORTS)
    assert any(i.module == "portal.views" and top(i.target) == "figures" for i in IMPORTS)
    assert any(i.module == "projects.stages" and i.target == "accounts.roles" for i in IMPORTS)


def test_the_table_names_every_room():
    assert set(MAY_IMPORT) == set(PACKAGES)
    assert all(set(allowed) <= set(PACKAGES) for allowed in MAY_IMPORT.values())


def test_each_room_imports_only_the_rooms_below_it():
    offending = [
        i for i in IMPORTS
        if top(i.module) != "qingshan" and is_first_party(i.target) and top(i.target) != top(i.module)
        and top(i.target) not in MAY_IMPORT[top(i.module)]
    ]
    assert not offending, _report("an import against the direction (see MAY_IMPORT)", offending)


def test_core_imports_no_app_nor_configuration():
    offending = [i for i in IMPORTS if top(i.module) == "ledger" and is_first_party(i.target) and top(i.target) != "ledger"]
    assert not offending, _report("ledger imports an app or qingshan", offending)


def test_accounts_imports_only_the_core():
    offending = [i for i in IMPORTS if top(i.module) == "accounts" and top(i.target) in (*APPS, "qingshan")
                 and top(i.target) != "accounts"]
    assert not offending, _report("accounts imports an app other than ledger", offending)


def test_jobs_imports_only_the_core():
    # jobs is domain-neutral: domain apps register their kinds of job with it, never the reverse.
    offending = [i for i in IMPORTS if top(i.module) == "jobs" and top(i.target) in (*APPS, "qingshan")
                 and top(i.target) != "jobs"]
    assert not offending, _report("jobs imports an app", offending)


def test_projects_imports_no_ambassadors():
    offending = [i for i in IMPORTS if top(i.module) == "projects" and top(i.target) == "ambassadors"]
    assert not offending, _report("projects imports ambassadors", offending)


def test_nothing_imports_the_desk_or_the_portal():
    """The desk and the portal sit on top: only settings and URLs name them (by dotted path)."""
    offending = [i for i in IMPORTS if top(i.target) in ("desk", "portal") and top(i.module) != top(i.target)]
    assert not offending, _report("an app imports desk or portal", offending)


def test_only_the_portal_and_the_desk_import_the_figures():
    offending = [i for i in IMPORTS if top(i.target) == "figures" and top(i.module) not in ("figures", "portal", "desk")]
    assert not offending, _report("figures imported from below", offending)


def test_only_the_portal_imports_the_chains():
    offending = [i for i in IMPORTS if top(i.target) == "chains" and top(i.module) not in ("chains", "portal")]
    assert not offending, _report("chains imported from below", offending)


def test_apps_use_of_the_configuration_is_its_client_address_only():
    offending = [i for i in IMPORTS if top(i.module) in APPS and top(i.target) == "qingshan"
                 and i.target not in QINGSHAN_FOR_APPS]
    assert not offending, _report("an app imports qingshan", offending)


def test_configuration_imports_no_app_at_module_level():
    offending = [
        i
        for i in IMPORTS
        if top(i.module) == "qingshan" and not i.local and top(i.target) in ("ledger", *APPS)
    ]
    assert not offending, _report("qingshan imports an app module at import time", offending)


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in KNOWN}
    for i in IMPORTS:
        if i.local or not is_first_party(i.target) or i.target == i.module:
            continue
        target = i.target
        # importing `a.b.c` runs `a` and `a.b` first
        parts = target.split(".")
        for n in range(1, len(parts) + 1):
            prefix = ".".join(parts[:n])
            if prefix in KNOWN and prefix != i.module and not i.module.startswith(prefix + "."):
                graph[i.module].add(prefix)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = grey
        stack.append(node)
        for nxt in sorted(graph[node]):
            if colour[nxt] == grey:
                return [*stack[stack.index(nxt):], nxt]
            if colour[nxt] == white:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = black
        return None

    for node in sorted(graph):
        if colour[node] == white:
            found = visit(node)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_module_level_import_graph_has_no_cycle():
    cycle = find_cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_function_local_import_of_first_party_code_outside_ready():
    offending = [i for i in IMPORTS if i.local and is_first_party(i.target) and not i.in_ready]
    assert not offending, _report("function-local imports of first-party modules", offending)


def test_no_function_local_import_of_other_code_without_a_reason():
    offending = [
        i
        for i in IMPORTS
        if i.local
        and not is_first_party(i.target)
        and not i.in_ready
        and (i.module, i.target) not in ALLOWED_LOCAL_IMPORTS
    ]
    assert not offending, _report("function-local imports of stdlib/third-party modules", offending)
