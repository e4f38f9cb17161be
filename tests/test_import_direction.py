"""The import direction, read from the source (ast), not from what happens to be loaded.

    qingshan (configuration)  ->  projects, ambassadors (domain)  ->  ledger (core)
                                  ambassadors -> projects, never the other way
                                  desk -> projects, jobs, ledger; nothing imports desk
                                  jobs -> ledger only (domain apps register their kinds of job)
                                  chains -> projects, ledger; nothing imports chains

- ``ledger`` names no domain app and not ``qingshan`` anywhere in a file;
- ``projects`` names no ``ambassadors`` anywhere in a file;
- ``qingshan`` imports no app module at module level (its URLconfs name the apps' URLconfs
  with ``include("...")`` and compose API routers and sitemaps from dotted paths in settings);
- the module-level import graph of first-party modules has no cycle;
- no function-local import of a first-party module except in ``AppConfig.ready()``, and no
  function-local import at all outside the few listed below, each with its reason.

Migrations are left out: Django writes them and they import only django and their own app.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ledger", "jobs", "savedfilters", "projects", "ambassadors", "desk", "chains", "qingshan")
DOMAIN_APPS = ("projects", "ambassadors", "desk", "chains")

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


def test_core_imports_no_domain_app_nor_configuration():
    offending = [
        i for i in IMPORTS if top(i.module) == "ledger" and top(i.target) in (*DOMAIN_APPS, "qingshan")
    ]
    assert not offending, _report("ledger imports a domain app or qingshan", offending)


def test_jobs_imports_only_the_core():
    # jobs (issue 17) is domain-neutral: domain apps register their kinds of job with it, never the reverse.
    offending = [i for i in IMPORTS if top(i.module) == "jobs" and top(i.target) in (*DOMAIN_APPS, "qingshan",
                                                                                      "savedfilters")]
    offending += [i for i in IMPORTS if top(i.module) == "ledger" and top(i.target) == "jobs"]
    assert not offending, _report("jobs imports a domain app, or ledger imports jobs", offending)


def test_projects_imports_no_ambassadors():
    offending = [i for i in IMPORTS if top(i.module) == "projects" and top(i.target) == "ambassadors"]
    assert not offending, _report("projects imports ambassadors", offending)


def test_nothing_imports_the_desk():
    """The desk (issue 15) sits on top: it imports ledger and projects; only settings and URLs name it."""
    offending = [i for i in IMPORTS if top(i.target) == "desk" and top(i.module) not in ("desk", "qingshan")]
    assert not offending, _report("an app imports desk", offending)


def test_chains_import_only_the_core_and_projects_and_nothing_imports_them():
    """The chains (产业链图谱) sit on the project domain: they import ledger and projects; only settings
    and URLs name them (projects names their models by label in its roles, never by import)."""
    offending = [i for i in IMPORTS if top(i.module) == "chains" and is_first_party(i.target)
                 and top(i.target) not in ("chains", "ledger", "projects")]
    offending += [i for i in IMPORTS if top(i.target) == "chains" and top(i.module) not in ("chains", "qingshan")]
    assert not offending, _report("chains import beyond ledger and projects, or an app imports chains", offending)


def test_desk_imports_only_ledger_jobs_and_projects():
    """The desk registers its kinds of job (the digest, the escalation) with ``jobs``, which sits below it."""
    allowed = ("desk", "ledger", "jobs", "projects")
    offending = [i for i in IMPORTS if top(i.module) == "desk" and is_first_party(i.target)
                 and top(i.target) not in allowed]
    assert not offending, _report("desk imports an app other than ledger, jobs and projects", offending)


def test_configuration_imports_no_app_at_module_level():
    offending = [
        i
        for i in IMPORTS
        if top(i.module) == "qingshan" and not i.local and top(i.target) in ("ledger", "jobs", *DOMAIN_APPS)
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
