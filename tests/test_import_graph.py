"""The package's import graph has no circle.

Every import in ``src/synopsis`` — at module level or inside a function — is
an edge from the importing module to the module it names (``from .x import
y`` names ``x``, or ``x.y`` where that is a module). A package's implicit
import of its parents is not an edge: that is how Python loads packages.

Run ``python tests/test_import_graph.py`` to print the circles, if any, and
the number of modules and edges.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "synopsis"


def modules(root: Path = SRC) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found: dict[str, Path] = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base.pop()
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports(module: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The package modules that ``module`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node.level, node.module)
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in known:
                    yield submodule
                elif target in known:
                    yield target


def graph(root: Path = SRC) -> dict[str, set[str]]:
    known = modules(root)
    return {
        name: {t for t in imports(name, path, known) if t != name} for name, path in known.items()
    }


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_planted_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_relative_imports_resolve_to_modules(tmp_path: Path) -> None:
    package = tmp_path / PACKAGE
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .sub import leaf\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "leaf.py").write_text(
        "from .. import version\n\ndef f():\n    from ..sub import other\n"
    )
    (package / "sub" / "other.py").write_text("")
    (package / "version.py").write_text("")
    edges = graph(tmp_path)
    assert edges[PACKAGE] == {f"{PACKAGE}.sub.leaf"}
    assert edges[f"{PACKAGE}.sub.leaf"] == {f"{PACKAGE}.version", f"{PACKAGE}.sub.other"}


def test_no_import_circle_in_the_package() -> None:
    edges = graph()
    assert len(edges) > 50
    assert circles(edges) == []


if __name__ == "__main__":
    edges = graph()
    found = circles(edges)
    print(f"{len(edges)} modules, {sum(len(t) for t in edges.values())} import edges")
    for component in found:
        print("circle:", " ↔ ".join(component))
    print(f"{len(found)} circles")
    sys.exit(1 if found else 0)
