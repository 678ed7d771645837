"""The house plan as checks over source text: what may import what, where SQL may stand.

Each check reads the ``.py`` files under a root folder (the repository, or a synthetic tree in a
test) with ``ast`` and returns a list of human-readable violations; an empty list means the rule
holds. Nothing is imported or run, so a planted violation in a temporary tree is found the same
way as a real one. The rules themselves are written down in ``tests/test_architecture.py``.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("app", "ui")

# Layers of app/, low to high: a module may import its own layer and the ones below it.
APP_LAYERS = ("kernel", "register", "staff", "evaluation", "training", "skills", "certification", "targets",
              "reporting", "demo", "overview", "cli")

QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pypdfium2")

# ui/ modules that may import the store: start-up opens the file, the worker helper opens a
# connection per worker thread, the lock-wait notice registers itself as the store's listener.
UI_STORE_MODULES = ("ui.main", "ui.background", "ui.lock_wait")

SQL_WORDS = re.compile(r"\b(SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s)")
SQL_CALLS = ("execute", "executescript", "executemany", "query", "table")


@dataclass(frozen=True)
class Import:
    """One import statement's target inside the tree (``local``: inside a function body)."""

    source: str
    target: str
    line: int
    local: bool


def module_files(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Dotted module name → file, for every ``.py`` file of the given top-level packages."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def package_names(root: Path, packages: tuple[str, ...] = PACKAGES) -> set[str]:
    """The dotted names of the folders with an ``__init__.py`` (what the installer must list)."""
    return {
        ".".join(init.parent.relative_to(root).parts)
        for package in packages
        for init in (root / package).rglob("__init__.py")
    }


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _walk_with_scope(tree: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node with whether it sits inside a function body (a late, function-local import)."""
    for child in ast.iter_child_nodes(tree):
        yield child, in_function
        inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        yield from _walk_with_scope(child, inner)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _raw_imports(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Import statements, leaving out ``if TYPE_CHECKING:`` blocks (they never run)."""
    skipped: set[int] = set()
    for node, local in _walk_with_scope(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skipped.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in skipped:
            yield node, local


def _resolve_from(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[Import]:
    """Every import between modules of the tree; ``from a import b`` targets ``a.b`` if b is a module."""
    files = module_files(root, packages)
    found = []
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        for node, local in _raw_imports(_parse(path)):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = _resolve_from(module, is_package, node)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            found.extend(Import(module, t, node.lineno, local)
                         for t in dict.fromkeys(targets) if t in files and t != module)
    return found


def external_imports(root: Path, package: str) -> Iterator[tuple[str, str, int]]:
    """(module, imported top-level name, line) for every import of a module in ``package``."""
    for module, path in module_files(root, (package,)).items():
        for node, _local in _raw_imports(_parse(path)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                yield module, name, node.lineno


def qt_in_app(root: Path) -> list[str]:
    """app/ is the core: the CLI bundle carries no Qt and no PDFium."""
    return [
        f"{module}:{line} imports {name}"
        for module, name, line in external_imports(root, "app")
        if name.split(".")[0] in QT_MODULES
    ]


def store_in_ui(root: Path) -> list[str]:
    """ui/ calls services; only start-up, the worker helper and the lock-wait notice touch the store."""
    return [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in imports(root, ("app", "ui"))
        if imp.source.startswith("ui") and imp.target == "app.db" and imp.source not in UI_STORE_MODULES
    ]


def sql_in(root: Path, package: str) -> list[str]:
    """Raw SQL in a package: ``.execute(``/``.query(``/``.table(`` calls, ``db[...]``, SQL in strings."""
    found = []
    for module, path in module_files(root, (package,)).items():
        for node in ast.walk(_parse(path)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SQL_CALLS):
                found.append(f"{module}:{node.lineno} calls .{node.func.attr}()")
            elif (isinstance(node, ast.Subscript) and isinstance(node.value, (ast.Name, ast.Attribute))
                    and (getattr(node.value, "id", None) or getattr(node.value, "attr", None)) == "db"):
                found.append(f"{module}:{node.lineno} reads a table as db[...]")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_WORDS.search(node.value):
                found.append(f"{module}:{node.lineno} has SQL in a string")
    return found


def cycles(edges: list[Import]) -> list[list[str]]:
    """The import loops: strongly connected groups of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for imp in edges:
        graph.setdefault(imp.source, set()).add(imp.target)
        graph.setdefault(imp.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _path_back(start: str, members: set[str], edges: list[Import]) -> list[Import]:
    """The shortest way round a loop from ``start`` back to itself (breadth first)."""
    step = {imp.source: [] for imp in edges}
    for imp in edges:
        if imp.source in members and imp.target in members:
            step[imp.source].append(imp)
    came: dict[str, Import] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for imp in step.get(node, []):
            if imp.target == start:
                path = [imp]
                while path[0].source != start:
                    path.insert(0, came[path[0].source])
                return path
            if imp.target not in came:
                came[imp.target] = imp
                queue.append(imp.target)
    return []


def import_loops(root: Path) -> list[str]:
    """Loops between modules, counting function-local imports (they only hide a loop)."""
    edges = imports(root, ("app", "ui"))
    loops = []
    for group in cycles(edges):
        path = _path_back(group[0], set(group), edges)
        steps = " → ".join(f"{i.source}:{i.line}{' (local)' if i.local else ''}" for i in path)
        loops.append(f"loop of {len(group)} modules, e.g. {steps} → {group[0]}")
    return loops


def app_layer(module: str) -> int:
    """A module's layer in app/: top-level modules and app.migrations are the kernel."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in APP_LAYERS:
        return 0
    return APP_LAYERS.index(parts[1])


def ui_area(module: str) -> str:
    """'widgets', a feature package name, or 'shell' for the modules at the top of ui/."""
    parts = module.split(".")
    if len(parts) >= 3 or (len(parts) == 2 and parts[1] in UI_FEATURES + ("widgets",)):
        return parts[1]
    return "shell"


UI_FEATURES = ("staff", "evaluation", "certification", "register", "overview")

# ui feature packages that another feature package opens on purpose (a link to a shared view).
UI_FEATURE_LINKS = {
    # every feature's lists open the person card (ui/overview)
    ("staff", "overview"), ("evaluation", "overview"), ("certification", "overview"), ("training", "overview"),
    ("skills", "overview"),
    # the person card shows the certificate log; the set-up guide opens each step's dialog
    ("overview", "certification"), ("overview", "staff"), ("overview", "register"),
    # the settings page opens the positions dialog and the evaluation-template editor
    ("register", "staff"), ("register", "evaluation"),
    # the project member picker lists staff with the staff table's model
    ("evaluation", "staff"),
    # training attendance is picked with the project member picker (by section, many at once)
    ("training", "evaluation"), ("training", "staff"),
}


def upward_imports(root: Path) -> list[str]:
    """Imports against the layer order (see ``tests/test_architecture.py``)."""
    found = []
    for imp in imports(root, ("app", "ui")):
        where = f"{imp.source}:{imp.line} imports {imp.target}"
        if imp.source.startswith("app."):
            if imp.target.startswith("ui"):
                found.append(f"{where}: the core imports the GUI")
            elif app_layer(imp.target) > app_layer(imp.source):
                found.append(f"{where}: {APP_LAYERS[app_layer(imp.target)]} is above "
                             f"{APP_LAYERS[app_layer(imp.source)]}")
        elif imp.source.startswith("ui") and imp.target.startswith("ui"):
            source, target = ui_area(imp.source), ui_area(imp.target)
            if source == target or target == "widgets":
                continue
            if source == "widgets":
                found.append(f"{where}: ui/widgets is shared and imports no other part of ui/")
            elif source != "shell" and target == "shell" and imp.target not in UI_SHELL_SERVICES:
                found.append(f"{where}: a feature package imports the shell")
            elif source != "shell" and target != "shell" and (source, target) not in UI_FEATURE_LINKS:
                found.append(f"{where}: ui feature packages do not import each other")
    return found


# Modules at the top of ui/ that feature packages use as services (the worker, the font and
# language set-up, the idle-lock's dialog closing), as opposed to the window that builds the pages.
UI_SHELL_SERVICES = ("ui.background", "ui.gui_gc", "ui.fonts", "ui.qt_language", "ui.idle_lock", "ui.lock_wait")


def pyproject_packages(root: Path) -> set[str]:
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return set(data["tool"]["setuptools"]["packages"])


def packaging_mismatch(root: Path) -> list[str]:
    """pyproject.toml lists every package explicitly: a new folder missing there is left out of the wheel."""
    listed, tree = pyproject_packages(root), package_names(root)
    return [f"{name}: in the tree, not in pyproject.toml" for name in sorted(tree - listed)] + [
        f"{name}: in pyproject.toml, not in the tree" for name in sorted(listed - tree)]


MAP_LINE = re.compile(r"^[-*|]\s*`((?:app|ui)(?:/[a-z_]+)*)/?`", re.MULTILINE)


def readme_map(root: Path) -> set[str]:
    """The packages named in the README's module map (lines starting ``- `app/staff/` ``)."""
    text = (root / "README.md").read_text(encoding="utf-8")
    return {match.group(1).replace("/", ".") for match in MAP_LINE.finditer(text)}


def module_map_mismatch(root: Path) -> list[str]:
    mapped, tree = readme_map(root), package_names(root)
    return [f"{name}: a package without a line in the README module map" for name in sorted(tree - mapped)] + [
        f"{name}: in the README module map, not in the tree" for name in sorted(mapped - tree)]
